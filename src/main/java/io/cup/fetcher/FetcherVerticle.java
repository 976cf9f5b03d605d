package io.cup.fetcher;

import io.cup.bus.Addresses;
import io.cup.bus.Empty;
import io.cup.bus.HeadMoved;
import io.cup.bus.RepositoryStatus;
import io.cup.bus.SourceKind;
import io.cup.cluster.OncePerCluster;
import io.cup.config.ServerConfig;
import io.cup.git.DirectorySource;
import io.cup.git.FetchOutcome;
import io.cup.git.GitClone;
import io.cup.metrics.Metrics;
import io.cup.status.StatusException;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.Objects;
import org.eclipse.jgit.lib.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The repository fetcher: the one that clones, opens and fetches the served repository's clone
 * ({@link GitClone}, which the launcher creates, hands in and closes after the last undeployment;
 * other verticles only read it through {@link GitClone#revisions()}). Deploy it as a worker
 * verticle with one instance; every blocking step also goes through an ordered {@code
 * executeBlocking}, so two fetches never overlap (and the clone's lock keeps it one fetch at a time
 * per repository).
 *
 * <ul>
 *   <li>Listens to {@link Addresses#REPOSITORY_STATUS} (replies {@link RepositoryStatus}) and
 *       {@link Addresses#REPOSITORY_FETCH} (fetches now, replies {@link RepositoryStatus}; a failed
 *       fetch is a 503).
 *   <li>Git source: clones or opens the repository on start, then fetches every {@code
 *       pollIntervalMillis} (the next poll is scheduled when the previous one ends).
 *   <li>When the tracked branch moves it announces {@link HeadMoved} on {@link
 *       Addresses#EVENTS_HEAD} and sends it to {@link Addresses#CONTROLLER_CHANGES}. The first
 *       clone at start is not a move; a clone made later (the remote was down at start) is.
 *   <li>On a cluster every node's fetcher sees every move in its own clone, and announces it on its
 *       node; only the first node that claims the move ({@link OncePerCluster}) publishes it on the
 *       cluster-wide address. A fetcher also fetches at once when it hears another node's head move
 *       or proposal event (coalesced: one fetch waiting at most), so a push that reached one node
 *       (webhook, poll, a merge through Cup) reaches every node's clone within a fetch.
 *   <li>Local source: nothing to fetch; ready at once when the directory exists.
 * </ul>
 */
public final class FetcherVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(FetcherVerticle.class);

  /**
   * How long a move's {@code cup.controller.changes} may take, by default: the controller workers'
   * limit (60 s, {@code maxWorkerExecuteTimeSeconds} of {@code verticles/controllers.json}) twice,
   * as a move runs each definition's controller at two commits. Config {@code
   * changesTimeoutMillis}.
   */
  static final long DEFAULT_CHANGES_TIMEOUT_MILLIS = 120_000;

  private ServerConfig cfg;
  private long changesTimeoutMillis;

  /** The last {@code cup.controller.changes} request sent: the next waits for it. */
  private Future<?> announcing = Future.succeededFuture();

  /** The last cluster-wide claim of a head move: the next waits for it. */
  private Future<?> announcingHead = Future.succeededFuture();

  private final GitClone git;
  private final DirectorySource local;
  private FetchMetrics metrics;
  private long pollTimer = -1;
  private boolean stopped;
  private OncePerCluster once;

  /** A fetch asked for by another node's event waits to run; more such events join it. */
  private volatile boolean followPending;

  // Written only by the ordered blocking fetch tasks, read by the status handler.
  private volatile long lastFetch;
  private volatile String lastError;
  private String lastWarned;

  /** The fetcher of a Git source: it clones, opens and fetches {@code clone}. */
  public FetcherVerticle(GitClone clone) {
    this.git = Objects.requireNonNull(clone, "clone");
    this.local = null;
  }

  /**
   * The fetcher of a local directory: nothing to fetch, it reports whether the directory exists.
   */
  public FetcherVerticle(DirectorySource directory) {
    this.git = null;
    this.local = Objects.requireNonNull(directory, "directory");
  }

  @Override
  public Future<?> start() {
    cfg = ServerConfig.of(config());
    metrics = FetchMetrics.register();
    changesTimeoutMillis = config().getLong("changesTimeoutMillis", DEFAULT_CHANGES_TIMEOUT_MILLIS);
    EventBus bus = vertx.eventBus();
    MessageConsumer<JsonObject> status = Addresses.REPOSITORY_STATUS.consume(bus, this::status);
    MessageConsumer<JsonObject> fetch = Addresses.REPOSITORY_FETCH.consume(bus, this::fetchNow);
    Future<Void> registered = Future.all(status.completion(), fetch.completion()).mapEmpty();
    once = new OncePerCluster(vertx);
    if (git != null && vertx.isClustered()) {
      MessageConsumer<JsonObject> moves =
          Addresses.EVENTS_HEAD.consume(bus, moved -> follow(moved.to()));
      MessageConsumer<JsonObject> proposals =
          Addresses.EVENTS_PROPOSAL.consume(bus, event -> follow(null));
      registered =
          registered.compose(
              v -> Future.all(moves.completion(), proposals.completion()).mapEmpty());
    }
    if (local != null) {
      LOG.info("serving the local directory {}; nothing to fetch", local.root());
      return registered;
    }
    // A remote that is down at start degrades readiness, not the deployment: the status says why
    // and the polls go on trying.
    return registered
        .compose(
            v ->
                vertx
                    .executeBlocking(() -> fetch(true))
                    .onSuccess(this::announce)
                    .otherwiseEmpty()
                    .onComplete(ar -> schedulePoll()))
        .mapEmpty();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    if (pollTimer >= 0) {
      vertx.cancelTimer(pollTimer);
    }
    if (metrics != null) {
      metrics.close();
    }
    return Future.succeededFuture();
  }

  // -- handlers --------------------------------------------------------------------------------

  private Future<RepositoryStatus> status(Empty request) {
    return Future.succeededFuture(currentStatus());
  }

  private Future<RepositoryStatus> fetchNow(Empty request) {
    if (git == null) {
      return status(request);
    }
    return vertx
        .executeBlocking(() -> fetch(false))
        .onSuccess(this::announce)
        .map(outcome -> currentStatus());
  }

  /**
   * Another node saw the remote change (its head moved to {@code head}, or it wrote a proposal
   * record, {@code head} null): fetch now, unless this clone has that head already or a fetch asked
   * for this way has not started yet. A failure waits for the next poll.
   */
  private void follow(String head) {
    if (stopped || followPending) {
      return;
    }
    followPending = true;
    vertx
        .executeBlocking(
            () -> {
              followPending = false;
              ObjectId current = git.isOpen() ? git.head() : null;
              if (head != null && current != null && current.name().equals(head)) {
                return null;
              }
              return fetch(false);
            })
        .onSuccess(this::announce)
        .onFailure(e -> LOG.debug("fetch after another node's event failed: {}", e.getMessage()));
  }

  private void schedulePoll() {
    long interval = cfg.pollIntervalMillis();
    if (stopped) {
      return;
    }
    if (interval <= 0) {
      LOG.info("polling {} is off (poll interval {} ms)", git.remoteUrl(), interval);
      return;
    }
    pollTimer =
        vertx.setTimer(
            interval,
            id ->
                vertx
                    .executeBlocking(() -> fetch(false))
                    .onSuccess(this::announce)
                    .onComplete(ar -> schedulePoll()));
  }

  // -- fetching (blocking, on a worker thread) -------------------------------------------------

  /**
   * Fetches (cloning when there is no clone yet) and records the outcome in the status; on {@code
   * startup} a fresh clone is not reported as a move. Returns the move to announce, if any.
   */
  private HeadMoved fetch(boolean startup) {
    Timer.Sample sample = Timer.start(Metrics.registry());
    boolean existed;
    FetchOutcome outcome;
    try {
      existed = git.open();
      outcome = git.fetch();
    } catch (RuntimeException e) {
      sample.stop(FetchMetrics.DURATION);
      throw failed(e);
    }
    sample.stop(FetchMetrics.DURATION);
    long now = System.currentTimeMillis();
    metrics.succeeded(now);
    lastFetch = now;
    if (lastError != null) {
      LOG.info("fetching {} works again", git.remoteUrl());
    }
    lastError = null;
    lastWarned = null;
    if (!outcome.moved() || (startup && !existed)) {
      return null;
    }
    LOG.info(
        "tracked branch {} moved: {} -> {}",
        outcome.branch(),
        name(outcome.before()),
        name(outcome.after()));
    return new HeadMoved(
        outcome.branch(), nameOrNull(outcome.before()), nameOrNull(outcome.after()));
  }

  private StatusException failed(RuntimeException e) {
    metrics.failed();
    StatusException status =
        e instanceof StatusException s
            ? s
            : StatusException.remoteUnavailable(
                "fetch from", "cannot fetch " + git.remoteUrl() + ": " + e);
    // the status the API may answer names no address; the log and the bus status have the detail
    lastError = status.logDetail();
    if (Objects.equals(lastWarned, lastError)) {
      LOG.debug("fetch failed again: {}", lastError);
    } else {
      lastWarned = lastError;
      LOG.warn("fetch failed: {}", lastError);
    }
    return status;
  }

  // -- announcing ------------------------------------------------------------------------------

  private void announce(HeadMoved moved) {
    if (moved == null) {
      return;
    }
    EventBus bus = vertx.eventBus();
    // this node's own consumers hear its clone move at once, before its resource events; the
    // cluster hears each move once, from the first node that claims it, in this node's order
    Addresses.EVENTS_HEAD.publishOnNode(bus, moved);
    announcingHead =
        announcingHead.eventually(
            () ->
                once.first("head:" + moved.from() + ".." + moved.to())
                    .onSuccess(
                        first -> {
                          if (first) {
                            Addresses.EVENTS_HEAD.publish(bus, moved);
                          }
                        }));
    // one move at a time: the events of a move are published before those of the next, which is
    // what watchers rely on. The next is sent once the previous answered; the send timeout is the
    // time the controllers may take (the default 30 s was shorter, so a slow move let the next one
    // overtake it)
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(changesTimeoutMillis);
    announcing =
        announcing.eventually(
            () ->
                Addresses.CONTROLLER_CHANGES
                    .request(bus, moved, options)
                    .onFailure(
                        e -> {
                          if (e instanceof ReplyException r
                              && r.failureType() == ReplyFailure.NO_HANDLERS) {
                            LOG.debug(
                                "no controller worker listens to {}", Addresses.CONTROLLER_CHANGES);
                          } else {
                            LOG.warn(
                                "{} failed for {} -> {}: {}",
                                Addresses.CONTROLLER_CHANGES,
                                moved.from(),
                                moved.to(),
                                e.getMessage());
                          }
                        }));
  }

  private RepositoryStatus currentStatus() {
    if (local != null) {
      boolean ready = local.exists();
      return new RepositoryStatus(
          ready,
          SourceKind.LOCAL,
          null,
          DirectorySource.COMMIT,
          0L,
          ready ? null : "the local source directory " + local.root() + " does not exist");
    }
    return new RepositoryStatus(
        git.isOpen(), SourceKind.GIT, git.branch(), nameOrNull(git.head()), lastFetch, lastError);
  }

  private static String name(ObjectId id) {
    return id == null ? "(none)" : id.name();
  }

  private static String nameOrNull(ObjectId id) {
    return id == null ? null : id.name();
  }
}
