package io.cup.api;

import static io.cup.api.ApiFixture.WIDGETS;
import static io.cup.api.ApiFixture.widget;
import static io.cup.testing.StatusAssert.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.cup.bus.Addresses;
import io.cup.bus.ResourceRequest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
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

/** Reads through the HTTP API: definitions, discovery, get, list, negotiation, routing errors. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class ApiReadTest {
  @TempDir Path dir;
  private final FakeBackend backend = new FakeBackend();
  private ApiFixture.Deployed api;

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    Path config = ApiFixture.writeConfiguration(dir);
    backend.store(widget("one", 1));
    backend.store(widget("two", 2));
    backend.store(
        widget("other", 3)
            .put(
                "metadata",
                widget("other", 3).getJsonObject("metadata").put("namespace", "staging")));
    api = ApiFixture.deploy(vertx, config, backend);
  }

  @Test
  void definitionsAreKeyedByGroupVersionPluralAsTheOriginal(VertxTestContext ctx) {
    api.get("/apis")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(200);
                          assertThat(r.getHeader("Content-Type")).isEqualTo("application/json");
                          JsonObject body = r.bodyAsJsonObject();
                          // every version of every definition, bound or not, maps to the definition
                          // as loaded; a bound one says in status.controller what serves it
                          assertThat(body.fieldNames())
                              .containsExactly("test.cup.io/v1/widgets", "test.cup.io/v2/widgets");
                          JsonObject expected = new JsonObject(ApiFixture.DEFINITION);
                          JsonObject v1 = body.getJsonObject("test.cup.io/v1/widgets");
                          assertThat(v1.getJsonObject("status").getJsonObject("controller"))
                              .isEqualTo(
                                  new JsonObject().put("name", "template").put("type", "template"));
                          v1.remove("status");
                          assertThat(v1).isEqualTo(expected);
                          assertThat(body.getJsonObject("test.cup.io/v2/widgets"))
                              .isEqualTo(expected);
                          ctx.completeNow();
                        })));
  }

  @Test
  void discoveryListsTheKindsServedInAGroupVersion(VertxTestContext ctx) {
    api.get("/apis/test.cup.io/v1")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(200);
                          JsonObject body = r.bodyAsJsonObject();
                          assertThat(body.getString("kind")).isEqualTo("APIResourceList");
                          assertThat(body.getString("groupVersion")).isEqualTo("test.cup.io/v1");
                          assertThat(body.getJsonArray("resources"))
                              .containsExactly(
                                  new JsonObject()
                                      .put("name", "widgets")
                                      .put("singularName", "widget")
                                      .put("namespaced", true)
                                      .put("kind", "Widget")
                                      .put(
                                          "verbs",
                                          new JsonArray(
                                              List.of(
                                                  "create", "delete", "get", "list", "patch",
                                                  "update", "watch"))));
                          ctx.completeNow();
                        })));
  }

  @Test
  void discoveryOfTheBuiltInGroupListsProposals(VertxTestContext ctx) {
    api.get("/apis/cup.flipt.io/v1alpha1")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(200);
                          JsonArray resources = r.bodyAsJsonObject().getJsonArray("resources");
                          assertThat(resources.getJsonObject(0).getString("name"))
                              .isEqualTo("proposals");
                          assertThat(resources.getJsonObject(0).getBoolean("namespaced")).isFalse();
                          ctx.completeNow();
                        })));
  }

  @Test
  void discoveryOfAnUnservedGroupVersionIsNotFound(VertxTestContext ctx) {
    // v2 is defined but not bound: it is listed by /apis but not served
    api.get("/apis/test.cup.io/v2")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertStatus(r, 404, "NotFound");
                          ctx.completeNow();
                        })));
  }

  @Test
  void getReturnsTheResourceAndPassesTheRevision(VertxTestContext ctx) {
    api.get(WIDGETS + "/one")
        .addQueryParam("revision", "feature-x")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(200);
                          assertThat(r.getHeader("Content-Type")).isEqualTo("application/json");
                          assertThat(r.bodyAsJsonObject()).isEqualTo(widget("one", 1));
                          ResourceRequest sent =
                              ResourceRequest.fromJson(
                                  backend.requests(Addresses.CONTROLLER_GET.name()).get(0));
                          assertThat(sent)
                              .isEqualTo(
                                  new ResourceRequest(
                                      "test.cup.io",
                                      "v1",
                                      "widgets",
                                      "default",
                                      "one",
                                      "feature-x",
                                      null,
                                      null));
                          ctx.completeNow();
                        })));
  }

  @Test
  void aMissingResourceIsA404StatusNeverA500(VertxTestContext ctx) {
    api.get(WIDGETS + "/nope")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          JsonObject status = assertStatus(r, 404, "NotFound");
                          assertThat(status.getString("message")).contains("\"nope\" not found");
                          ctx.completeNow();
                        })));
  }

  @Test
  void aResourceInAnotherNamespaceIsNotFound(VertxTestContext ctx) {
    api.get("/apis/test.cup.io/v1/namespaces/nowhere/widgets/one")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertStatus(r, 404, "NotFound");
                          ctx.completeNow();
                        })));
  }

  @Test
  void unknownKindGroupOrVersionIsNotFoundForEveryMethod(VertxTestContext ctx) {
    var checkpoint = ctx.checkpoint(4);
    for (String path :
        List.of(
            "/apis/test.cup.io/v1/namespaces/default/gadgets",
            "/apis/test.cup.io/v9/namespaces/default/widgets/one",
            "/apis/other.io/v1/namespaces/default/widgets/one")) {
      api.get(path)
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
    api.delete("/apis/test.cup.io/v1/namespaces/default/gadgets/one")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertStatus(r, 404, "NotFound");
                          assertThat(backend.received).isEmpty();
                          checkpoint.flag();
                        })));
  }

  @Test
  void listIsNewlineDelimitedJsonByDefault(VertxTestContext ctx) {
    api.get(WIDGETS)
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(200);
                          assertThat(r.getHeader("Content-Type")).isEqualTo("application/x-ndjson");
                          String[] lines = r.bodyAsString().split("\n");
                          assertThat(r.bodyAsString()).endsWith("\n");
                          assertThat(lines).hasSize(2);
                          assertThat(new JsonObject(lines[0])).isEqualTo(widget("one", 1));
                          assertThat(new JsonObject(lines[1])).isEqualTo(widget("two", 2));
                          ctx.completeNow();
                        })));
  }

  @Test
  void aListWithoutANamespaceSpansEveryNamespaceAndOnlyReads(VertxTestContext ctx) {
    String everywhere = "/apis/test.cup.io/v1/widgets";
    Checkpoint checkpoint = ctx.checkpoint(2);
    api.get(everywhere)
        .putHeader("Accept", "application/json")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(200);
                          assertThat(r.bodyAsJsonObject().getJsonArray("items")).hasSize(3);
                          ResourceRequest sent =
                              ResourceRequest.fromJson(
                                  backend.requests(Addresses.CONTROLLER_LIST.name()).get(0));
                          assertThat(sent.namespace()).isNull();
                          checkpoint.flag();
                        })));
    api.post(everywhere)
        .sendJsonObject(widget("three", 3))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(405);
                          assertThat(r.getHeader("Allow")).isEqualTo("GET");
                          checkpoint.flag();
                        })));
  }

  @Test
  void aKubernetesClientWithoutAcceptGetsAListObjectAndOthersNdjson(VertxTestContext ctx) {
    Checkpoint checkpoint = ctx.checkpoint(2);
    api.get(WIDGETS)
        .putHeader("User-Agent", "fabric8-kubernetes-client/7.9.0")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(200);
                          assertThat(r.getHeader("Content-Type")).isEqualTo("application/json");
                          assertThat(r.bodyAsJsonObject().getString("kind"))
                              .isEqualTo("WidgetList");
                          checkpoint.flag();
                        })));
    api.get(WIDGETS)
        .putHeader("User-Agent", "Go-http-client/1.1")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(200);
                          assertThat(r.getHeader("Content-Type")).isEqualTo("application/x-ndjson");
                          checkpoint.flag();
                        })));
  }

  @Test
  void aWatchOverWebSocketIs503SoKubernetesClientsStreamAGetInstead(VertxTestContext ctx) {
    api.get(WIDGETS)
        .addQueryParam("watch", "true")
        .putHeader("Upgrade", "websocket")
        .putHeader("Connection", "Upgrade")
        .putHeader("Sec-WebSocket-Version", "13")
        .putHeader("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertStatus(r, 503, "ServiceUnavailable");
                          assertThat(backend.requests(Addresses.CONTROLLER_LIST.name())).isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  void listIsAKubernetesListObjectWhenJsonIsAsked(VertxTestContext ctx) {
    api.get(WIDGETS)
        .putHeader("Accept", "application/json, */*")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(200);
                          assertThat(r.getHeader("Content-Type")).isEqualTo("application/json");
                          JsonObject list = r.bodyAsJsonObject();
                          assertThat(list.getString("apiVersion")).isEqualTo("test.cup.io/v1");
                          assertThat(list.getString("kind")).isEqualTo("WidgetList");
                          assertThat(list.getJsonObject("metadata"))
                              .isEqualTo(
                                  new JsonObject().put("resourceVersion", FakeBackend.COMMIT));
                          assertThat(list.getJsonArray("items"))
                              .containsExactly(widget("one", 1), widget("two", 2));
                          ctx.completeNow();
                        })));
  }

  @Test
  void listPagesWithLimitAndContinueAtTheSameCommit(VertxTestContext ctx) {
    api.get(WIDGETS)
        .putHeader("Accept", "application/json")
        .addQueryParam("limit", "1")
        .send()
        .compose(
            first -> {
              ctx.verify(
                  () -> {
                    JsonObject list = first.bodyAsJsonObject();
                    assertThat(list.getJsonArray("items")).containsExactly(widget("one", 1));
                    assertThat(list.getJsonObject("metadata").getInteger("remainingItemCount"))
                        .isEqualTo(1);
                  });
              String token =
                  first.bodyAsJsonObject().getJsonObject("metadata").getString("continue");
              return api.get(WIDGETS)
                  .putHeader("Accept", "application/json")
                  .addQueryParam("limit", "1")
                  .addQueryParam("continue", token)
                  .send();
            })
        .onComplete(
            ctx.succeeding(
                second ->
                    ctx.verify(
                        () -> {
                          JsonObject list = second.bodyAsJsonObject();
                          assertThat(list.getJsonArray("items")).containsExactly(widget("two", 2));
                          assertThat(list.getJsonObject("metadata").containsKey("continue"))
                              .isFalse();
                          List<JsonObject> sent =
                              backend.requests(Addresses.CONTROLLER_LIST.name());
                          assertThat(sent.get(0).getString("revision")).isNull();
                          assertThat(sent.get(1).getString("revision"))
                              .isEqualTo(FakeBackend.COMMIT);
                          ctx.completeNow();
                        })));
  }

  @Test
  void ndjsonPagesCarryTheContinueTokenInAHeader(VertxTestContext ctx) {
    api.get(WIDGETS)
        .addQueryParam("limit", "1")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.bodyAsString().split("\n")).hasSize(1);
                          assertThat(r.getHeader("Cup-Continue")).isNotBlank();
                          ctx.completeNow();
                        })));
  }

  @Test
  void badPagingParametersAreBadRequests(VertxTestContext ctx) {
    var checkpoint = ctx.checkpoint(2);
    api.get(WIDGETS)
        .addQueryParam("limit", "-1")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertStatus(r, 400, "BadRequest");
                          checkpoint.flag();
                        })));
    api.get(WIDGETS)
        .addQueryParam("continue", "not a token")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertStatus(r, 400, "BadRequest");
                          checkpoint.flag();
                        })));
  }

  @Test
  void listPassesAValidLabelSelectorAndTheRevision(VertxTestContext ctx) {
    api.get(WIDGETS)
        .addQueryParam("labelSelector", "app=demo,tier in (web,api)")
        .addQueryParam("revision", "v1.2.0")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(200);
                          ResourceRequest sent =
                              ResourceRequest.fromJson(
                                  backend.requests(Addresses.CONTROLLER_LIST.name()).get(0));
                          assertThat(sent)
                              .isEqualTo(
                                  new ResourceRequest(
                                      "test.cup.io",
                                      "v1",
                                      "widgets",
                                      "default",
                                      null,
                                      "v1.2.0",
                                      "app=demo,tier in (web,api)",
                                      null));
                          ctx.completeNow();
                        })));
  }

  @Test
  void aFieldSelectorOnNameOrNamespaceFiltersTheListAndOtherFieldsAre400(VertxTestContext ctx) {
    var checkpoint = ctx.checkpoint(3);
    api.get(WIDGETS)
        .addQueryParam("fieldSelector", "metadata.name=two")
        .putHeader("Accept", "application/json")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(names(r.bodyAsJsonObject())).containsExactly("two");
                          checkpoint.flag();
                        })));
    api.get(WIDGETS)
        .addQueryParam("fieldSelector", "metadata.name!=two,metadata.namespace==default")
        .putHeader("Accept", "application/json")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(names(r.bodyAsJsonObject())).containsExactly("one");
                          checkpoint.flag();
                        })));
    api.get(WIDGETS)
        .addQueryParam("fieldSelector", "spec.replicas=1")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertStatus(r, 400, "BadRequest");
                          checkpoint.flag();
                        })));
  }

  private static List<String> names(JsonObject list) {
    return list.getJsonArray("items").stream()
        .map(o -> ((JsonObject) o).getJsonObject("metadata").getString("name"))
        .toList();
  }

  @Test
  void aMalformedLabelSelectorIsABadRequestAndReachesNoWorker(VertxTestContext ctx) {
    api.get(WIDGETS)
        .addQueryParam("labelSelector", "app in (web")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertStatus(r, 400, "BadRequest");
                          assertThat(backend.requests(Addresses.CONTROLLER_LIST.name())).isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  void aWatchValueThatIsNoBooleanIsRefusedRatherThanIgnored(VertxTestContext ctx) {
    api.get(WIDGETS)
        .addQueryParam("watch", "maybe")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertStatus(r, 400, "BadRequest");
                          ctx.completeNow();
                        })));
  }

  @Test
  void anAcceptHeaderAllowingNeitherJsonNorNdjsonIsNotAcceptable(VertxTestContext ctx) {
    var checkpoint = ctx.checkpoint(3);
    for (String path : List.of(WIDGETS, WIDGETS + "/one", "/apis")) {
      api.get(path)
          .putHeader("Accept", "text/html, application/xml;q=0.9, application/json;q=0")
          .send()
          .onComplete(
              ctx.succeeding(
                  r ->
                      ctx.verify(
                          () -> {
                            assertStatus(r, 406, "NotAcceptable");
                            checkpoint.flag();
                          })));
    }
  }

  @Test
  void aWrongMethodOnAKnownPathIs405WithAllow(VertxTestContext ctx) {
    var checkpoint = ctx.checkpoint(3);
    api.post(WIDGETS + "/one")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertStatus(r, 405, "MethodNotAllowed");
                          assertThat(r.getHeader("Allow")).isEqualTo("GET, PUT, PATCH, DELETE");
                          checkpoint.flag();
                        })));
    api.delete(WIDGETS)
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertStatus(r, 405, "MethodNotAllowed");
                          assertThat(r.getHeader("Allow")).isEqualTo("GET, POST");
                          checkpoint.flag();
                        })));
    api.get("/apis/cup.flipt.io/v1alpha1/proposals/p1/merge")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertStatus(r, 405, "MethodNotAllowed");
                          assertThat(r.getHeader("Allow")).isEqualTo("POST");
                          checkpoint.flag();
                        })));
  }

  @Test
  void anUnknownPathIsA404Status(VertxTestContext ctx) {
    var checkpoint = ctx.checkpoint(2);
    for (String path : List.of("/nothing/here", "/apis/test.cup.io/v1/namespaces/default")) {
      api.get(path)
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
  }

  @Test
  void hostileNamesInThePathAreBadRequestsForEveryMethod(VertxTestContext ctx) {
    List<String> paths =
        List.of(
            WIDGETS + "/A_B",
            WIDGETS + "/a%2Fb",
            WIDGETS + "/..%2F..%2Fetc",
            WIDGETS + "/-leading",
            WIDGETS + "/" + "a".repeat(254),
            "/apis/test.cup.io/v1/namespaces/Default/widgets/one",
            "/apis/test.cup.io/v1/namespaces/%2E%2E%2F%2E%2E/widgets");
    var checkpoint = ctx.checkpoint(paths.size() + 2);
    for (String path : paths) {
      api.get(path)
          .send()
          .onComplete(
              ctx.succeeding(
                  r ->
                      ctx.verify(
                          () -> {
                            assertStatus(r, 400, "BadRequest");
                            checkpoint.flag();
                          })));
    }
    api.delete(WIDGETS + "/A_B")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertStatus(r, 400, "BadRequest");
                          checkpoint.flag();
                        })));
    api.put(WIDGETS + "/a%2Fb")
        .putHeader("Content-Type", "text/plain")
        .sendBuffer(Buffer.buffer("x"))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          // the path is checked before the media type or the body
                          assertStatus(r, 400, "BadRequest");
                          assertThat(backend.received).isEmpty();
                          checkpoint.flag();
                        })));
  }

  @Test
  void dotSegmentsNeverReachAResource(VertxTestContext ctx) {
    // Vert.x removes dot segments before routing: what is left is no resource path
    api.get(WIDGETS + "/../../../../../../healthz")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(backend.received).isEmpty();
                          assertThat(r.statusCode()).isIn(200, 400, 404);
                          ctx.completeNow();
                        })));
  }

  @Test
  void aLocalDirectoryHasNoHistory(Vertx vertx) throws Exception {
    ApiFixture.Deployed local =
        ApiFixture.deploy(
                vertx,
                dir,
                new JsonObject().put("source", "local").put("localPath", dir.toString()),
                new JsonObject())
            .await(1, TimeUnit.MINUTES);

    var answer =
        local
            .get(WIDGETS + "/one/history")
            .putHeader("Accept", "application/json")
            .send()
            .await(1, TimeUnit.MINUTES);

    assertThat(answer.statusCode()).isEqualTo(404);
    assertThat(answer.bodyAsJsonObject().getString("kind")).isEqualTo("Status");
    assertThat(answer.bodyAsJsonObject().getString("message"))
        .contains("a local directory source has no history");
  }
}
