package io.cup.proposals;

import static org.assertj.core.api.Assertions.assertThat;

import io.cup.bus.Addresses;
import io.cup.bus.Proposal;
import io.cup.metrics.Metrics;
import io.cup.status.StatusException;
import io.cup.testing.Eventually;
import io.cup.testing.PushGate;
import io.cup.testing.TestRepos;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Group pushes ({@link PushQueue}): creates that arrive while a push is on its way reach the remote
 * together in the next push, each answered only once its own refs are there, and a ref the remote
 * refuses fails only its own write. The remote's {@code pre-receive} hook holds the first push
 * until the test releases it ({@link PushGate}), so the other creates are known to be waiting.
 */
@ExtendWith(VertxExtension.class)
@Timeout(120)
class PublisherGroupPushTest extends PublisherFixture {
  private PushGate gate;

  @BeforeEach
  void hooks() throws Exception {
    gate = PushGate.install(remote, root.resolve("gate"));
    // refuses a proposal branch whose commit message asks for it
    PushGate.hook(
        remote,
        "update",
        "#!/bin/sh\n"
            + "case \"$1\" in refs/heads/cup/proposal/*)\n"
            + "  if git log -1 --format=%B \"$3\" | grep -q REFUSE-ME; then\n"
            + "    echo 'refused by the remote policy' >&2; exit 1\n"
            + "  fi;;\n"
            + "esac\n");
  }

  @Test
  void createsArrivingDuringAPushGoTogetherInTheNextOneEachAnsweredWithItsRefsThere(Vertx vertx)
      throws Exception {
    deploy(vertx, cfg, 1);
    ObjectId base = main();
    long waitingBefore = ProposalMetrics.PUSH_WAITING.get();
    gate.holdNext();
    Future<JsonObject> first = send(vertx, base, "first", "a");
    gate.awaitHeld();
    List<Future<JsonObject>> burst = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      burst.add(send(vertx, base, "burst " + i, "n" + i));
    }
    Eventually.until(
        "12 creates wait for the held push",
        Duration.ofSeconds(60),
        () -> ProposalMetrics.PUSH_WAITING.get() - waitingBefore == 12);
    // nothing of the waiting creates is on the remote, and none is answered
    assertThat(burst).noneMatch(Future::isComplete);
    gate.release("ok");

    List<Proposal> created = new ArrayList<>();
    created.add(Proposal.fromJson(await(first)));
    for (Future<JsonObject> f : burst) {
      created.add(Proposal.fromJson(await(f)));
    }
    Map<String, ObjectId> refs = TestRepos.refs(remote);
    for (Proposal p : created) {
      assertThat(refs)
          .containsKey(ProposalStore.branchRef(p.id()))
          .containsKey(ProposalStore.recordRef(p.id()));
    }
    // the held push carried the first create (2 refs); the next one all 12 (24 refs) at once
    assertThat(gate.pushes()).containsExactly(2, 24);
    assertThat(list(vertx)).extracting(Proposal::id).containsAll(ids(created));
    assertThat(Metrics.registry().find("cup.proposal.push.group.writes").summary().max())
        .isGreaterThanOrEqualTo(12);
  }

  @Test
  void aRefTheRemoteRefusesFailsOnlyItsOwnWrite(Vertx vertx) throws Exception {
    deploy(vertx, cfg, 1);
    ObjectId base = main();
    long waitingBefore = ProposalMetrics.PUSH_WAITING.get();
    gate.holdNext();
    Future<JsonObject> first = send(vertx, base, "first", "a");
    gate.awaitHeld();
    List<Future<JsonObject>> burst = new ArrayList<>();
    burst.add(send(vertx, base, "one", "n1"));
    Future<JsonObject> refused = send(vertx, base, "REFUSE-ME please", "n2");
    burst.add(send(vertx, base, "three", "n3"));
    Eventually.until(
        "3 creates wait for the held push",
        Duration.ofSeconds(60),
        () -> ProposalMetrics.PUSH_WAITING.get() - waitingBefore == 3);
    gate.release("ok");

    List<Proposal> created = new ArrayList<>();
    created.add(Proposal.fromJson(await(first)));
    for (Future<JsonObject> f : burst) {
      created.add(Proposal.fromJson(await(f)));
    }
    Throwable failure =
        refused
            .toCompletionStage()
            .toCompletableFuture()
            .handle((ok, e) -> e)
            .get(60, TimeUnit.SECONDS);
    assertThat(failure).as("the refused write fails").isNotNull();
    StatusException status = StatusException.from(failure);
    assertThat(status.code()).isEqualTo(502);
    assertThat(status.getMessage()).contains("rejected");

    Map<String, ObjectId> refs = TestRepos.refs(remote);
    for (Proposal p : created) {
      assertThat(refs)
          .containsKey(ProposalStore.branchRef(p.id()))
          .containsKey(ProposalStore.recordRef(p.id()));
    }
    // no half proposal: every proposal branch on the remote has its record and the other way round
    long branches = refs.keySet().stream().filter(r -> r.startsWith("refs/heads/cup/")).count();
    long records =
        refs.keySet().stream().filter(r -> r.startsWith(ProposalStore.RECORD_PREFIX)).count();
    assertThat(branches).isEqualTo(3);
    assertThat(records).isEqualTo(3);
    assertThat(list(vertx)).hasSize(3);
  }

  // -- helpers -----------------------------------------------------------------------------------

  private Future<JsonObject> send(Vertx vertx, ObjectId base, String message, String flag) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(60_000);
    JsonObject request =
        request(
                base,
                message,
                upsert(
                    "default/flipt.io-v1alpha1-Flag-" + flag + ".json", "{\"" + flag + "\":1}\n"))
            .toJson();
    return vertx
        .eventBus()
        .<JsonObject>request(Addresses.PROPOSAL_CREATE.name(), request, options)
        .map(Message::body);
  }

  private static List<String> ids(List<Proposal> proposals) {
    return proposals.stream().map(Proposal::id).toList();
  }
}
