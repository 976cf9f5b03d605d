package io.cup.api;

import static io.cup.api.ApiFixture.HOST;
import static io.cup.api.ApiFixture.WIDGETS;
import static io.cup.api.ApiFixture.widget;
import static io.cup.testing.StatusAssert.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.cup.bus.Addresses;
import io.cup.bus.Proposal;
import io.cup.bus.ProposalEvent;
import io.cup.bus.ProposalState;
import io.cup.bus.ResourceRef;
import io.cup.bus.ResourceRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The proposal routes under /apis/cup.flipt.io/v1alpha1/proposals. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class ApiProposalsTest {
  static final String PROPOSALS = "/apis/cup.flipt.io/v1alpha1/proposals";
  static final String DIFF =
      "diff --git a/default/one.json b/default/one.json\n--- a/default/one.json\n"
          + "+++ b/default/one.json\n@@ -1 +1 @@\n-{\"replicas\": 1}\n+{\"replicas\": 5}\n";

  @TempDir Path dir;
  private final FakeBackend backend = new FakeBackend();
  private ApiFixture.Deployed api;
  private Proposal open;
  private Proposal merged;
  private Path config;

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    config = ApiFixture.writeConfiguration(dir);
    backend.store(widget("one", 1));
    backend.store(widget("two", 2));
    open = backend.addProposal("open", DIFF);
    merged = backend.addProposal("merged", "");
    api = ApiFixture.deploy(vertx, config, backend);
  }

  @Test
  void listIsAProposalListOfKubernetesStyleObjects(VertxTestContext ctx) throws Exception {
    api.get(PROPOSALS)
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(200);
                          JsonObject list = r.bodyAsJsonObject();
                          assertThat(list.getString("apiVersion"))
                              .isEqualTo("cup.flipt.io/v1alpha1");
                          assertThat(list.getString("kind")).isEqualTo("ProposalList");
                          JsonArray items = list.getJsonArray("items");
                          assertThat(items).hasSize(2);
                          // newest first, as the publisher answers
                          JsonObject first = items.getJsonObject(1);
                          String url =
                              "http://" + HOST + ":" + api.port() + PROPOSALS + "/" + open.id();
                          assertThat(first)
                              .isEqualTo(
                                  new JsonObject()
                                      .put("apiVersion", "cup.flipt.io/v1alpha1")
                                      .put("kind", "Proposal")
                                      .put(
                                          "metadata",
                                          new JsonObject()
                                              .put("name", open.id())
                                              .put("creationTimestamp", "2025-01-02T03:04:05Z"))
                                      .put(
                                          "spec",
                                          new JsonObject()
                                              .put("source", "local")
                                              .put("branch", "cup/proposal/" + open.id())
                                              .put("base", FakeBackend.COMMIT)
                                              .put("message", open.message())
                                              .put(
                                                  "resources",
                                                  new JsonArray()
                                                      .add(open.resources().get(0).toJson())))
                                      .put(
                                          "status",
                                          new JsonObject()
                                              .put("state", "open")
                                              .put("head", open.head())
                                              .put("url", url)
                                              .put("updatedAt", "2025-01-02T03:04:05Z")));
                          assertThat(
                                  items.getJsonObject(0).getJsonObject("status").getString("state"))
                              .isEqualTo("merged");
                          ctx.completeNow();
                        })));
  }

  @Test
  void listPagesWithLimitAndContinue(VertxTestContext ctx) throws Exception {
    for (int i = 0; i < 3; i++) {
      backend.addProposal("open", "");
    }
    ctx.verify(
        () -> {
          JsonObject page1 = page("?limit=2");
          assertThat(page1.getString("kind")).isEqualTo("ProposalList");
          assertThat(ids(page1)).containsExactly("p5", "p4");
          assertThat(page1.getJsonObject("metadata").getLong("remainingItemCount")).isEqualTo(3L);
          String token = page1.getJsonObject("metadata").getString("continue");
          assertThat(token).isNotBlank();
          JsonObject page2 = page("?limit=2&continue=" + token);
          assertThat(ids(page2)).containsExactly("p3", "p2");
          assertThat(page2.getJsonObject("metadata").getLong("remainingItemCount")).isEqualTo(1L);
          JsonObject page3 =
              page("?limit=2&continue=" + page2.getJsonObject("metadata").getString("continue"));
          assertThat(ids(page3)).containsExactly("p1");
          assertThat(page3.getJsonObject("metadata").containsKey("continue")).isFalse();
          // without limit: everything, as before
          assertThat(ids(page(""))).hasSize(5);
          assertStatus(
              api.get(PROPOSALS + "?limit=x").send().await(10, TimeUnit.SECONDS),
              400,
              "BadRequest");
          // a token of a resource list is not one of this list
          assertThat(
                  api.get(PROPOSALS + "?continue=bm90LWEtdG9rZW4")
                      .send()
                      .await(10, TimeUnit.SECONDS)
                      .statusCode())
              .isEqualTo(400);
        });
    ctx.completeNow();
  }

  private JsonObject page(String query) throws Exception {
    var r = api.get(PROPOSALS + query).send().await(10, TimeUnit.SECONDS);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private static List<String> ids(JsonObject list) {
    return list.getJsonArray("items").stream()
        .map(i -> ((JsonObject) i).getJsonObject("metadata").getString("name"))
        .toList();
  }

  @Test
  void getCarriesTheDiff(VertxTestContext ctx) throws Exception {
    api.get(PROPOSALS + "/" + open.id())
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(200);
                          JsonObject proposal = r.bodyAsJsonObject();
                          assertThat(proposal.getJsonObject("metadata").getString("name"))
                              .isEqualTo(open.id());
                          assertThat(proposal.getJsonObject("status").getString("diff"))
                              .isEqualTo(DIFF);
                          ctx.completeNow();
                        })));
  }

  @Test
  void getAsADiffIsTheRawUnifiedDiff(VertxTestContext ctx) throws Exception {
    var checkpoint = ctx.checkpoint(2);
    api.get(PROPOSALS + "/" + open.id())
        .putHeader("Accept", "text/x-diff")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(200);
                          assertThat(r.getHeader("Content-Type"))
                              .isEqualTo("text/x-diff; charset=utf-8");
                          assertThat(r.bodyAsString()).isEqualTo(DIFF);
                          checkpoint.flag();
                        })));
    api.get(PROPOSALS + "/" + open.id())
        .putHeader("Accept", "text/plain")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.getHeader("Content-Type"))
                              .isEqualTo("text/plain; charset=utf-8");
                          assertThat(r.bodyAsString()).isEqualTo(DIFF);
                          checkpoint.flag();
                        })));
  }

  @Test
  void mergeAndCloseAnswerWithTheProposalInItsNewState(VertxTestContext ctx) throws Exception {
    Proposal other = backend.addProposal("open", null);
    var checkpoint = ctx.checkpoint(2);
    api.post(PROPOSALS + "/" + open.id() + "/merge")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(200);
                          JsonObject status = r.bodyAsJsonObject().getJsonObject("status");
                          assertThat(status.getString("state")).isEqualTo("merged");
                          assertThat(status.getString("mergeCommit"))
                              .isEqualTo("feedface" + open.id());
                          checkpoint.flag();
                        })));
    api.post(PROPOSALS + "/" + other.id() + "/close")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(200);
                          assertThat(
                                  r.bodyAsJsonObject().getJsonObject("status").getString("state"))
                              .isEqualTo("closed");
                          checkpoint.flag();
                        })));
  }

  @Test
  void thePublishersRefusalsKeepTheirCodes(VertxTestContext ctx) throws Exception {
    var checkpoint = ctx.checkpoint(2);
    api.post(PROPOSALS + "/" + merged.id() + "/merge")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertStatus(r, 409, "Conflict");
                          checkpoint.flag();
                        })));
    api.get(PROPOSALS + "/unknown")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertStatus(r, 404, "NotFound");
                          checkpoint.flag();
                        })));
  }

  @Test
  void aMalformedIdIsABadRequest(VertxTestContext ctx) throws Exception {
    api.get(PROPOSALS + "/-bad%20id")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertStatus(r, 400, "BadRequest");
                          assertThat(backend.received).isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  void proposalsAnswerOnlyJsonOrDiffs(VertxTestContext ctx) throws Exception {
    api.get(PROPOSALS)
        .putHeader("Accept", "text/html")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertStatus(r, 406, "NotAcceptable");
                          ctx.completeNow();
                        })));
  }

  @Test
  void aBodySentToMergeIsIgnoredAndTheConnectionServesTheNextRequest(
      Vertx vertx, VertxTestContext ctx) throws Exception {
    String body = "{\"comment\": \"ship it\"}";
    String requests =
        "POST "
            + PROPOSALS
            + "/"
            + open.id()
            + "/merge HTTP/1.1\r\n"
            + "Host: "
            + HOST
            + "\r\nContent-Type: application/json\r\n"
            + "Content-Length: "
            + body.length()
            + "\r\n\r\n"
            + body
            + "GET /healthz HTTP/1.1\r\nHost: "
            + HOST
            + "\r\n\r\n";
    Buffer received = Buffer.buffer();
    vertx
        .createNetClient()
        .connect(api.port(), HOST)
        .onComplete(
            ctx.succeeding(
                socket -> {
                  socket.handler(
                      chunk -> {
                        received.appendBuffer(chunk);
                        String answers = received.toString();
                        if (answers.endsWith("\r\n\r\nok")) {
                          ctx.verify(
                              () -> {
                                assertThat(answers).startsWith("HTTP/1.1 200 OK");
                                assertThat(answers).contains("\"state\":\"merged\"");
                                assertThat(answers.split("HTTP/1.1 200 OK")).hasSize(3);
                              });
                          socket.close();
                          ctx.completeNow();
                        }
                      });
                  socket.write(requests);
                }));
  }

  @Test
  void aReadAtTheTrackedBranchShowsTheOpenProposalsTouchingTheResource(VertxTestContext ctx)
      throws Exception {
    var checkpoint = ctx.checkpoint(2);
    JsonArray expected =
        new JsonArray()
            .add(
                new JsonObject()
                    .put("id", open.id())
                    .put("state", "open")
                    .put("action", "put")
                    .put("url", "http://" + HOST + ":" + api.port() + PROPOSALS + "/" + open.id()));
    api.get(WIDGETS + "/one")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          JsonObject resource = r.bodyAsJsonObject();
                          // the merged proposal touches it too, but is no longer pending
                          assertThat(resource.getJsonObject("status").getJsonArray("proposals"))
                              .isEqualTo(expected);
                          resource.remove("status");
                          assertThat(resource).isEqualTo(widget("one", 1));
                          checkpoint.flag();
                        })));
    api.get(WIDGETS)
        .putHeader("Accept", "application/json")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          JsonArray items = r.bodyAsJsonObject().getJsonArray("items");
                          assertThat(items.getJsonObject(0).getJsonObject("status"))
                              .isEqualTo(new JsonObject().put("proposals", expected));
                          assertThat(items.getJsonObject(1)).isEqualTo(widget("two", 2));
                          checkpoint.flag();
                        })));
  }

  @Test
  void aReadAtARevisionShowsTheResourceAsStored(VertxTestContext ctx) throws Exception {
    api.get(WIDGETS + "/one")
        .addQueryParam("revision", open.id())
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.bodyAsJsonObject()).isEqualTo(widget("one", 1));
                          assertThat(backend.requests(Addresses.PROPOSAL_LIST.name())).isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  void anApiStartedWithoutThePublisherStillServesReads(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    Future.all(
            backend.consumers.stream()
                .filter(c -> c.address().equals(Addresses.PROPOSAL_LIST.name()))
                .map(c -> c.unregister())
                .toList())
        .compose(v -> ApiFixture.deploy(vertx, config))
        .compose(second -> second.get(WIDGETS + "/one").send())
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(200);
                          assertThat(r.bodyAsJsonObject()).isEqualTo(widget("one", 1));
                          ctx.completeNow();
                        })));
  }

  @Test
  void proposalEventsKeepStatusProposalsCurrent(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    Proposal opened =
        new Proposal(
            "p900",
            ProposalState.OPEN,
            "local",
            "/apis/cup.flipt.io/v1alpha1/proposals/p900",
            "cup/proposal/p900",
            "base",
            "head",
            "feat: update test.cup.io/v1/Widget default/two",
            List.of(new ResourceRef("test.cup.io/v1", "Widget", "default", "two", "put")),
            "2026-01-01T00:00:00Z",
            "2026-01-01T00:00:00Z",
            null,
            null,
            null,
            null,
            null,
            null);
    Proposal closed =
        new Proposal(
            opened.id(),
            ProposalState.CLOSED,
            opened.source(),
            opened.url(),
            opened.branch(),
            opened.base(),
            opened.head(),
            opened.message(),
            opened.resources(),
            opened.createdAt(),
            "2026-01-01T00:01:00Z",
            null,
            null,
            null,
            null,
            null,
            null);
    vertx
        .eventBus()
        .publish(
            Addresses.EVENTS_PROPOSAL.name(),
            new ProposalEvent(ProposalEvent.Type.OPENED, opened).toJson());
    // the event loop handles the event before the request that follows it on the same bus
    api.get(WIDGETS + "/two")
        .send()
        .compose(
            r -> {
              ctx.verify(
                  () ->
                      assertThat(
                              r.bodyAsJsonObject()
                                  .getJsonObject("status")
                                  .getJsonArray("proposals")
                                  .getJsonObject(0)
                                  .getString("id"))
                          .isEqualTo("p900"));
              vertx
                  .eventBus()
                  .publish(
                      Addresses.EVENTS_PROPOSAL.name(),
                      new ProposalEvent(ProposalEvent.Type.CLOSED, closed).toJson());
              return api.get(WIDGETS + "/two").send();
            })
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.bodyAsJsonObject()).isEqualTo(widget("two", 2));
                          ctx.completeNow();
                        })));
  }

  @Test
  void whatIsReadCanBePutBackUnchanged(VertxTestContext ctx) throws Exception {
    api.get(WIDGETS + "/one")
        .send()
        .compose(
            read -> {
              ctx.verify(() -> assertThat(read.bodyAsJsonObject().containsKey("status")).isTrue());
              return api.put(WIDGETS + "/one").sendBuffer(read.body());
            })
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          // status.proposals is dropped: the stored state already holds
                          assertThat(r.statusCode()).isEqualTo(204);
                          ResourceRequest put =
                              ResourceRequest.fromJson(
                                  backend.requests(Addresses.CONTROLLER_PUT.name()).get(0));
                          assertThat(put.resource()).isEqualTo(widget("one", 1));
                          ctx.completeNow();
                        })));
  }
}
