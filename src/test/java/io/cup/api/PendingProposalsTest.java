package io.cup.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.cup.bus.Addresses;
import io.cup.bus.Proposal;
import io.cup.bus.ProposalEvent;
import io.cup.bus.ProposalState;
import io.cup.bus.ResourceRef;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The index behind {@code status.proposals} against events that overtake a list. */
@ExtendWith(VertxExtension.class)
class PendingProposalsTest {
  private static final ResourceRef WEB =
      new ResourceRef("apps.cup.io/v1", "Service", "default", "web", "put");

  @Test
  void anEventThatArrivesWhileTheListIsInFlightIsNotLost(Vertx vertx) throws Exception {
    Proposal open = proposal("open");
    Promise<Message<JsonObject>> listed = Promise.promise();
    vertx
        .eventBus()
        .<JsonObject>consumer(Addresses.PROPOSAL_LIST.name(), listed::tryComplete)
        .completion()
        .await(10, TimeUnit.SECONDS);
    BusClient bus = new BusClient(vertx, BusClient.Timeouts.DEFAULTS);
    PendingProposals pending = new PendingProposals(vertx, bus);

    // the index asks for the list, which the publisher reads while the proposal is still open
    Context loop = vertx.getOrCreateContext();
    Future<Void> started = onLoop(loop, pending::start);
    Message<JsonObject> list = listed.future().await(10, TimeUnit.SECONDS);
    // the proposal is merged, and its event arrives before the (now stale) list
    vertx
        .eventBus()
        .publish(
            Addresses.EVENTS_PROPOSAL.name(),
            new ProposalEvent(ProposalEvent.Type.MERGED, proposal("merged")).toJson());
    vertx.setTimer(
        200, t -> list.reply(new JsonObject().put("items", new JsonArray().add(open.toJson()))));
    started.await(10, TimeUnit.SECONDS);

    JsonObject resource =
        new JsonObject()
            .put("metadata", new JsonObject().put("namespace", "default").put("name", "web"));
    JsonObject annotated =
        onLoop(
                loop,
                () ->
                    Future.succeededFuture(
                        pending.annotate(resource, "apps.cup.io/v1", "Service", null)))
            .await(10, TimeUnit.SECONDS);
    assertThat(annotated.getJsonObject("status")).as(annotated.encode()).isNull();
  }

  @Test
  void annotatingLeavesTheResourceItReadAsItWas(Vertx vertx) {
    PendingProposals pending =
        new PendingProposals(vertx, new BusClient(vertx, BusClient.Timeouts.DEFAULTS));
    pending.record(proposal("open"));
    // as a list hands it over: nested values are the controller's cached parse
    JsonObject listed =
        new JsonObject()
            .put("metadata", new JsonObject().put("namespace", "default").put("name", "web"))
            .put("spec", new JsonObject().put("replicas", 2))
            .put("status", new JsonObject().put("phase", "Ready"));
    JsonObject before = listed.copy();

    JsonObject once = pending.annotate(listed, "apps.cup.io/v1", "Service", null);
    JsonObject twice = pending.annotate(listed, "apps.cup.io/v1", "Service", null);

    assertThat(listed).isEqualTo(before);
    assertThat(once).isEqualTo(twice);
    assertThat(once.getJsonObject("status").getString("phase")).isEqualTo("Ready");
    assertThat(once.getJsonObject("status").getJsonArray("proposals")).hasSize(1);
    assertThat(once.getJsonObject("spec")).isEqualTo(listed.getJsonObject("spec"));
  }

  /** Runs {@code work} on the event loop {@code loop}, as the API verticle does. */
  private static <T> Future<T> onLoop(Context loop, Supplier<Future<T>> work) {
    Promise<T> done = Promise.promise();
    loop.runOnContext(v -> work.get().onComplete(done));
    return done.future();
  }

  private static Proposal proposal(String state) {
    return new Proposal(
        "01m8aaaaaaaaaaaaaaaaaaaaaa",
        ProposalState.fromWire(state),
        "local",
        "/apis/cup.flipt.io/v1alpha1/proposals/01m8aaaaaaaaaaaaaaaaaaaaaa",
        "cup/proposal/01m8aaaaaaaaaaaaaaaaaaaaaa",
        "1111111111111111111111111111111111111111",
        "2222222222222222222222222222222222222222",
        "scale web",
        List.of(WEB),
        "2026-11-26T10:00:00Z",
        "2026-11-26T10:00:00Z",
        null,
        null,
        null,
        null,
        null,
        null);
  }
}
