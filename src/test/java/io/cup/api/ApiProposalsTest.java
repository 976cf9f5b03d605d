package io.cup.api;

import static io.cup.api.ApiFixture.HOST;
import static io.cup.api.StatusAssert.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.cup.bus.Proposal;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
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

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) throws Exception {
    Path config = ApiFixture.writeConfiguration(dir);
    open = backend.addProposal("open", DIFF);
    merged = backend.addProposal("merged", "");
    backend
        .register(vertx)
        .compose(v -> ApiFixture.deploy(vertx, config))
        .onComplete(ctx.succeeding(d -> {
          api = d;
          ctx.completeNow();
        }));
  }

  @Test
  void listIsAProposalListOfKubernetesStyleObjects(VertxTestContext ctx) {
    api.get(PROPOSALS)
        .send()
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(200);
          JsonObject list = r.bodyAsJsonObject();
          assertThat(list.getString("apiVersion")).isEqualTo("cup.flipt.io/v1alpha1");
          assertThat(list.getString("kind")).isEqualTo("ProposalList");
          JsonArray items = list.getJsonArray("items");
          assertThat(items).hasSize(2);
          JsonObject first = items.getJsonObject(0);
          String url = "http://" + HOST + ":" + api.port() + PROPOSALS + "/" + open.id();
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
                                  new JsonArray().add(open.resources().get(0).toJson())))
                      .put(
                          "status",
                          new JsonObject()
                              .put("state", "open")
                              .put("head", open.head())
                              .put("url", url)
                              .put("updatedAt", "2025-01-02T03:04:05Z")));
          assertThat(items.getJsonObject(1).getJsonObject("status").getString("state"))
              .isEqualTo("merged");
          ctx.completeNow();
        })));
  }

  @Test
  void getCarriesTheDiff(VertxTestContext ctx) {
    api.get(PROPOSALS + "/" + open.id())
        .send()
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(200);
          JsonObject proposal = r.bodyAsJsonObject();
          assertThat(proposal.getJsonObject("metadata").getString("name")).isEqualTo(open.id());
          assertThat(proposal.getJsonObject("status").getString("diff")).isEqualTo(DIFF);
          ctx.completeNow();
        })));
  }

  @Test
  void getAsADiffIsTheRawUnifiedDiff(VertxTestContext ctx) {
    var checkpoint = ctx.checkpoint(2);
    api.get(PROPOSALS + "/" + open.id())
        .putHeader("Accept", "text/x-diff")
        .send()
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.getHeader("Content-Type")).isEqualTo("text/x-diff; charset=utf-8");
          assertThat(r.bodyAsString()).isEqualTo(DIFF);
          checkpoint.flag();
        })));
    api.get(PROPOSALS + "/" + open.id())
        .putHeader("Accept", "text/plain")
        .send()
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.getHeader("Content-Type")).isEqualTo("text/plain; charset=utf-8");
          assertThat(r.bodyAsString()).isEqualTo(DIFF);
          checkpoint.flag();
        })));
  }

  @Test
  void mergeAndCloseAnswerWithTheProposalInItsNewState(VertxTestContext ctx) {
    Proposal other = backend.addProposal("open", null);
    var checkpoint = ctx.checkpoint(2);
    api.post(PROPOSALS + "/" + open.id() + "/merge")
        .send()
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(200);
          JsonObject status = r.bodyAsJsonObject().getJsonObject("status");
          assertThat(status.getString("state")).isEqualTo("merged");
          assertThat(status.getString("mergeCommit")).isEqualTo("feedface" + open.id());
          checkpoint.flag();
        })));
    api.post(PROPOSALS + "/" + other.id() + "/close")
        .send()
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.bodyAsJsonObject().getJsonObject("status").getString("state"))
              .isEqualTo("closed");
          checkpoint.flag();
        })));
  }

  @Test
  void thePublishersRefusalsKeepTheirCodes(VertxTestContext ctx) {
    var checkpoint = ctx.checkpoint(2);
    api.post(PROPOSALS + "/" + merged.id() + "/merge")
        .send()
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertStatus(r, 409, "Conflict");
          checkpoint.flag();
        })));
    api.get(PROPOSALS + "/unknown")
        .send()
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertStatus(r, 404, "NotFound");
          checkpoint.flag();
        })));
  }

  @Test
  void aMalformedIdIsABadRequest(VertxTestContext ctx) {
    api.get(PROPOSALS + "/-bad%20id")
        .send()
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertStatus(r, 400, "BadRequest");
          assertThat(backend.received).isEmpty();
          ctx.completeNow();
        })));
  }

  @Test
  void proposalsAnswerOnlyJsonOrDiffs(VertxTestContext ctx) {
    api.get(PROPOSALS)
        .putHeader("Accept", "text/html")
        .send()
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertStatus(r, 406, "NotAcceptable");
          ctx.completeNow();
        })));
  }
}
