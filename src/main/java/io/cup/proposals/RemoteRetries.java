package io.cup.proposals;

import io.cup.bus.Addresses;
import io.cup.bus.Empty;
import io.cup.git.GitSource;
import io.cup.retry.RetryPolicy;
import io.cup.status.StatusException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Leased updates of the remote, as the publisher and the reconciler make them: an attempt either
 * holds its leases or answers empty because the remote moved; then the clone is fetched and the
 * attempt made again, at most {@value #ATTEMPTS} times in all, then 409.
 */
final class RemoteRetries {
  static final int ATTEMPTS = 4;

  private static final long FETCH_TIMEOUT_MILLIS = 90_000;

  /** Attempts one after another: the fetch between them is the wait. */
  private static final RetryPolicy LEASES = RetryPolicy.immediate(ATTEMPTS);

  private final Vertx vertx;
  private final GitSource git;

  /**
   * @param git the clone, or null for a directory source (nothing to fetch)
   */
  RemoteRetries(Vertx vertx, GitSource git) {
    this.vertx = vertx;
    this.git = git;
  }

  /**
   * Brings the clone up to date through the fetcher ({@link Addresses#REPOSITORY_FETCH}), the
   * clone's one owner, which announces a moved head to the rest of the server. Nothing to do for a
   * directory. Without a fetcher deployed the clone cannot be fetched: the failure (503) is the
   * answer, as for a fetcher that cannot reach the remote.
   */
  Future<Void> refresh() {
    if (git == null) {
      return Future.succeededFuture();
    }
    return Addresses.REPOSITORY_FETCH
        .request(vertx.eventBus(), Empty.INSTANCE, FETCH_TIMEOUT_MILLIS)
        .<Void>mapEmpty()
        .recover(e -> Future.failedFuture(StatusException.from(e)));
  }

  /**
   * Runs {@code read} (blocking, on a worker). On a cluster another node's publisher may have
   * written a proposal a moment ago that this clone has not fetched yet: a read that answers 404
   * there fetches the clone ({@link #refresh}) and reads once more.
   */
  <T> Future<T> readOrFetched(Callable<T> read) {
    return vertx
        .executeBlocking(read, false)
        .recover(
            missing -> {
              if (git == null
                  || !vertx.isClustered()
                  || StatusException.from(missing).code() != 404) {
                return Future.failedFuture(missing);
              }
              return refresh().compose(fetched -> vertx.executeBlocking(read, false));
            });
  }

  /**
   * Runs {@code attempt} (blocking, on a worker) until its leases hold, fetching between attempts;
   * fails with 409 naming {@code what} after {@value #ATTEMPTS} attempts.
   */
  <T> Future<T> untilHeld(Callable<Optional<T>> attempt, String what) {
    return LEASES
        .<T>run(
            vertx,
            number ->
                (number == 1 ? Future.<Void>succeededFuture() : refresh().otherwiseEmpty())
                    .compose(v -> vertx.executeBlocking(attempt, false))
                    .compose(
                        result ->
                            result.isPresent()
                                ? Future.succeededFuture(result.get())
                                : Future.failedFuture(new LeaseLost())),
            LeaseLost.class::isInstance)
        .recover(
            e ->
                Future.failedFuture(
                    e instanceof LeaseLost
                        ? StatusException.conflict(
                            what
                                + " kept changing on the remote ("
                                + ATTEMPTS
                                + " attempts); try again")
                        : e));
  }

  /** An attempt whose lease did not hold: the remote moved under it. */
  private static final class LeaseLost extends RuntimeException {
    LeaseLost() {
      super("the remote moved", null, false, false);
    }
  }
}
