package io.cup.api;

import io.cup.bus.Addresses;
import io.cup.bus.ChangeSet;
import io.cup.bus.ChangeSetReply;
import io.cup.bus.FileChange;
import io.cup.bus.ListReply;
import io.cup.bus.Proposal;
import io.cup.bus.ProposalRequest;
import io.cup.bus.ProposalState;
import io.cup.bus.RepositoryStatus;
import io.cup.bus.ResourceRef;
import io.cup.bus.ResourceReply;
import io.cup.bus.ResourceRequest;
import io.cup.bus.SourceKind;
import io.cup.status.StatusException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Stand-ins for the controller worker, the proposal publisher and the repository fetcher that
 * answer the bus contract of {@code io.cup.bus} the way the real verticles do: resources kept in
 * memory, 404 statuses for missing ones, empty change sets when nothing changes, proposals with a
 * path URL. Every request received is recorded, by address.
 */
final class FakeBackend {
  static final String COMMIT = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad";

  final Map<String, JsonObject> resources = new ConcurrentHashMap<>();
  final Map<String, Proposal> proposals = new ConcurrentHashMap<>();
  final List<Message<JsonObject>> received = new CopyOnWriteArrayList<>();
  final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  volatile boolean ready = true;

  /** What the publisher reports as the SCM: "local", or "directory" for a local directory. */
  volatile String source = "local";

  /** When set, CONTROLLER_PUT hands its messages here instead of answering them. */
  volatile Consumer<Message<JsonObject>> holdPut;

  private final AtomicInteger ids = new AtomicInteger();

  /** Registers every stand-in. */
  Future<Void> register(Vertx vertx) {
    return Future.all(registerController(vertx), registerPublisher(vertx), registerFetcher(vertx))
        .mapEmpty();
  }

  Future<Void> registerController(Vertx vertx) {
    return Future.all(
            consume(vertx, Addresses.CONTROLLER_GET.name(), this::get),
            consume(vertx, Addresses.CONTROLLER_LIST.name(), this::list),
            consume(vertx, Addresses.CONTROLLER_PUT.name(), this::put),
            consume(vertx, Addresses.CONTROLLER_DELETE.name(), this::delete))
        .mapEmpty();
  }

  Future<Void> registerPublisher(Vertx vertx) {
    return Future.all(
            consume(vertx, Addresses.PROPOSAL_CREATE.name(), this::create),
            consume(vertx, Addresses.PROPOSAL_LIST.name(), this::listProposals),
            consume(vertx, Addresses.PROPOSAL_GET.name(), m -> m.reply(proposal(m).toJson())),
            consume(vertx, Addresses.PROPOSAL_MERGE.name(), m -> m.reply(transition(m, "merged"))),
            consume(vertx, Addresses.PROPOSAL_CLOSE.name(), m -> m.reply(transition(m, "closed"))))
        .mapEmpty();
  }

  Future<Void> registerFetcher(Vertx vertx) {
    return consume(
        vertx,
        Addresses.REPOSITORY_STATUS.name(),
        m ->
            m.reply(
                new RepositoryStatus(ready, SourceKind.GIT, "main", ready ? COMMIT : null, 0, null)
                    .toJson()));
  }

  /** The requests received on {@code address}, oldest first. */
  List<JsonObject> requests(String address) {
    return received.stream().filter(m -> m.address().equals(address)).map(Message::body).toList();
  }

  void store(JsonObject resource) {
    JsonObject metadata = resource.getJsonObject("metadata");
    resources.put(metadata.getString("namespace") + "/" + metadata.getString("name"), resource);
  }

  Proposal addProposal(String state, String diff) {
    String id = "p" + ids.incrementAndGet();
    Proposal proposal =
        new Proposal(
            id,
            ProposalState.fromWire(state),
            source,
            "/apis/cup.flipt.io/v1alpha1/proposals/" + id,
            "cup/proposal/" + id,
            COMMIT,
            "c0ffee" + id,
            "feat: update test.cup.io/v1/Widget default/one",
            List.of(new ResourceRef("test.cup.io/v1", "Widget", "default", "one", "put")),
            "2025-01-02T03:04:05Z",
            "2025-01-02T03:04:05Z",
            null,
            null,
            diff,
            null,
            null,
            null);
    proposals.put(id, proposal);
    return proposal;
  }

  private Future<Void> consume(Vertx vertx, String address, Handler<Message<JsonObject>> handler) {
    MessageConsumer<JsonObject> consumer =
        vertx
            .eventBus()
            .consumer(
                address,
                (Message<JsonObject> m) -> {
                  // the API asks these on its own (status.proposals index, the head it caches
                  // reads of): not requests that an HTTP call caused, so not recorded
                  if (!Addresses.PROPOSAL_LIST.name().equals(m.address())
                      && !Addresses.REPOSITORY_STATUS.name().equals(m.address())) {
                    received.add(m);
                  }
                  try {
                    handler.handle(m);
                  } catch (RuntimeException e) {
                    StatusException.reply(m, e);
                  }
                });
    consumers.add(consumer);
    return consumer.completion();
  }

  private void get(Message<JsonObject> m) {
    ResourceRequest request = ResourceRequest.fromJson(m.body());
    JsonObject resource = resources.get(request.namespace() + "/" + request.name());
    if (resource == null) {
      throw StatusException.notFound(
          request.plural() + "." + request.group() + " \"" + request.name() + "\" not found");
    }
    m.reply(new ResourceReply(COMMIT, resource).toJson());
  }

  private void list(Message<JsonObject> m) {
    ResourceRequest request = ResourceRequest.fromJson(m.body());
    JsonArray items = new JsonArray();
    resources.values().stream()
        .filter(
            r ->
                request.namespace() == null
                    || r.getJsonObject("metadata")
                        .getString("namespace")
                        .equals(request.namespace()))
        .forEach(items::add);
    m.reply(new ListReply(COMMIT, items).toJson());
  }

  private void put(Message<JsonObject> m) {
    Consumer<Message<JsonObject>> hold = holdPut;
    if (hold != null) {
      hold.accept(m);
      return;
    }
    m.reply(putChanges(ResourceRequest.fromJson(m.body())).toJson());
  }

  ChangeSetReply putChanges(ResourceRequest request) {
    String key = request.namespace() + "/" + request.name();
    String path = request.namespace() + "/" + request.group() + "-" + request.name() + ".json";
    List<FileChange> changes =
        request.resource().equals(resources.get(key))
            ? List.of()
            : List.of(
                FileChange.upsert(
                    path, request.resource().encodePrettily().getBytes(StandardCharsets.UTF_8)));
    ResourceRef ref =
        new ResourceRef(
            request.group() + "/" + request.version(),
            "Widget",
            request.namespace(),
            request.name(),
            "put");
    if (!request.dryRun()) {
      return new ChangeSetReply(new ChangeSet(COMMIT, changes), "feat: update " + key, ref);
    }
    // the controller worker's real diff is tested end to end; here: one line per changed path
    StringBuilder diff = new StringBuilder();
    changes.forEach(c -> diff.append("changed ").append(c.path()).append('\n'));
    return new ChangeSetReply(
        new ChangeSet(COMMIT, changes), "feat: update " + key, ref, diff.toString(), null);
  }

  private void delete(Message<JsonObject> m) {
    ResourceRequest request = ResourceRequest.fromJson(m.body());
    String key = request.namespace() + "/" + request.name();
    if (!resources.containsKey(key)) {
      throw StatusException.notFound(
          request.plural() + "." + request.group() + " \"" + request.name() + "\" not found");
    }
    String path = request.namespace() + "/" + request.group() + "-" + request.name() + ".json";
    m.reply(
        new ChangeSetReply(
                new ChangeSet(COMMIT, List.of(FileChange.delete(path))),
                "feat: delete " + key,
                new ResourceRef(
                    request.group() + "/" + request.version(),
                    "Widget",
                    request.namespace(),
                    request.name(),
                    "delete"))
            .toJson());
  }

  private void create(Message<JsonObject> m) {
    ProposalRequest request = ProposalRequest.fromJson(m.body());
    if (request.changes().isEmpty()) {
      throw StatusException.badRequest("nothing to propose");
    }
    Proposal proposal = addProposal("open", null);
    m.reply(
        "directory".equals(source)
            ? new Proposal(
                    proposal.id(),
                    ProposalState.MERGED,
                    "directory",
                    null,
                    null,
                    COMMIT,
                    null,
                    request.message(),
                    request.resources(),
                    proposal.createdAt(),
                    proposal.updatedAt(),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null)
                .toJson()
            : proposal.toJson());
  }

  private void listProposals(Message<JsonObject> m) {
    JsonArray items = new JsonArray();
    proposals.values().stream()
        .sorted((a, b) -> a.id().compareTo(b.id()))
        .forEach(p -> items.add(p.withDiff(null).toJson()));
    m.reply(new JsonObject().put("items", items));
  }

  private Proposal proposal(Message<JsonObject> m) {
    String id = m.body().getString("id");
    Proposal proposal = proposals.get(id);
    if (proposal == null) {
      throw StatusException.notFound("proposal \"" + id + "\" not found");
    }
    return proposal;
  }

  private JsonObject transition(Message<JsonObject> m, String state) {
    Proposal p = proposal(m);
    if (p.state() != ProposalState.OPEN) {
      throw StatusException.conflict("proposal \"" + p.id() + "\" is " + p.state());
    }
    Proposal moved =
        new Proposal(
            p.id(),
            ProposalState.fromWire(state),
            p.source(),
            p.url(),
            p.branch(),
            p.base(),
            p.head(),
            p.message(),
            p.resources(),
            p.createdAt(),
            "2025-01-02T04:00:00Z",
            state.equals("merged") ? "feedface" + p.id() : null,
            null,
            null,
            null,
            null,
            null);
    proposals.put(p.id(), moved);
    return moved.toJson();
  }
}
