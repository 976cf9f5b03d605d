package io.cup.proposals;

import io.cup.bus.Addresses;
import io.cup.bus.BusAddress;
import io.cup.bus.Empty;
import io.cup.bus.Proposal;
import io.cup.bus.ProposalAction;
import io.cup.bus.ProposalEvent;
import io.cup.bus.ProposalList;
import io.cup.bus.ProposalRequest;
import io.cup.bus.ProposalState;
import io.cup.bus.Requester;
import io.cup.bus.SourceKind;
import io.cup.config.ServerConfig;
import io.cup.git.DirectorySource;
import io.cup.git.GitSource;
import io.cup.git.Source;
import io.cup.scm.ScmKind;
import io.cup.status.StatusException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proposal publisher, the one writer of proposal records. Deploy it as a {@code WORKER}
 * verticle (several instances are safe: every record change is pushed with a lease) with the server
 * configuration under {@code "server"}.
 *
 * <ul>
 *   <li>{@link Addresses#PROPOSAL_CREATE} ({@link ProposalRequest} → {@link Proposal}): for a Git
 *       source, a branch {@code cup/proposal/<id>} and a record pushed to the remote ({@link
 *       ProposalRecords}); creates that arrive while a push is on its way go to the remote together
 *       in the next one ({@link PushQueue}), each answered once its own refs are there; for a local
 *       directory, the change applied in place ({@link DirectoryProposals}: state "merged", source
 *       "directory", no URL). A change set that changes nothing fails with code 204.
 *   <li>{@link Addresses#PROPOSAL_LIST} ({@link Empty} → {@link ProposalList}, newest first, no
 *       diffs), {@link Addresses#PROPOSAL_GET} ({@link ProposalAction} → {@link Proposal} with
 *       diff).
 *   <li>{@link Addresses#PROPOSAL_MERGE} and {@link Addresses#PROPOSAL_CLOSE} ({@link
 *       ProposalAction} → {@link Proposal}): fetch first (a request to {@link
 *       Addresses#REPOSITORY_FETCH}, so the fetcher announces any move it sees; without a fetcher
 *       the attempt fails with 503), then try; when the remote moved under the attempt, fetch and
 *       try again, at most {@value RemoteRetries#ATTEMPTS} times, then 409. After a merge, fetch
 *       again so readers see the new head.
 *   <li>{@link Addresses#PROPOSAL_RECORD} and {@link Addresses#PROPOSAL_ARCHIVE} (Git source): what
 *       the reconciler learnt and asks to be recorded ({@link RecordChanges}): a pull request's
 *       outcome, a conflict, a close, a rebase; archiving old proposals. The reconciler reads
 *       records but never writes them, so every lease is taken here.
 *   <li>Publishes {@link ProposalEvent}s (pending, opened, updated, merged, closed, conflicted) on
 *       {@link Addresses#EVENTS_PROPOSAL}; keeps the meters of {@link ProposalMetrics}. The
 *       open-proposals gauge is counted at start and after each create, merge, close and record
 *       change here; changes made on other nodes reach it through the reconciler's sweeps, which
 *       list the records anyway ({@link ProposalReads#list}).
 * </ul>
 */
public final class PublisherVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PublisherVerticle.class);
  private static final long FORWARD_TIMEOUT_MILLIS = 90_000;

  /**
   * The threads that push groups of creates ({@link PushQueue}), shared by the publisher's
   * instances: one push at a time per instance.
   */
  static final String PUSH_POOL = "cup-publisher-push";

  private static final int PUSH_THREADS = 2;

  /** How long a create waits for the first attempt to open the pull request, by default. */
  static final long DEFAULT_SCM_OPEN_WAIT_MILLIS = 10_000;

  private final Source source;
  private final ProposalStores stores;
  private Proposals proposals;
  private ProposalRecords records;
  private PushQueue pushes;
  private WorkerExecutor pushExecutor;
  private boolean counting;
  private boolean countAgain;
  private GitSource git;
  private RemoteRetries remote;
  private ScmKind scm;
  private long scmOpenWaitMillis;

  /**
   * @param source the served repository, handed in by the launcher: its {@link GitSource} (the
   *     clone, which the fetcher owns, clones and opens before the publisher is deployed) or its
   *     {@link DirectorySource}
   */
  public PublisherVerticle(Source source) {
    this(source, new ProposalStores());
  }

  /**
   * @param stores the records' one store, shared with the other instances and the reconciler
   */
  public PublisherVerticle(Source source, ProposalStores stores) {
    this.source = Objects.requireNonNull(source, "source");
    this.stores = Objects.requireNonNull(stores, "stores");
  }

  @Override
  public Future<?> start() {
    ServerConfig cfg = ServerConfig.of(config());
    scm = cfg.sourceKind() == SourceKind.GIT ? ScmKind.hosted(cfg.gitScm()) : null;
    scmOpenWaitMillis = config().getLong("scmOpenWaitMillis", DEFAULT_SCM_OPEN_WAIT_MILLIS);
    Consumer<ProposalEvent> events =
        event -> Addresses.EVENTS_PROPOSAL.publish(vertx.eventBus(), event);
    if (source instanceof DirectorySource directory) {
      proposals = new DirectoryProposals(directory, events);
    } else {
      git = (GitSource) source;
      records = new ProposalRecords(git, cfg, events, scm, stores);
      proposals = records;
      pushExecutor =
          vertx.createSharedWorkerExecutor(PUSH_POOL, PUSH_THREADS, 120, TimeUnit.SECONDS);
      pushes = new PushQueue(pushExecutor, records.remotePush());
    }
    remote = new RemoteRetries(vertx, git);
    EventBus bus = vertx.eventBus();
    List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
    consumers.add(Addresses.PROPOSAL_CREATE.consume(bus, this::create));
    consumers.add(Addresses.PROPOSAL_LIST.consume(bus, this::list));
    consumers.add(Addresses.PROPOSAL_GET.consume(bus, this::get));
    consumers.add(Addresses.PROPOSAL_MERGE.consume(bus, this::merge));
    consumers.add(Addresses.PROPOSAL_CLOSE.consume(bus, this::close));
    if (records != null) {
      // the reconciler's changes to records: this verticle is their one writer
      RecordChanges changes = new RecordChanges(vertx, records, remote, events);
      consumers.add(
          Addresses.PROPOSAL_RECORD.consume(
              bus, c -> changes.record(c).onSuccess(u -> countOpen())));
      consumers.add(Addresses.PROPOSAL_ARCHIVE.consume(bus, changes::archive));
    }
    countOpen();
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    return pushExecutor == null ? Future.succeededFuture() : pushExecutor.close();
  }

  // -- handlers ----------------------------------------------------------------------------------

  private Future<Proposal> create(ProposalRequest request) {
    if (request.proposal() != null) {
      return attempt(request.proposal(), id -> proposals.tryAppend(request));
    }
    Future<Proposal> created;
    if (records == null) {
      created = blocking(() -> proposals.create(request));
    } else {
      // prepared on a worker, pushed with the other creates waiting (one push for a burst),
      // finished once its own refs are on the remote
      created =
          blocking(() -> records.prepareCreate(request))
              .compose(
                  prepared ->
                      prepared.existing() != null
                          ? Future.succeededFuture(prepared.existing())
                          : pushes
                              .submit(prepared.refs())
                              .compose(
                                  outcome -> blocking(() -> records.created(prepared, outcome))));
    }
    return created.onSuccess(done -> countOpen()).compose(this::opened);
  }

  /**
   * With a hosted SCM, a new proposal is pending: ask the reconciler to open its pull request now
   * and wait a little for it, so the answer usually carries the URL. When that does not finish in
   * time the proposal is answered pending: it is kept, and the reconciler completes it.
   */
  private Future<Proposal> opened(Proposal created) {
    if (scm == null || created.state() != ProposalState.PENDING) {
      return Future.succeededFuture(created);
    }
    return Addresses.SCM_OPEN
        .request(vertx.eventBus(), ProposalAction.of(created.id()), scmOpenWaitMillis)
        .otherwise(
            e -> {
              LOG.info(
                  "proposal {} is pending: its {} is not open yet ({}); retrying in the"
                      + " background",
                  created.id(),
                  scm.requestName(),
                  e.getMessage());
              return created;
            });
  }

  private Future<ProposalList> list(Empty request) {
    return blocking(() -> new ProposalList(proposals.list()));
  }

  /**
   * On a cluster, a proposal written through another node reaches this node's clone with the next
   * fetch after its event (at most {@code followGapMillis} later): a get that does not find it
   * fetches once and looks again ({@link RemoteRetries#readOrFetched}).
   */
  private Future<Proposal> get(ProposalAction request) {
    String id = id(request);
    return remote.readOrFetched(() -> proposals.get(id));
  }

  private Future<Proposal> merge(ProposalAction request) {
    if (scm != null) {
      return forward(Addresses.SCM_MERGE, request);
    }
    return transition(request, proposals::tryMerge)
        .compose(merged -> remote.refresh().otherwiseEmpty().map(merged));
  }

  private Future<Proposal> close(ProposalAction request) {
    if (scm != null) {
      return forward(Addresses.SCM_CLOSE, request);
    }
    return transition(request, proposals::tryClose);
  }

  /** With a hosted SCM, merges and closes happen there: the reconciler does them. */
  private Future<Proposal> forward(
      BusAddress<ProposalAction, Proposal> address, ProposalAction request) {
    return address
        .request(vertx.eventBus(), request, FORWARD_TIMEOUT_MILLIS)
        .recover(e -> Future.failedFuture(StatusException.from(e)))
        .onSuccess(done -> countOpen());
  }

  // -- plumbing ----------------------------------------------------------------------------------

  /** Fetch, attempt; while the remote moved under the attempt, fetch and attempt again. */
  private Future<Proposal> transition(
      ProposalAction request, BiFunction<String, Requester, Optional<Proposal>> attempt) {
    String id = id(request);
    return attempt(id, proposalId -> attempt.apply(proposalId, request.by()))
        .onSuccess(done -> countOpen());
  }

  /** Fetches, then attempts until the leases hold (see {@link RemoteRetries}). */
  private Future<Proposal> attempt(String id, Function<String, Optional<Proposal>> attempt) {
    return remote
        .refresh()
        .compose(
            v ->
                remote.untilHeld(
                    () -> attempt.apply(id), "proposal " + id + " or its target branch"));
  }

  /**
   * Updates the open-proposals gauge; a failure (no clone yet) leaves it as it was. Counting reads
   * every record, so calls while a count runs are folded into one more count after it: a burst of
   * writes counts twice, not once per write.
   */
  private void countOpen() {
    if (counting) {
      countAgain = true;
      return;
    }
    counting = true;
    countAgain = false;
    blocking(proposals::openCount)
        .onSuccess(ProposalMetrics::openProposals)
        .onFailure(e -> LOG.debug("cannot count open proposals: {}", e.getMessage()))
        .onComplete(
            done -> {
              counting = false;
              if (countAgain) {
                countOpen();
              }
            });
  }

  private <T> Future<T> blocking(Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }

  private static String id(ProposalAction request) {
    String id = request.id();
    if (id == null || id.isBlank()) {
      throw StatusException.badRequest("a proposal id is required");
    }
    return id;
  }
}
