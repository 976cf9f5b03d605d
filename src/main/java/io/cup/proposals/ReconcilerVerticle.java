package io.cup.proposals;

import io.cup.bus.Addresses;
import io.cup.bus.BusAddress;
import io.cup.bus.ChangeSetReply;
import io.cup.bus.HeadMoved;
import io.cup.bus.Proposal;
import io.cup.bus.ProposalAction;
import io.cup.bus.ProposalEvent;
import io.cup.bus.ProposalId;
import io.cup.bus.ProposalState;
import io.cup.bus.PullRequestChange;
import io.cup.bus.PullRequestOutcome;
import io.cup.bus.Requester;
import io.cup.bus.ResourceRef;
import io.cup.bus.ResourceRequest;
import io.cup.config.ResourceConfiguration;
import io.cup.config.ResourceConfigurationLoader;
import io.cup.config.ServedResource;
import io.cup.config.ServerConfig;
import io.cup.controllers.ResourceVersions;
import io.cup.git.GitSource;
import io.cup.git.Source;
import io.cup.proposals.LocalProposals.Update;
import io.cup.scm.NewPullRequest;
import io.cup.scm.PullRequest;
import io.cup.scm.ScmClient;
import io.cup.scm.ScmException;
import io.cup.scm.ScmKind;
import io.cup.status.StatusException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.eclipse.jgit.lib.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every accepted proposal moving. Deploy exactly one instance per node, as a standard
 * verticle: SCM calls are asynchronous (Web Client) and Git work runs in {@code executeBlocking}.
 * Several nodes are safe: every record or branch change is pushed with a lease, and the SCM itself
 * refuses a second pull request for one branch.
 *
 * <ul>
 *   <li><b>Pending → open</b> (hosted SCM only). A proposal is {@code pending} from the moment its
 *       branch and record are pushed until its pull or merge request is open. {@link
 *       Addresses#SCM_OPEN} opens one now (the publisher asks right after a create); a sweep every
 *       {@code reconcileIntervalMillis} retries the rest, with exponential backoff (from {@code
 *       scmRetryBaseMillis}, at most {@value #MAX_BACKOFF_MILLIS} ms) that honours {@code
 *       Retry-After} and rate-limit resets. The first sweep runs at start, so a restart completes
 *       every pending proposal. {@link ScmClient#open} looks for a request of the branch first, so
 *       a lost answer never opens a second one.
 *   <li><b>Webhooks</b>: {@link Addresses#SCM_PULL_REQUEST} moves a proposal to {@code merged} or
 *       {@code closed} (or {@code open}, when the webhook outruns the reconciler) and publishes the
 *       event.
 *   <li><b>Merge and close through Cup's API</b> ({@link Addresses#SCM_MERGE}, {@link
 *       Addresses#SCM_CLOSE}): done on the SCM, then recorded.
 *   <li><b>Following the base</b> (any Git source): when the tracked branch moves ({@link
 *       Addresses#EVENTS_HEAD}, and at every sweep for moves missed), each open or pending proposal
 *       is replayed onto the new head: for every resource it touches, the controller computes the
 *       change again at the new head (so a WASM controller re-runs), and the branch becomes one
 *       commit on the new head, pushed with a lease on the branch head the record names. A resource
 *       that changed upstream since the proposal's base is a conflict: the proposal becomes {@code
 *       conflicted}, its pull request gets a comment naming the resources, and the event is
 *       published. A branch someone else pushed to is left alone.
 * </ul>
 */
public final class ReconcilerVerticle extends VerticleBase {
  static final long MAX_BACKOFF_MILLIS = 300_000;

  private static final Logger LOG = LoggerFactory.getLogger(ReconcilerVerticle.class);
  private static final long BUS_TIMEOUT_MILLIS = 60_000;
  private static final int COMMENT_ATTEMPTS = 5;

  /** At most this many proposals are archived per sweep (one archive commit, one push). */
  static final int ARCHIVE_BATCH = 50;

  /** How often an open pull request is asked for its state, by default (see {@link #poll}). */
  static final long DEFAULT_POLL_MILLIS = 60_000;

  private final Source source;
  private ServerConfig cfg;
  private GitSource git;
  private LocalProposals proposals;
  private RemoteRetries remote;
  private ScmKind scm;
  private ScmClient client;
  private Map<String, ServedResource> byKind = Map.of();
  private long retryBaseMillis;
  private long pollMillis;
  private long sweepTimer = -1;

  /** An archive push in flight (event loop only). */
  private boolean archiving;

  /** What the last poll of each open request learnt: its ETag and when it was (event loop only). */
  private final Map<String, Polled> polled = new HashMap<>();

  /** Polls in flight, by proposal id (event loop only). */
  private final Set<String> polling = new HashSet<>();

  private record Polled(String etag, long at) {}

  /** Open attempts in flight, by proposal id (event loop only). */
  private final Map<String, Future<Proposal>> opening = new HashMap<>();

  /** When each pending proposal may be tried again, and how often it failed (event loop only). */
  private final Map<String, Backoff> backoff = new HashMap<>();

  /** Replays already tried, as "id@head", so a sweep does not repeat one (event loop only). */
  private final Set<String> replayed = new HashSet<>();

  /** Replays run one after another. */
  private Future<Void> replays = Future.succeededFuture();

  private record Backoff(int failures, long notBefore) {}

  /**
   * @param source the served repository, handed in by the launcher: its {@link GitSource} (the
   *     clone, owned and fetched by the fetcher) or a local directory, which has nothing to
   *     reconcile
   */
  public ReconcilerVerticle(Source source) {
    this.source = Objects.requireNonNull(source, "source");
  }

  @Override
  public Future<?> start() {
    cfg = ServerConfig.of(config());
    if (!(source instanceof GitSource gitSource)) {
      LOG.debug("no Git source: nothing to reconcile");
      return Future.succeededFuture();
    }
    scm = ScmKind.hosted(cfg.gitScm());
    retryBaseMillis = config().getLong("scmRetryBaseMillis", 1_000L);
    git = gitSource;
    proposals = new LocalProposals(git, cfg, this::publish, scm);
    remote = new RemoteRetries(vertx, git);
    if (scm != null) {
      client =
          ScmClient.create(
              vertx,
              scm,
              cfg.gitRepo(),
              cfg.scm(),
              Clock.systemUTC(),
              config().getLong("scmCallTimeoutMillis", ScmClient.DEFAULT_CALL_TIMEOUT_MILLIS));
      LOG.info(
          "proposals open {}s on {} {} at {}",
          scm.requestName(),
          scm.id(),
          client.repository().path(),
          cfg.scm().url() == null ? scm.publicUrl() : cfg.scm().url());
    }
    EventBus bus = vertx.eventBus();
    List<MessageConsumer<?>> consumers = new ArrayList<>();
    consumers.add(Addresses.EVENTS_HEAD.consume(bus, this::headMoved));
    if (scm != null) {
      consumers.add(Addresses.SCM_OPEN.consume(bus, this::openNow));
      consumers.add(Addresses.SCM_MERGE.consume(bus, this::merge));
      consumers.add(Addresses.SCM_CLOSE.consume(bus, this::close));
      consumers.add(Addresses.SCM_PULL_REQUEST.consume(bus, this::pullRequest));
      consumers.add(Addresses.EVENTS_PROPOSAL.consume(bus, this::proposalEvent));
    }
    long interval =
        config()
            .getLong(
                "reconcileIntervalMillis",
                Math.min(Math.max(cfg.pollIntervalMillis(), 1_000), 30_000));
    // 0 turns polling off; otherwise never more often than the sweep
    long asked = config().getLong("scmPollIntervalMillis", DEFAULT_POLL_MILLIS);
    pollMillis = asked <= 0 ? 0 : Math.max(asked, interval);
    Path resourcesDir = Path.of(cfg.resourcesDir());
    return blocking(() -> ResourceConfigurationLoader.load(resourcesDir))
        .onSuccess(resources -> byKind = byKind(resources))
        .compose(loaded -> Future.all(consumers.stream().map(MessageConsumer::completion).toList()))
        .onSuccess(
            ready -> {
              sweepTimer = vertx.setPeriodic(0, interval, id -> sweep());
            });
  }

  @Override
  public Future<?> stop() {
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
    }
    if (client != null) {
      client.close();
    }
    return Future.succeededFuture();
  }

  // -- the sweep ---------------------------------------------------------------------------------

  /**
   * The live proposals (open, pending or conflicted), whether some are due for archiving, and the
   * tracked head, read together for a sweep.
   */
  private record Snapshot(
      List<Proposal> live, boolean archiveDue, ObjectId head, Affected affected) {
    List<Proposal> open() {
      return live.stream().filter(Proposal::isOpen).toList();
    }
  }

  /**
   * Retries due pending proposals, polls the SCM for requests merged or closed without a webhook,
   * replays proposals left behind by a move, and archives old merged and closed proposals.
   */
  private void sweep() {
    Set<String> tried = Set.copyOf(replayed);
    Instant cutoff =
        cfg.proposalRetentionMillis() > 0
            ? Instant.now().minusMillis(cfg.proposalRetentionMillis())
            : null;
    blocking(
            () -> {
              if (!ensureOpen()) {
                return new Snapshot(List.of(), false, null, null);
              }
              List<Proposal> all = proposals.list();
              List<Proposal> live = all.stream().filter(p -> p.state().isLive()).toList();
              boolean archiveDue =
                  cutoff != null && all.stream().anyMatch(p -> LocalProposals.expired(p, cutoff));
              List<Proposal> open = live.stream().filter(Proposal::isOpen).toList();
              ObjectId head = proposals.trackedHead();
              return new Snapshot(
                  live, archiveDue, head, head == null ? null : affected(open, head, tried));
            })
        .onSuccess(
            snapshot -> {
              long now = System.currentTimeMillis();
              for (Proposal proposal : snapshot.open()) {
                Backoff wait = backoff.get(proposal.id());
                if (scm != null
                    && proposal.state() == ProposalState.PENDING
                    && (wait == null || wait.notBefore() <= now)) {
                  open(proposal.id());
                }
              }
              poll(snapshot.live(), now);
              if (snapshot.head() != null) {
                replayAll(snapshot.head(), snapshot.affected());
              }
              if (snapshot.archiveDue()) {
                archive(cutoff);
              }
            })
        .onFailure(e -> LOG.debug("sweep skipped: {}", e.getMessage()));
  }

  // -- polling the SCM ---------------------------------------------------------------------------

  /**
   * Asks the SCM for the state of every live proposal's request (open or conflicted, with a
   * number), each at most every {@code scmPollIntervalMillis} (default {@value
   * #DEFAULT_POLL_MILLIS}, never more often than the sweep; 0: never), so a request merged or
   * closed on the SCM without a webhook still ends its proposal. A request is first asked one
   * interval after this node first saw it. The request carries the ETag of the last answer ({@code
   * If-None-Match}), so an unchanged request costs a {@code 304} where the SCM supports it
   * (GitHub's {@code 304}s do not count against its rate limit); elsewhere it is a plain GET.
   */
  private void poll(List<Proposal> live, long now) {
    if (client == null || pollMillis <= 0) {
      return;
    }
    Set<String> ids = new HashSet<>();
    for (Proposal proposal : live) {
      String id = proposal.id();
      ids.add(id);
      if (proposal.pullRequest() == null || polling.contains(id)) {
        continue;
      }
      Polled last = polled.get(id);
      if (last == null) {
        polled.put(id, new Polled(null, now)); // seen now: first asked one interval later
        continue;
      }
      if (now - last.at() < pollMillis) {
        continue;
      }
      polling.add(id);
      client
          .poll(proposal.pullRequest(), last.etag())
          .compose(
              answer -> {
                polled.put(id, new Polled(answer.etag(), System.currentTimeMillis()));
                if (answer.pull() == null) {
                  ProposalMetrics.scmCall(scm, "poll", "not-modified");
                  return Future.succeededFuture();
                }
                ProposalMetrics.scmCall(scm, "poll", "success");
                return answer.pull().isOpen()
                    ? Future.succeededFuture()
                    : transition(id, answer.pull()).mapEmpty();
              })
          .onFailure(
              e -> {
                ProposalMetrics.scmCall(scm, "poll", "failure");
                polled.put(id, new Polled(last.etag(), System.currentTimeMillis()));
                LOG.debug("cannot poll {} {}: {}", scm.requestName(), id, e.getMessage());
              })
          .onComplete(done -> polling.remove(id));
    }
    polled.keySet().retainAll(ids); // merged, closed, archived: no longer asked
  }

  // -- retention ---------------------------------------------------------------------------------

  /** Archives a batch of merged and closed proposals last changed before {@code cutoff}. */
  private void archive(Instant cutoff) {
    if (archiving) {
      return;
    }
    archiving = true;
    remote
        .untilHeld(() -> proposals.tryArchive(cutoff, ARCHIVE_BATCH), "the proposal archive")
        .onFailure(e -> LOG.warn("cannot archive proposals: {}", e.getMessage()))
        .onComplete(done -> archiving = false);
  }

  private List<Proposal> openProposals() {
    return proposals.list().stream().filter(Proposal::isOpen).toList();
  }

  /**
   * The clone opens once the fetcher has opened or cloned it; until then there is nothing to do.
   */
  private boolean ensureOpen() {
    return git.isOpen();
  }

  // -- pending → open ----------------------------------------------------------------------------

  private Future<Proposal> openNow(ProposalAction request) {
    String id = request.id();
    if (id == null) {
      return Future.failedFuture(StatusException.badRequest("a proposal id is required"));
    }
    return open(id).recover(e -> Future.failedFuture(asStatus(e, "open a request for", id)));
  }

  /** One attempt to open the request of {@code id}; joins an attempt already running. */
  private Future<Proposal> open(String id) {
    Future<Proposal> running = opening.get(id);
    if (running != null) {
      return running;
    }
    Future<Proposal> attempt =
        blocking(
                () -> {
                  ensureOpen();
                  return proposals.current(id);
                })
            .compose(
                proposal -> {
                  if (proposal.state() != ProposalState.PENDING) {
                    return Future.succeededFuture(proposal);
                  }
                  return client
                      .open(newPullRequest(proposal))
                      .compose(pull -> transition(id, pull))
                      .onSuccess(
                          opened -> {
                            ProposalMetrics.scmCall(scm, "open", "success");
                            LOG.info(
                                "proposal {}: {} {} opened: {}",
                                id,
                                scm.requestName(),
                                opened.pullRequest(),
                                opened.url());
                          });
                });
    opening.put(id, attempt);
    attempt.onComplete(
        done -> {
          opening.remove(id);
          if (done.succeeded()) {
            backoff.remove(id);
          } else if (retries(done.cause())) {
            retryLater(id, done.cause());
          } else {
            backoff.remove(id);
            LOG.info("proposal {} is gone: not opening a request for it", id);
          }
        });
    return attempt;
  }

  /**
   * Whether a failed open is tried again: always, except for a proposal that does not exist (an
   * unknown id, or a record deleted or archived meanwhile), which no retry can open.
   */
  static boolean retries(Throwable failure) {
    return !(failure instanceof StatusException status && status.code() == 404);
  }

  private void retryLater(String id, Throwable failure) {
    Backoff previous = backoff.get(id);
    int failures = previous == null ? 1 : previous.failures() + 1;
    long exponential = Math.min(MAX_BACKOFF_MILLIS, retryBaseMillis << Math.min(failures - 1, 20));
    long jittered = exponential / 2 + ThreadLocalRandom.current().nextLong(exponential / 2 + 1);
    long asked = failure instanceof ScmException e ? e.retryAfterMillis() : -1;
    long delay = asked >= 0 ? Math.max(asked, retryBaseMillis) : jittered;
    backoff.put(id, new Backoff(failures, System.currentTimeMillis() + delay));
    ProposalMetrics.scmCall(scm, "open", failure instanceof ScmException ? "failure" : "error");
    LOG.warn(
        "proposal {} stays pending: {} (attempt {}, next in {} ms)",
        id,
        failure.getMessage(),
        failures,
        delay);
    vertx.setTimer(
        delay,
        t -> {
          Backoff due = backoff.get(id);
          if (due != null && due.notBefore() <= System.currentTimeMillis()) {
            open(id);
          }
        });
  }

  private NewPullRequest newPullRequest(Proposal proposal) {
    String title = LocalProposals.firstLine(proposal.message());
    String rest = proposal.message().substring(title.length()).strip();
    StringBuilder body = new StringBuilder();
    if (!rest.isEmpty()) {
      body.append(rest).append("\n\n");
    }
    body.append("Resources this change touches:\n\n");
    for (ResourceRef ref : proposal.resources()) {
      body.append("- `").append(ref.action()).append("` ").append(markdown(ref)).append('\n');
    }
    body.append("\nProposed ");
    if (proposal.createdBy() != null) {
      body.append("by `").append(proposal.createdBy().username()).append("` ");
    }
    body.append("through Cup as proposal `").append(proposal.id()).append("`.\n");
    return new NewPullRequest(
        proposal.branch(), git.branch(), title, body.toString(), List.of(PullRequest.LABEL));
  }

  /** The proposal as {@code pull} leaves it; the same object when nothing changes. */
  static Proposal applied(Proposal proposal, PullRequest pull) {
    return applied(proposal, pull, null);
  }

  /**
   * As {@link #applied(Proposal, PullRequest)}, recording {@code by} as who merged or closed it
   * (through Cup's API; null when the SCM reported it).
   */
  static Proposal applied(Proposal proposal, PullRequest pull, Requester by) {
    Proposal updated = proposal;
    // a webhook payload may lack the URL: the record keeps the one it has
    String url = pull.url() == null ? proposal.url() : pull.url();
    if (proposal.pullRequest() == null || !Objects.equals(url, proposal.url())) {
      updated = updated.withPullRequest(pull.number(), url);
    }
    String now = Instant.now().toString();
    boolean live = proposal.state().isLive();
    if (live && PullRequest.MERGED.equals(pull.state())) {
      updated = updated.withState(ProposalState.MERGED, pull.mergeCommit(), now, by);
    } else if (live && PullRequest.CLOSED.equals(pull.state())) {
      updated = updated.withState(ProposalState.CLOSED, null, now, by);
    } else if (proposal.state() == ProposalState.PENDING) {
      updated = updated.withState(ProposalState.OPEN, null, now);
    }
    return updated;
  }

  /**
   * A commit added to an open proposal ({@code ?proposal=}) may touch more resources: the request's
   * description lists them again. Best effort: a failure is logged, the next change rewrites it.
   */
  private void proposalEvent(ProposalEvent event) {
    Proposal proposal = event.proposal();
    if (event.type() != ProposalEvent.Type.UPDATED
        || proposal.state() != ProposalState.OPEN
        || proposal.pullRequest() == null
        || !scm.id().equals(proposal.source())) {
      return;
    }
    client
        .describe(proposal.pullRequest(), newPullRequest(proposal).body())
        .onSuccess(v -> ProposalMetrics.scmCall(scm, "describe", "success"))
        .onFailure(
            e -> {
              ProposalMetrics.scmCall(scm, "describe", "failure");
              LOG.warn(
                  "cannot update the description of {} {}: {}",
                  scm.requestName(),
                  proposal.pullRequest(),
                  e.getMessage());
            });
  }

  // -- webhooks, merge, close --------------------------------------------------------------------

  private Future<PullRequestOutcome> pullRequest(PullRequestChange change) {
    String id = ProposalId.ofBranch(change.branch());
    if (!scm.id().equals(change.scm()) || id == null) {
      return Future.succeededFuture(PullRequestOutcome.ignored());
    }
    PullRequest pull =
        new PullRequest(
            change.number(),
            change.url(),
            change.state(),
            change.branch(),
            change.mergeCommit(),
            true);
    return transition(id, pull)
        .map(p -> PullRequestOutcome.of(id, p.state()))
        .recover(
            e ->
                StatusException.from(e).code() == 404
                    ? Future.succeededFuture(PullRequestOutcome.unknown())
                    : Future.failedFuture(e));
  }

  private Future<Proposal> merge(ProposalAction action) {
    String id = action.id();
    return onScm(
            id,
            action.by(),
            "merge",
            p ->
                client.merge(
                    p.pullRequest(),
                    "Merge proposal " + id + ": " + LocalProposals.firstLine(p.message())))
        .compose(merged -> remote.refresh().otherwiseEmpty().map(merged));
  }

  private Future<Proposal> close(ProposalAction action) {
    return onScm(action.id(), action.by(), "close", p -> client.close(p.pullRequest()));
  }

  /** Does {@code action} to the proposal's request on the SCM, then records the outcome. */
  private Future<Proposal> onScm(
      String id, Requester by, String action, Function<Proposal, Future<PullRequest>> call) {
    return remote
        .refresh()
        .otherwiseEmpty()
        .compose(v -> blocking(() -> proposals.current(id)))
        .compose(
            proposal -> {
              if (proposal.state() == ProposalState.CLOSED && action.equals("close")) {
                return Future.succeededFuture(proposal);
              }
              if (!proposal.state().isLive()) {
                return Future.failedFuture(
                    StatusException.conflict(
                        "proposal "
                            + id
                            + " is "
                            + proposal.state()
                            + " and cannot be "
                            + action
                            + "d"));
              }
              if (proposal.pullRequest() == null && action.equals("close")) {
                // never opened on the SCM (conflicted while pending): close the record only
                return remote
                    .untilHeld(
                        () ->
                            proposals.tryUpdate(
                                id,
                                p ->
                                    p.withState(
                                        ProposalState.CLOSED, null, Instant.now().toString(), by)),
                        "proposal " + id)
                    .map(Update::after)
                    .onSuccess(closed -> publish(ProposalEvent.Type.CLOSED, closed));
              }
              if (proposal.pullRequest() == null) {
                return Future.failedFuture(
                    StatusException.conflict(
                        "proposal "
                            + id
                            + " is pending: its "
                            + scm.requestName()
                            + " is not open yet; try again shortly"));
              }
              return call.apply(proposal)
                  .recover(e -> Future.failedFuture(asStatus(e, action, id)))
                  .compose(pull -> transition(id, pull, by));
            });
  }

  /**
   * Records what the SCM says of a proposal's request (number and URL, and its state when it moved:
   * opened, merged, closed) and publishes the matching event. Retries when the record moved.
   */
  private Future<Proposal> transition(String id, PullRequest pull) {
    return transition(id, pull, null);
  }

  private Future<Proposal> transition(String id, PullRequest pull, Requester by) {
    return remote
        .untilHeld(() -> proposals.tryUpdate(id, p -> applied(p, pull, by)), "proposal " + id)
        .map(
            update -> {
              Proposal after = update.after();
              if (update.changedState()) {
                if (after.state() == ProposalState.MERGED) {
                  ProposalMetrics.MERGED.increment();
                } else if (after.state() == ProposalState.CLOSED) {
                  ProposalMetrics.CLOSED.increment();
                }
                LOG.info("proposal {} is {} on {}", id, after.state(), scm.id());
                publish(ProposalEvent.Type.of(after.state()), after);
              }
              return after;
            });
  }

  private StatusException asStatus(Throwable failure, String action, String id) {
    if (!(failure instanceof ScmException e)) {
      return StatusException.from(failure);
    }
    String message = "cannot " + action + " proposal " + id + ": " + e.getMessage();
    if (e.status() == 405 || e.status() == 409 || e.status() == 422) {
      return StatusException.conflict(message);
    }
    if (e.isTransient()) {
      return StatusException.unavailable(message, Math.max(1, (e.retryAfterMillis() + 999) / 1000));
    }
    return StatusException.badGateway(message, null);
  }

  // -- following the base ------------------------------------------------------------------------

  private void headMoved(HeadMoved moved) {
    if (moved.to() == null || !ObjectId.isId(moved.to())) {
      return;
    }
    ObjectId head = ObjectId.fromString(moved.to());
    Set<String> tried = Set.copyOf(replayed);
    blocking(() -> affected(openProposals(), head, tried))
        .onSuccess(affected -> replayAll(head, affected))
        .onFailure(e -> LOG.warn("cannot list proposals to replay: {}", e.getMessage()));
  }

  /** The open proposals a move to {@code head} may affect, and those it cannot. */
  private record Affected(List<Proposal> replay, List<Proposal> untouched) {}

  /**
   * Which open proposals to replay onto {@code head} (blocking: reads trees). A proposal is
   * replayed when a file it changes (between its base and its head) also changed upstream (between
   * its base and {@code head}): only then can its change or its conflicts differ. Replayed
   * regardless, as before: a proposal with a resource served by a WASM controller (a module may
   * read any file of the tree, so a change elsewhere can change its output), with a kind no longer
   * served (that is a conflict the replay reports), or whose commits cannot be read. Those tried at
   * {@code head} already are left out.
   */
  private Affected affected(List<Proposal> open, ObjectId head, Set<String> tried) {
    List<Proposal> replay = new ArrayList<>();
    List<Proposal> untouched = new ArrayList<>();
    Map<String, Set<String>> upstreamByBase = new HashMap<>();
    for (Proposal proposal : open) {
      if (tried.contains(proposal.id() + "@" + head.name())
          || head.name().equals(proposal.base())) {
        continue;
      }
      if (mayReadOtherFiles(proposal)
          || proposal.base() == null
          || !ObjectId.isId(proposal.base())
          || proposal.head() == null
          || !ObjectId.isId(proposal.head())) {
        replay.add(proposal);
        continue;
      }
      try {
        ObjectId base = ObjectId.fromString(proposal.base());
        Set<String> upstream =
            upstreamByBase.computeIfAbsent(
                proposal.base(), b -> proposals.changedPaths(base, head));
        Set<String> own = proposals.changedPaths(base, ObjectId.fromString(proposal.head()));
        if (own.stream().anyMatch(upstream::contains)) {
          replay.add(proposal);
        } else {
          untouched.add(proposal);
        }
      } catch (RuntimeException e) {
        LOG.debug("proposal {}: cannot compare its files ({}); replaying", proposal.id(), e);
        replay.add(proposal);
      }
    }
    return new Affected(replay, untouched);
  }

  private boolean mayReadOtherFiles(Proposal proposal) {
    for (ResourceRef ref : proposal.resources()) {
      ServedResource served = byKind.get(ref.apiVersion() + "|" + ref.kind());
      if (served == null || !"template".equals(served.controller().type())) {
        return true;
      }
    }
    return false;
  }

  private void replayAll(ObjectId head, Affected affected) {
    replayed.removeIf(key -> !key.endsWith("@" + head.name())); // older heads are done with
    // a move that changed none of their files leaves them as they are, on their base
    affected.untouched().forEach(p -> replayed.add(p.id() + "@" + head.name()));
    for (Proposal proposal : affected.replay()) {
      if (head.name().equals(proposal.base()) || !replayed.add(proposal.id() + "@" + head.name())) {
        continue;
      }
      replays =
          replays
              .compose(v -> replay(proposal.id(), head))
              .otherwise(
                  e -> {
                    StatusException status = StatusException.from(e);
                    if (status.code() == 413) {
                      // a resource of the proposal (or upstream) is over the resource limit: it is
                      // not loaded, and trying again at every sweep would not change that. The
                      // proposal stays open on its base; see docs/scm.md.
                      LOG.warn(
                          "not moving proposal {} onto {}: {}; it stays on its base until the"
                              + " limit (--api-max-resource-bytes) allows it or the tracked"
                              + " branch moves again",
                          proposal.id(),
                          head.name(),
                          status.getMessage());
                      return null;
                    }
                    LOG.warn(
                        "cannot move proposal {} onto {}: {}",
                        proposal.id(),
                        head.name(),
                        e.getMessage());
                    replayed.remove(proposal.id() + "@" + head.name());
                    return null;
                  });
    }
  }

  /** What a replay found out before any write. */
  private record Plan(Proposal proposal, ObjectId branchHead, ObjectId base) {}

  /** Replays one proposal onto {@code head}; see the class comment. */
  private Future<Void> replay(String id, ObjectId head) {
    ProposalMetrics.REPLAYS.increment();
    return blocking(() -> plan(id, head))
        .compose(
            plan -> {
              if (plan.isEmpty()) {
                return Future.succeededFuture();
              }
              Plan p = plan.get();
              return conflicts(p, head)
                  .compose(
                      conflicts -> {
                        if (!conflicts.isEmpty()) {
                          return conflicted(id, head, conflicts);
                        }
                        return reapply(p, head);
                      });
            });
  }

  private Optional<Plan> plan(String id, ObjectId head) {
    Proposal proposal = proposals.recorded(id);
    if (!proposal.isOpen() || head.name().equals(proposal.base())) {
      return Optional.empty();
    }
    ObjectId branchHead = proposals.branchHead(id);
    if (branchHead == null || proposal.base() == null || !ObjectId.isId(proposal.base())) {
      return Optional.empty();
    }
    if (!branchHead.name().equals(proposal.head())) {
      LOG.info(
          "proposal {}: its branch was pushed to outside Cup ({}); not moving it onto {}",
          id,
          branchHead.name(),
          head.name());
      return Optional.empty();
    }
    if (proposals.contains(branchHead, head) || proposals.contains(head, branchHead)) {
      return Optional.empty(); // already on the new head, or merged into it
    }
    return Optional.of(new Plan(proposal, branchHead, ObjectId.fromString(proposal.base())));
  }

  /** The resources of the proposal that changed upstream between its base and {@code head}. */
  private Future<List<ResourceRef>> conflicts(Plan plan, ObjectId head) {
    List<Future<Optional<ResourceRef>>> checks = new ArrayList<>();
    for (ResourceRef ref : plan.proposal().resources()) {
      ServedResource served = byKind.get(ref.apiVersion() + "|" + ref.kind());
      if (served == null) {
        checks.add(Future.succeededFuture(Optional.of(ref)));
        continue;
      }
      Future<JsonObject> before = read(served, ref, plan.base());
      Future<JsonObject> upstream = read(served, ref, head);
      checks.add(
          Future.all(before, upstream)
              .map(
                  both ->
                      same(before.result(), upstream.result())
                          ? Optional.<ResourceRef>empty()
                          : Optional.of(ref)));
    }
    return Future.all(checks)
        .map(all -> checks.stream().map(Future::result).flatMap(Optional::stream).toList());
  }

  /** Computes each resource's change again at the new head and moves the branch there. */
  private Future<Void> reapply(Plan plan, ObjectId head) {
    Future<ObjectId> tip = Future.succeededFuture(head);
    for (ResourceRef ref : plan.proposal().resources()) {
      ServedResource served = byKind.get(ref.apiVersion() + "|" + ref.kind());
      tip = tip.compose(current -> reapplyOne(plan, served, ref, current));
    }
    String id = plan.proposal().id();
    return tip.compose(
        moved -> {
          if (moved.equals(head)) {
            LOG.info("proposal {}: its changes are already on {}; left as it is", id, head.name());
            return Future.succeededFuture();
          }
          return blocking(() -> proposals.tryRebase(id, plan.branchHead(), head, moved))
              .compose(
                  rebased -> {
                    if (rebased.isEmpty()) {
                      LOG.info("proposal {}: its branch or record moved meanwhile; later", id);
                      replayed.remove(id + "@" + head.name());
                      return Future.succeededFuture();
                    }
                    publish(ProposalEvent.Type.UPDATED, rebased.get());
                    return Future.succeededFuture();
                  });
        });
  }

  private Future<ObjectId> reapplyOne(
      Plan plan, ServedResource served, ResourceRef ref, ObjectId tip) {
    Future<JsonObject> desired =
        "delete".equals(ref.action())
            ? Future.succeededFuture(null)
            : read(served, ref, plan.branchHead());
    return desired.compose(
        resource -> {
          BusAddress<ResourceRequest, ChangeSetReply> address =
              resource == null ? Addresses.CONTROLLER_DELETE : Addresses.CONTROLLER_PUT;
          return address
              .request(vertx.eventBus(), request(served, ref, tip, resource), options())
              .compose(
                  change ->
                      change.changes().isEmpty()
                          ? Future.succeededFuture(tip)
                          : blocking(
                              () ->
                                  proposals.commitOnto(
                                      tip, change.changes().changes(), plan.proposal().message())))
              .recover(
                  e ->
                      StatusException.from(e).code() == 404 && resource == null
                          ? Future.succeededFuture(tip) // deleted upstream too
                          : Future.failedFuture(e));
        });
  }

  private Future<Void> conflicted(String id, ObjectId head, List<ResourceRef> conflicts) {
    return remote
        .untilHeld(
            () ->
                proposals.tryUpdate(
                    id,
                    p ->
                        p.isOpen()
                            ? p.withState(ProposalState.CONFLICTED, null, Instant.now().toString())
                            : p),
            "proposal " + id)
        .compose(
            update -> {
              Proposal proposal = update.after();
              // only the node whose record went through reports it: another node that found the
              // record conflicted already (after a lease that did not hold) stays quiet
              if (!update.changedState() || proposal.state() != ProposalState.CONFLICTED) {
                return Future.succeededFuture();
              }
              LOG.info(
                  "proposal {} conflicts with {} at {}: {}",
                  id,
                  git.branch(),
                  head.name(),
                  names(conflicts));
              publish(ProposalEvent.Type.CONFLICTED, proposal);
              if (client != null && proposal.pullRequest() != null) {
                comment(proposal.pullRequest(), conflictComment(head, conflicts), 1);
              }
              return Future.succeededFuture();
            });
  }

  private String conflictComment(ObjectId head, List<ResourceRef> conflicts) {
    StringBuilder text =
        new StringBuilder("Cup cannot move this proposal onto `")
            .append(git.branch())
            .append("` at ")
            .append(head.name(), 0, 12)
            .append(": these resources were changed there since the proposal was made:\n\n");
    for (ResourceRef ref : conflicts) {
      text.append("- ").append(markdown(ref)).append('\n');
    }
    text.append("\nThe proposal is now `conflicted`. Close it and write the change again.\n");
    return text.toString();
  }

  private void comment(long number, String text, int attempt) {
    client
        .comment(number, text)
        .onSuccess(v -> ProposalMetrics.scmCall(scm, "comment", "success"))
        .onFailure(
            e -> {
              ProposalMetrics.scmCall(scm, "comment", "failure");
              if (attempt >= COMMENT_ATTEMPTS) {
                LOG.warn(
                    "giving up commenting on {} {}: {}", scm.requestName(), number, e.getMessage());
                return;
              }
              long delay =
                  e instanceof ScmException s && s.retryAfterMillis() >= 0
                      ? Math.max(s.retryAfterMillis(), retryBaseMillis)
                      : retryBaseMillis << attempt;
              vertx.setTimer(delay, t -> comment(number, text, attempt + 1));
            });
  }

  // -- plumbing ----------------------------------------------------------------------------------

  private void publish(ProposalEvent event) {
    Addresses.EVENTS_PROPOSAL.publish(vertx.eventBus(), event);
  }

  private void publish(ProposalEvent.Type type, Proposal proposal) {
    publish(new ProposalEvent(type, proposal));
  }

  /** The resource at {@code revision}, without its resourceVersion; null when absent. */
  private Future<JsonObject> read(ServedResource served, ResourceRef ref, ObjectId revision) {
    return Addresses.CONTROLLER_GET
        .request(vertx.eventBus(), request(served, ref, revision, null), options())
        .map(reply -> ResourceVersions.without(reply.resource()))
        .recover(
            e ->
                StatusException.from(e).code() == 404
                    ? Future.succeededFuture(null)
                    : Future.failedFuture(e));
  }

  /** A controller request for {@code ref} at {@code revision} (a put when {@code resource}). */
  private static ResourceRequest request(
      ServedResource served, ResourceRef ref, ObjectId revision, JsonObject resource) {
    return new ResourceRequest(
        served.definition().group(),
        served.version(),
        served.definition().plural(),
        ref.namespace(),
        ref.name(),
        revision.name(),
        null,
        resource);
  }

  private static boolean same(JsonObject a, JsonObject b) {
    return a == null ? b == null : a.equals(b);
  }

  private static Map<String, ServedResource> byKind(ResourceConfiguration resources) {
    Map<String, ServedResource> map = new HashMap<>();
    for (ServedResource served : resources.served().values()) {
      map.put(served.apiVersion() + "|" + served.definition().kind(), served);
    }
    return map;
  }

  /** {@code Kind `namespace/name` (apiVersion)}, for pull request bodies and comments. */
  private static String markdown(ResourceRef ref) {
    return ref.kind() + " `" + ref.namespace() + '/' + ref.name() + "` (" + ref.apiVersion() + ")";
  }

  private static String names(List<ResourceRef> refs) {
    return String.join(
        ", ", refs.stream().map(r -> r.kind() + " " + r.namespace() + "/" + r.name()).toList());
  }

  private static DeliveryOptions options() {
    return new DeliveryOptions().setSendTimeout(BUS_TIMEOUT_MILLIS);
  }

  private <T> Future<T> blocking(Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }
}
