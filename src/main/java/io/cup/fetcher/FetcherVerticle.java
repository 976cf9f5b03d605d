package io.cup.fetcher;

import io.cup.bus.Addresses;
import io.cup.bus.ChangesPublished;
import io.cup.bus.Empty;
import io.cup.bus.HeadMoved;
import io.cup.bus.ProposalEvent;
import io.cup.bus.ProposalId;
import io.cup.bus.RepositoryStatus;
import io.cup.bus.SourceKind;
import io.cup.cluster.OncePerCluster;
import io.cup.config.ServerConfig;
import io.cup.git.DirectorySource;
import io.cup.git.FetchOutcome;
import io.cup.git.FirstParentWalk;
import io.cup.git.GitClone;
import io.cup.metrics.Metrics;
import io.cup.status.StatusException;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.eclipse.jgit.lib.Constants;
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
 *       cluster-wide address. A fetcher also fetches when it hears another node's head move or
 *       merge (at once) or other proposal events (together, at most every {@code followGapMillis};
 *       coalesced: one fetch waiting at most), so a push that reached one node (webhook, poll, a
 *       merge through Cup) reaches every node's clone within a fetch.
 *   <li>Local source: nothing to fetch; ready at once when the directory exists.
 * </ul>
 */
public final class FetcherVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(FetcherVerticle.class);

  /** A move of at most this many first-parent commits is announced step by step. */
  static final int MAX_STEPS = 50;

  /** How long a move waits for a controller worker to listen (at start) before it is dropped. */
  static final long NO_WORKER_WAIT_MILLIS = 30_000;

  /**
   * How long a move's {@code cup.controller.changes} may take, by default: the controller workers'
   * limit (60 s, {@code maxWorkerExecuteTimeSeconds} of {@code verticles/controllers.json}) twice,
   * as a move runs each definition's controller at two commits. Config {@code
   * changesTimeoutMillis}.
   */
  static final long DEFAULT_CHANGES_TIMEOUT_MILLIS = 120_000;

  /**
   * How often, at most, a node fetches the proposals other nodes wrote, by default (config {@code
   * followGapMillis}); a move of the tracked branch is fetched at once, with the proposals heard of
   * until then. Under a steady stream of writes through other nodes a follower fetched back to
   * back, one fetch (and one upload-pack on the remote) per few proposals; now one per gap brings
   * all the proposals heard of meanwhile. Nothing waits on it but a list of proposals through this
   * node (status.proposals and watches follow the cluster's events, the owner's pull requests its
   * sweeps).
   */
  static final long DEFAULT_FOLLOW_GAP_MILLIS = 1_000;

  private ServerConfig cfg;
  private long changesTimeoutMillis;
  private long followGapMillis;

  /** When the last fetch for other nodes' events started, and the timer of the next, or -1. */
  private long lastFollow;

  private long followTimer = -1;

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

  private volatile String followHead;
  private final Queue<String> followProposals = new ConcurrentLinkedQueue<>();

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
    followGapMillis = config().getLong("followGapMillis", DEFAULT_FOLLOW_GAP_MILLIS);
    EventBus bus = vertx.eventBus();
    MessageConsumer<JsonObject> status = Addresses.REPOSITORY_STATUS.consume(bus, this::status);
    MessageConsumer<JsonObject> fetch = Addresses.REPOSITORY_FETCH.consume(bus, this::fetchNow);
    Future<Void> registered = Future.all(status.completion(), fetch.completion()).mapEmpty();
    once = new OncePerCluster(vertx);
    if (git != null && vertx.isClustered()) {
      MessageConsumer<JsonObject> moves =
          Addresses.EVENTS_HEAD.consume(bus, moved -> followMove(moved.to()));
      MessageConsumer<JsonObject> proposals =
          Addresses.EVENTS_PROPOSAL.consume(
              bus,
              event ->
                  follow(
                      event.proposal() == null ? null : event.proposal().id(),
                      // a merge moved the tracked branch: its head event comes after the merging
                      // node fetched, so this one is the earlier word of the move
                      event.type() == ProposalEvent.Type.MERGED));
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
    if (followTimer >= 0) {
      vertx.cancelTimer(followTimer);
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

  /** Another node saw the tracked branch move to {@code head}: {@link #follow}. */
  private void followMove(String head) {
    followHead = head;
    follow(null, true);
  }

  /**
   * Another node saw the remote change: its tracked branch moved ({@link #followMove}), or it wrote
   * the record of proposal {@code proposal}. Fetch now, but only what changed: the tracked branch,
   * and the branch and record of each proposal heard of since the last such fetch ({@link
   * GitClone#fetchOnly}), so the fetch costs the same however many proposals the remote holds (a
   * full fetch reads every proposal's ref); the polls still fetch everything. Events that arrive
   * before the fetch starts join it. Nothing to do when the clone has the head already and no
   * proposal is pending. Unless {@code now} (a move of the tracked branch, or a merge, which is
   * one), proposals wait until {@code followGapMillis} after the last such fetch started. A failure
   * waits for the next poll.
   */
  private void follow(String proposal, boolean now) {
    if (proposal != null && ProposalId.isValid(proposal)) {
      followProposals.add(proposal);
    }
    if (stopped || followPending || (followHead == null && followProposals.isEmpty())) {
      return;
    }
    long time = System.currentTimeMillis();
    long wait = now ? 0 : lastFollow + followGapMillis - time;
    if (wait > 0) {
      if (followTimer < 0) {
        followTimer =
            vertx.setTimer(
                wait,
                id -> {
                  followTimer = -1;
                  follow(null, false);
                });
      }
      return;
    }
    lastFollow = time;
    followPending = true;
    vertx
        .executeBlocking(
            () -> {
              followPending = false;
              String head = followHead;
              followHead = null;
              List<String> ids = new ArrayList<>();
              for (String id; (id = followProposals.poll()) != null; ) {
                ids.add(id);
              }
              ObjectId current = git.isOpen() ? git.head() : null;
              if (ids.isEmpty()
                  && (head == null || (current != null && current.name().equals(head)))) {
                return List.<HeadMoved>of();
              }
              List<String> refs = new ArrayList<>();
              for (String id : ids) {
                refs.add(Constants.R_HEADS + ProposalId.branch(id));
                refs.add(ProposalId.RECORD_PREFIX + id);
              }
              return fetch(false, refs);
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
   * startup} a fresh clone is not reported as a move. Returns the moves to announce, oldest first:
   * none, or one per first-parent step ({@link #steps}).
   */
  private List<HeadMoved> fetch(boolean startup) {
    return fetch(startup, null);
  }

  /**
   * As {@link #fetch(boolean)}; with {@code only} not null, the tracked branch and those refs alone
   * ({@link GitClone#fetchOnly}).
   */
  private List<HeadMoved> fetch(boolean startup, List<String> only) {
    Timer.Sample sample = Timer.start(Metrics.registry());
    boolean existed;
    FetchOutcome outcome;
    try {
      existed = git.open();
      outcome = only != null ? git.fetchOnly(only) : git.fetch();
    } catch (RuntimeException e) {
      sample.stop(FetchMetrics.DURATION);
      throw failed(e);
    }
    sample.stop(FetchMetrics.DURATION);
    // the upkeep after the fetch, beside it: it takes no lock, and this fetch's moves are
    // announced without waiting for it
    vertx.executeBlocking(
        () -> {
          git.repackIfDue();
          return null;
        },
        false);
    long now = System.currentTimeMillis();
    metrics.succeeded(now);
    lastFetch = now;
    if (lastError != null) {
      LOG.info("fetching {} works again", git.remoteUrl());
    }
    lastError = null;
    lastWarned = null;
    if (!outcome.moved() || (startup && !existed)) {
      return List.of();
    }
    LOG.info(
        "tracked branch {} moved: {} -> {}",
        outcome.branch(),
        name(outcome.before()),
        name(outcome.after()));
    return steps(outcome.branch(), outcome.before(), outcome.after());
  }

  /**
   * A move as the first-parent steps it is made of, oldest first, when {@code to}'s first-parent
   * history reaches {@code from} within {@value #MAX_STEPS} commits; otherwise (a force push, a
   * longer catch-up) the one move. Every node that fetches a step names it the same way, whichever
   * moves its fetches happened to see, so the cluster announces each step once (keys {@code
   * from..to} in {@link OncePerCluster}); a node that was down and catches up re-announces nothing
   * the others did.
   */
  private List<HeadMoved> steps(String branch, ObjectId from, ObjectId to) {
    HeadMoved whole = new HeadMoved(branch, nameOrNull(from), nameOrNull(to));
    if (from == null || to == null) {
      return List.of(whole);
    }
    List<HeadMoved> newestFirst = new ArrayList<>();
    try (FirstParentWalk walk =
        FirstParentWalk.from(git.revisions().view(to), to.name()).orElseThrow()) {
      for (Optional<FirstParentWalk.Step> step = walk.next();
          step.isPresent() && step.get().parent() != null && newestFirst.size() < MAX_STEPS;
          step = walk.next()) {
        newestFirst.add(new HeadMoved(branch, step.get().parent(), step.get().commit()));
        if (step.get().parent().equals(from.name())) {
          Collections.reverse(newestFirst);
          return newestFirst;
        }
      }
    } catch (RuntimeException e) {
      LOG.debug("cannot walk {} back to {}: {}", to.name(), from.name(), e.toString());
    }
    return List.of(whole);
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

  private void announce(List<HeadMoved> moves) {
    moves.forEach(this::announce);
  }

  private void announce(HeadMoved moved) {
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
    announcing = announcing.eventually(() -> sendChanges(moved, options, 0));
  }

  /**
   * Sends a move to the controller workers. Until they listen (at start the fetcher is deployed
   * first, and its catch-up fetch can come before them) it asks again, for at most {@value
   * #NO_WORKER_WAIT_MILLIS} ms: a move's resource events are not dropped for being early.
   */
  private Future<ChangesPublished> sendChanges(
      HeadMoved moved, DeliveryOptions options, long waited) {
    return Addresses.CONTROLLER_CHANGES
        .request(vertx.eventBus(), moved, options)
        .recover(
            e -> {
              boolean noWorker =
                  e instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS;
              if (noWorker && !stopped && waited < NO_WORKER_WAIT_MILLIS) {
                long pause = Math.min(1_000, 100 + waited);
                Promise<Void> later = Promise.promise();
                vertx.setTimer(pause, id -> later.complete());
                return later.future().compose(v -> sendChanges(moved, options, waited + pause));
              }
              if (noWorker) {
                LOG.debug("no controller worker listens to {}", Addresses.CONTROLLER_CHANGES);
              } else {
                LOG.warn(
                    "{} failed for {} -> {}: {}",
                    Addresses.CONTROLLER_CHANGES,
                    moved.from(),
                    moved.to(),
                    e.getMessage());
              }
              return Future.failedFuture(e);
            });
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
