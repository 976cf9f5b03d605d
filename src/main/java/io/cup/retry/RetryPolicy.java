package io.cup.retry;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Cup's one retry and backoff policy: how many attempts, and how long to wait before the next one.
 * The wait doubles from {@code baseMillis} with every failure, up to {@code maxMillis}, and is
 * jittered (uniform in its upper half) when {@code jitter}, so nodes that failed together do not
 * retry together; a wait the other side asked for ({@code Retry-After}, a rate-limit reset) is
 * honoured instead, but never shorter than {@code baseMillis}. A base of 0 retries at once.
 *
 * <p>Used by every retry loop: the reconciler's pull request openings and comments, leased pushes
 * of proposal records, and the API's patch that met a concurrent write.
 *
 * @param maxAttempts attempts in all, the first included; {@link Integer#MAX_VALUE}: no bound
 */
public record RetryPolicy(int maxAttempts, long baseMillis, long maxMillis, boolean jitter) {
  /** No wait asked for: the exponential backoff decides. */
  public static final long NO_HINT = -1;

  public RetryPolicy {
    if (maxAttempts < 1 || baseMillis < 0 || maxMillis < baseMillis) {
      throw new IllegalArgumentException(
          "bad retry policy: " + maxAttempts + " attempts, " + baseMillis + ".." + maxMillis);
    }
  }

  /** {@code attempts} attempts in all, one right after another. */
  public static RetryPolicy immediate(int attempts) {
    return new RetryPolicy(attempts, 0, 0, false);
  }

  /** As many attempts as it takes, jittered exponential waits from {@code base} to {@code max}. */
  public static RetryPolicy exponential(long baseMillis, long maxMillis) {
    return new RetryPolicy(Integer.MAX_VALUE, baseMillis, maxMillis, true);
  }

  /** Whether attempt number {@code attempt} (the first is 1) may run. */
  public boolean allows(int attempt) {
    return attempt <= maxAttempts;
  }

  /**
   * How long to wait after the {@code failures}-th failure in a row before trying again: {@code
   * hintMillis} when the other side asked for a wait (at least {@code baseMillis}), else the
   * backoff.
   */
  public long delayMillis(int failures, long hintMillis) {
    if (hintMillis >= 0) {
      return Math.max(hintMillis, baseMillis);
    }
    long exponential = Math.min(maxMillis, baseMillis << Math.min(Math.max(failures - 1, 0), 20));
    return jitter
        ? exponential / 2 + ThreadLocalRandom.current().nextLong(exponential / 2 + 1)
        : exponential;
  }

  /**
   * Runs {@code attempt} (given its number, from 1) until it succeeds, fails with what {@code
   * retryable} refuses, or the attempts run out (then the last failure); between attempts it waits
   * {@link #delayMillis} with the hint {@code hint} reads from the failure.
   */
  public <T> Future<T> run(
      Vertx vertx,
      IntFunction<Future<T>> attempt,
      Predicate<Throwable> retryable,
      ToLongFunction<Throwable> hint) {
    Promise<T> done = Promise.promise();
    next(vertx, attempt, retryable, hint, 1, done);
    return done.future();
  }

  /** As {@link #run(Vertx, IntFunction, Predicate, ToLongFunction)}, with no hints. */
  public <T> Future<T> run(
      Vertx vertx, IntFunction<Future<T>> attempt, Predicate<Throwable> retryable) {
    return run(vertx, attempt, retryable, e -> NO_HINT);
  }

  private <T> void next(
      Vertx vertx,
      IntFunction<Future<T>> attempt,
      Predicate<Throwable> retryable,
      ToLongFunction<Throwable> hint,
      int number,
      Promise<T> done) {
    Future<T> tried;
    try {
      tried = attempt.apply(number);
    } catch (RuntimeException e) {
      tried = Future.failedFuture(e);
    }
    tried.onComplete(
        ar -> {
          if (ar.succeeded()) {
            done.complete(ar.result());
            return;
          }
          Throwable failure = ar.cause();
          if (!allows(number + 1) || !retryable.test(failure)) {
            done.fail(failure);
            return;
          }
          long delay = delayMillis(number, hint.applyAsLong(failure));
          if (delay <= 0) {
            next(vertx, attempt, retryable, hint, number + 1, done);
          } else {
            vertx.setTimer(delay, t -> next(vertx, attempt, retryable, hint, number + 1, done));
          }
        });
  }
}
