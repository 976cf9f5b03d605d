package io.cup.proposals;

import io.cup.bus.Addresses;
import io.cup.bus.Proposal;
import io.cup.cluster.Ownership;
import io.cup.config.ResourceConfiguration;
import io.cup.config.ServerConfig;
import io.cup.git.GitSource;
import io.cup.git.Source;
import io.cup.retry.RetryPolicy;
import io.cup.scm.ScmClient;
import io.cup.scm.ScmKind;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import org.eclipse.jgit.lib.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every accepted proposal moving. Deploy exactly one instance per node, as a standard
 * verticle: SCM calls are asynchronous (Web Client) and Git reads run in {@code executeBlocking}.
 * It reads proposal records but never writes them: what it learns goes to the publisher, their one
 * writer ({@link RecordRequests}), which pushes every change with a lease and publishes the event.
 *
 * <p>On a cluster one node's reconciler works at a time ({@link Ownership}, role {@code
 * reconciler}): the others deploy, wait for the role and register nothing, so the cluster-wide
 * {@code cup.scm.*} requests of every node reach the owner. A node that takes the role over sweeps
 * at once. Should two ever act at once (a frozen owner), the leases fence the records and the SCM
 * client finds the request a branch already has before opening one.
 *
 * <ul>
 *   <li><b>Pending → open</b> (hosted SCM only, {@link PullRequestOpener}): {@link
 *       Addresses#SCM_OPEN} opens a pending proposal's pull request now (the publisher asks right
 *       after a create); every sweep ({@code reconcileIntervalMillis}) retries the rest with the
 *       backoff of {@link RetryPolicy} (from {@code scmRetryBaseMillis}, at most {@value
 *       #MAX_BACKOFF_MILLIS} ms). The first sweep runs at start, so a restart completes every
 *       pending proposal.
 *   <li><b>Outcomes</b> (hosted SCM only, {@link PullRequestOutcomes}): webhooks ({@link
 *       Addresses#SCM_PULL_REQUEST}), polls of open requests ({@code scmPollIntervalMillis}), and
 *       merges and closes through Cup's API ({@link Addresses#SCM_MERGE}, {@link
 *       Addresses#SCM_CLOSE}: done on the SCM, then recorded); {@code updated} events rewrite the
 *       request's description.
 *   <li><b>Following the base</b> (any Git source, {@link ProposalReplay}): open proposals are
 *       replayed onto a moved tracked branch ({@link Addresses#EVENTS_HEAD}, and at every sweep).
 *   <li><b>Retention</b>: merged and closed proposals older than {@code --proposal-retention} are
 *       archived, {@value #ARCHIVE_BATCH} per sweep.
 * </ul>
 */
public final class ReconcilerVerticle extends VerticleBase {
  static final long MAX_BACKOFF_MILLIS = 300_000;

  private static final Logger LOG = LoggerFactory.getLogger(ReconcilerVerticle.class);
  private static final int COMMENT_ATTEMPTS = 5;

  /** At most this many proposals are archived per sweep (one archive commit, one push). */
  static final int ARCHIVE_BATCH = 50;

  /** How often an open pull request is asked for its state, by default. */
  static final long DEFAULT_POLL_MILLIS = 60_000;

  /** How long a fetch for a proposal another node just wrote may take. */
  private final Source source;

  private final ResourceConfiguration resources;
  private final ProposalStores stores;
  private ServerConfig cfg;
  private GitSource git;
  private RemoteRetries remote;
  private ProposalReads reads;
  private ProposalCommits commits;
  private RecordRequests records;
  private ScmClient client;
  private PullRequestOpener opener;
  private PullRequestOutcomes outcomes;
  private ProposalReplay replay;
  private long sweepTimer = -1;
  private Ownership ownership;

  /** An archive request in flight (event loop only). */
  private boolean archiving;

  /**
   * @param source the served repository, handed in by the launcher: its {@link GitSource} (the
   *     clone, owned and fetched by the fetcher) or a local directory, which has nothing to
   *     reconcile
   * @param resources the resource configuration the launcher loaded and checked (which kinds a
   *     replayed proposal's files are, {@link ProposalReplay#byKind})
   */
  public ReconcilerVerticle(Source source, ResourceConfiguration resources) {
    this(source, resources, new ProposalStores());
  }

  /**
   * @param stores the records' one store, shared with the publisher's instances
   */
  public ReconcilerVerticle(Source source, ResourceConfiguration resources, ProposalStores stores) {
    this.source = Objects.requireNonNull(source, "source");
    this.resources = Objects.requireNonNull(resources, "resources");
    this.stores = Objects.requireNonNull(stores, "stores");
  }

  @Override
  public Future<?> start() {
    cfg = ServerConfig.of(config());
    if (!(source instanceof GitSource gitSource)) {
      LOG.debug("no Git source: nothing to reconcile");
      return Future.succeededFuture();
    }
    ScmKind scm = ScmKind.hosted(cfg.gitScm());
    long retryBaseMillis = config().getLong("scmRetryBaseMillis", 1_000L);
    git = gitSource;
    commits = new ProposalCommits(git, cfg);
    reads = new ProposalReads(git, commits, stores);
    records = new RecordRequests(vertx, scm);
    remote = new RemoteRetries(vertx, git);
    long interval =
        config()
            .getLong(
                "reconcileIntervalMillis",
                Math.min(Math.max(cfg.pollIntervalMillis(), 1_000), 30_000));
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
      PullRequestOpener.Reads current = this::currentOrFetched;
      opener =
          new PullRequestOpener(
              vertx,
              scm,
              client,
              current,
              records,
              git.branch(),
              RetryPolicy.exponential(retryBaseMillis, MAX_BACKOFF_MILLIS));
      // 0 turns polling off; otherwise never more often than the sweep
      long asked = config().getLong("scmPollIntervalMillis", DEFAULT_POLL_MILLIS);
      outcomes =
          new PullRequestOutcomes(
              scm,
              client,
              current,
              records,
              remote,
              git.branch(),
              asked <= 0 ? 0 : Math.max(asked, interval));
    }
    RetryPolicy commentRetries =
        new RetryPolicy(COMMENT_ATTEMPTS, retryBaseMillis, MAX_BACKOFF_MILLIS, false);
    replay =
        new ProposalReplay(
            vertx,
            reads,
            commits,
            records,
            scm,
            client,
            git.branch(),
            ProposalReplay.byKind(resources),
            commentRetries);
    if (!vertx.isClustered()) {
      return own(interval);
    }
    // one node of the cluster reconciles at a time; the others wait for the role, and take it over
    // when its owner leaves or dies
    ownership = new Ownership(vertx, "reconciler");
    ownership
        .acquire()
        .compose(owned -> own(interval))
        .onFailure(e -> LOG.error("cannot take over reconciling: {}", e.toString()));
    return Future.succeededFuture();
  }

  /**
   * Starts reconciling: listens to its addresses (on a cluster, the {@code cup.scm.*} requests of
   * every node come here) and sweeps, the first sweep at once: what a previous owner left pending
   * is picked up.
   */
  private Future<Void> own(long interval) {
    return Future.all(consumers().stream().map(MessageConsumer::completion).toList())
        .<Void>mapEmpty()
        .onSuccess(ready -> sweepTimer = vertx.setPeriodic(0, interval, id -> sweep()));
  }

  private List<MessageConsumer<?>> consumers() {
    EventBus bus = vertx.eventBus();
    List<MessageConsumer<?>> consumers = new ArrayList<>();
    consumers.add(Addresses.EVENTS_HEAD.consumeOnNode(bus, replay::headMoved));
    if (opener != null) {
      consumers.add(Addresses.SCM_OPEN.consume(bus, opener::openNow));
      consumers.add(Addresses.SCM_MERGE.consume(bus, outcomes::merge));
      consumers.add(Addresses.SCM_CLOSE.consume(bus, outcomes::close));
      consumers.add(Addresses.SCM_PULL_REQUEST.consume(bus, outcomes::webhook));
      consumers.add(Addresses.EVENTS_PROPOSAL.consume(bus, outcomes::describe));
    }
    return consumers;
  }

  @Override
  public Future<?> stop() {
    if (ownership != null) {
      ownership.release();
    }
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
      List<Proposal> live, boolean archiveDue, ObjectId head, ProposalReplay.Affected affected) {
    List<Proposal> open() {
      return live.stream().filter(Proposal::isOpen).toList();
    }
  }

  /**
   * Retries due pending proposals, polls the SCM for requests merged or closed without a webhook,
   * replays proposals left behind by a move, and archives old merged and closed proposals.
   */
  private void sweep() {
    Set<String> tried = replay.tried();
    Instant cutoff =
        cfg.proposalRetentionMillis() > 0
            ? Instant.now().minusMillis(cfg.proposalRetentionMillis())
            : null;
    blocking(
            () -> {
              if (!ensureOpen()) {
                return new Snapshot(List.of(), false, null, null);
              }
              List<Proposal> all = reads.list();
              List<Proposal> live = all.stream().filter(p -> p.state().isLive()).toList();
              boolean archiveDue =
                  cutoff != null && all.stream().anyMatch(p -> ProposalRecords.expired(p, cutoff));
              List<Proposal> open = live.stream().filter(Proposal::isOpen).toList();
              ObjectId head = commits.trackedHead();
              return new Snapshot(
                  live, archiveDue, head, head == null ? null : replay.affected(open, head, tried));
            })
        .onSuccess(
            snapshot -> {
              long now = System.currentTimeMillis();
              if (opener != null) {
                for (Proposal proposal : snapshot.open()) {
                  if (opener.due(proposal, now)) {
                    opener.open(proposal.id());
                  }
                }
                outcomes.poll(snapshot.live(), now);
              }
              if (snapshot.head() != null) {
                replay.replayAll(snapshot.head(), snapshot.affected());
              }
              if (snapshot.archiveDue()) {
                archive(cutoff);
              }
            })
        .onFailure(e -> LOG.debug("sweep skipped: {}", e.getMessage()));
  }

  /** Asks the publisher to archive a batch of merged and closed proposals done before cutoff. */
  private void archive(Instant cutoff) {
    if (archiving) {
      return;
    }
    archiving = true;
    records
        .archive(cutoff, ARCHIVE_BATCH)
        .onFailure(e -> LOG.warn("cannot archive proposals: {}", e.getMessage()))
        .onComplete(done -> archiving = false);
  }

  /**
   * The proposal as the clone has it. On a cluster another node's publisher may have written it a
   * moment ago: a proposal this clone does not know yet is read again after a fetch.
   */
  private Future<Proposal> currentOrFetched(String id) {
    return remote.readOrFetched(() -> current(id));
  }

  /** The proposal as the clone has it, the clone opened first (blocking). */
  private Proposal current(String id) {
    ensureOpen();
    return reads.current(id);
  }

  /**
   * The clone opens once the fetcher has opened or cloned it; until then there is nothing to do.
   */
  private boolean ensureOpen() {
    return git.isOpen();
  }

  private <T> Future<T> blocking(Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }
}
