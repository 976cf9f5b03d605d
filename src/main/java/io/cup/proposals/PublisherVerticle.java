package io.cup.proposals;

import io.cup.bus.Addresses;
import io.cup.bus.Proposal;
import io.cup.bus.ProposalAction;
import io.cup.bus.ProposalEvent;
import io.cup.bus.ProposalRequest;
import io.cup.bus.Requester;
import io.cup.config.ServerConfig;
import io.cup.git.DirectorySource;
import io.cup.git.GitSource;
import io.cup.git.Source;
import io.cup.scm.ScmKind;
import io.cup.status.StatusException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proposal publisher. Deploy it as a {@code WORKER} verticle (several instances are safe) with
 * the server configuration under {@code "server"}.
 *
 * <ul>
 *   <li>{@link Addresses#PROPOSAL_CREATE} ({@link ProposalRequest} → {@link Proposal}): for a Git
 *       source, a branch {@code cup/proposal/<id>} and a record pushed to the remote ({@link
 *       LocalProposals}); for a local directory, the change applied in place ({@link
 *       DirectoryProposals}: state "merged", source "directory", no URL). A change set that changes
 *       nothing fails with code 204.
 *   <li>{@link Addresses#PROPOSAL_LIST} ({} → {"items": [...]}, newest first, no diffs), {@link
 *       Addresses#PROPOSAL_GET} ({"id"} → {@link Proposal} with diff).
 *   <li>{@link Addresses#PROPOSAL_MERGE} and {@link Addresses#PROPOSAL_CLOSE} ({"id"} → {@link
 *       Proposal}): fetch first (a request to the fetcher at {@link Addresses#REPOSITORY_FETCH},
 *       which announces any move it sees), then try; when the remote moved under the attempt, fetch
 *       and try again, at most {@value RemoteRetries#ATTEMPTS} times, then 409. After a merge,
 *       fetch again so readers see the new head.
 *   <li>Publishes {@link ProposalEvent}s (opened, merged, closed, conflicted) on {@link
 *       Addresses#EVENTS_PROPOSAL}; keeps the meters of {@link ProposalMetrics}. The open-proposals
 *       gauge is counted at start and after each create, merge and close here; changes made
 *       elsewhere (other nodes, the SCM) reach it through the reconciler's sweeps, which list the
 *       records anyway ({@link LocalProposals#list}).
 * </ul>
 */
public final class PublisherVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PublisherVerticle.class);
  private static final long FORWARD_TIMEOUT_MILLIS = 90_000;

  /** How long a create waits for the first attempt to open the pull request, by default. */
  static final long DEFAULT_SCM_OPEN_WAIT_MILLIS = 10_000;

  private final Source source;
  private Proposals proposals;
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
    this.source = Objects.requireNonNull(source, "source");
  }

  @Override
  public Future<?> start() {
    ServerConfig cfg = ServerConfig.of(config());
    scm = "git".equals(cfg.source()) ? ScmKind.hosted(cfg.gitScm()) : null;
    scmOpenWaitMillis = config().getLong("scmOpenWaitMillis", DEFAULT_SCM_OPEN_WAIT_MILLIS);
    Consumer<ProposalEvent> events =
        event -> vertx.eventBus().publish(Addresses.EVENTS_PROPOSAL, event.toJson());
    if (source instanceof DirectorySource directory) {
      proposals = new DirectoryProposals(directory, events);
    } else {
      git = (GitSource) source;
      proposals = new LocalProposals(git, cfg, events, scm);
    }
    remote = new RemoteRetries(vertx, git);
    EventBus bus = vertx.eventBus();
    List<MessageConsumer<JsonObject>> consumers =
        List.of(
            bus.consumer(Addresses.PROPOSAL_CREATE, this::create),
            bus.consumer(Addresses.PROPOSAL_LIST, this::list),
            bus.consumer(Addresses.PROPOSAL_GET, this::get),
            bus.consumer(Addresses.PROPOSAL_MERGE, this::merge),
            bus.consumer(Addresses.PROPOSAL_CLOSE, this::close));
    countOpen();
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  // -- handlers ----------------------------------------------------------------------------------

  private void create(Message<JsonObject> message) {
    ProposalRequest request;
    try {
      request = request(message);
    } catch (RuntimeException e) {
      StatusException.reply(message, e);
      return;
    }
    if (request.proposal() != null) {
      answer(
          message,
          attempt(request.proposal(), id -> proposals.tryAppend(request)).map(Proposal::toJson));
      return;
    }
    answer(
        message,
        blocking(() -> proposals.create(request))
            .onSuccess(created -> countOpen())
            .compose(this::opened)
            .map(Proposal::toJson));
  }

  /**
   * With a hosted SCM, a new proposal is pending: ask the reconciler to open its pull request now
   * and wait a little for it, so the answer usually carries the URL. When that does not finish in
   * time the proposal is answered pending: it is kept, and the reconciler completes it.
   */
  private Future<Proposal> opened(Proposal created) {
    if (scm == null || !LocalProposals.PENDING.equals(created.state())) {
      return Future.succeededFuture(created);
    }
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(scmOpenWaitMillis);
    return vertx
        .eventBus()
        .<JsonObject>request(Addresses.SCM_OPEN, new JsonObject().put("id", created.id()), options)
        .map(reply -> Proposal.fromJson(reply.body()))
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

  private void list(Message<JsonObject> message) {
    answer(
        message,
        blocking(
            () -> {
              JsonArray items = new JsonArray();
              proposals.list().forEach(p -> items.add(p.toJson()));
              return new JsonObject().put("items", items);
            }));
  }

  private void get(Message<JsonObject> message) {
    answer(message, blocking(() -> proposals.get(id(message)).toJson()));
  }

  private void merge(Message<JsonObject> message) {
    if (scm != null) {
      forward(Addresses.SCM_MERGE, message);
      return;
    }
    answer(
        message,
        transition(message, proposals::tryMerge)
            .compose(merged -> remote.refresh().otherwiseEmpty().map(merged)));
  }

  private void close(Message<JsonObject> message) {
    if (scm != null) {
      forward(Addresses.SCM_CLOSE, message);
      return;
    }
    answer(message, transition(message, proposals::tryClose));
  }

  /** With a hosted SCM, merges and closes happen there: the reconciler does them. */
  private void forward(String address, Message<JsonObject> message) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(FORWARD_TIMEOUT_MILLIS);
    answer(
        message,
        vertx
            .eventBus()
            .<JsonObject>request(address, message.body(), options)
            .map(Message::body)
            .recover(e -> Future.failedFuture(StatusException.from(e)))
            .onSuccess(done -> countOpen()));
  }

  // -- plumbing ----------------------------------------------------------------------------------

  /** Fetch, attempt; while the remote moved under the attempt, fetch and attempt again. */
  private Future<JsonObject> transition(
      Message<JsonObject> message, BiFunction<String, Requester, Optional<Proposal>> attempt) {
    Requester by = ProposalAction.fromJson(message.body()).by();
    return blocking(() -> id(message))
        .compose(id -> attempt(id, proposalId -> attempt.apply(proposalId, by)))
        .map(Proposal::toJson)
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

  /** Updates the open-proposals gauge; a failure (no clone yet) leaves it as it was. */
  private void countOpen() {
    blocking(proposals::openCount)
        .onSuccess(ProposalMetrics::openProposals)
        .onFailure(e -> LOG.debug("cannot count open proposals: {}", e.getMessage()));
  }

  private <T> Future<T> blocking(Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }

  private static ProposalRequest request(Message<JsonObject> message) {
    try {
      return ProposalRequest.fromJson(message.body());
    } catch (RuntimeException e) {
      throw StatusException.badRequest(
          "malformed proposal request: " + e.getClass().getSimpleName());
    }
  }

  private static String id(Message<JsonObject> message) {
    String id = message.body() == null ? null : message.body().getString("id");
    if (id == null || id.isBlank()) {
      throw StatusException.badRequest("a proposal id is required");
    }
    return id;
  }

  private static void answer(Message<JsonObject> message, Future<JsonObject> reply) {
    reply.onSuccess(message::reply).onFailure(e -> StatusException.reply(message, e));
  }
}
