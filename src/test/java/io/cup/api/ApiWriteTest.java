package io.cup.api;

import static io.cup.api.ApiFixture.HOST;
import static io.cup.api.ApiFixture.WIDGETS;
import static io.cup.api.ApiFixture.widget;
import static io.cup.testing.StatusAssert.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.cup.bus.Addresses;
import io.cup.bus.ProposalRequest;
import io.cup.bus.ResourceRequest;
import io.cup.status.StatusException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.ext.web.client.HttpResponse;
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

/** Writes through the HTTP API: validation order, every refusal, and the proposal answers. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class ApiWriteTest {
  @TempDir Path dir;
  private final FakeBackend backend = new FakeBackend();
  private Path config;
  private ApiFixture.Deployed api;

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    config = ApiFixture.writeConfiguration(dir);
    backend.store(widget("one", 1));
    api = ApiFixture.deploy(vertx, config, backend);
  }

  @Test
  void putOfAChangedResourceIsProposedAnd202(VertxTestContext ctx) throws Exception {
    api.put(WIDGETS + "/one")
        .sendJsonObject(widget("one", 5))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(202);
                          assertThat(r.getHeader("Content-Type")).isEqualTo("application/json");
                          JsonObject body = r.bodyAsJsonObject();
                          String id = body.getString("id");
                          assertThat(body)
                              .isEqualTo(
                                  new JsonObject()
                                      .put("id", id)
                                      .put("empty", false)
                                      .put(
                                          "proposal",
                                          new JsonObject()
                                              .put("source", "local")
                                              .put(
                                                  "url",
                                                  "http://"
                                                      + HOST
                                                      + ":"
                                                      + api.port()
                                                      + "/apis/cup.flipt.io/v1alpha1/proposals/"
                                                      + id)
                                              .put("state", "open")
                                              .put("branch", "cup/proposal/" + id)));
                          // the worker got the validated resource, the publisher its change set
                          ResourceRequest put =
                              ResourceRequest.fromJson(
                                  backend.requests(Addresses.CONTROLLER_PUT.name()).get(0));
                          assertThat(put.resource()).isEqualTo(widget("one", 5));
                          assertThat(put.revision()).isNull();
                          ProposalRequest proposed =
                              ProposalRequest.fromJson(
                                  backend.requests(Addresses.PROPOSAL_CREATE.name()).get(0));
                          assertThat(proposed.changes().changes()).hasSize(1);
                          assertThat(proposed.message()).isEqualTo("feat: update default/one");
                          assertThat(proposed.resources())
                              .extracting(ref -> ref.name())
                              .containsExactly("one");
                          ctx.completeNow();
                        })));
  }

  @Test
  void putOfTheStoredStateIs204AndProposesNothing(VertxTestContext ctx) throws Exception {
    api.put(WIDGETS + "/one")
        .sendJsonObject(widget("one", 1))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(204);
                          assertThat(r.body()).isNull();
                          assertThat(backend.requests(Addresses.CONTROLLER_PUT.name())).hasSize(1);
                          assertThat(backend.requests(Addresses.PROPOSAL_CREATE.name())).isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  void putWithoutContentTypeIsTakenAsJsonLikeTheOriginalClient(VertxTestContext ctx)
      throws Exception {
    api.put(WIDGETS + "/two")
        .sendBuffer(Buffer.buffer(widget("two", 2).encode()))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(202);
                          ctx.completeNow();
                        })));
  }

  @Test
  void aMissingNamespaceInTheBodyIsTheNamespaceOfThePath(VertxTestContext ctx) throws Exception {
    JsonObject body = widget("two", 2);
    body.getJsonObject("metadata").remove("namespace");
    api.put(WIDGETS + "/two")
        .sendJsonObject(body)
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(202);
                          ResourceRequest put =
                              ResourceRequest.fromJson(
                                  backend.requests(Addresses.CONTROLLER_PUT.name()).get(0));
                          assertThat(put.resource()).isEqualTo(widget("two", 2));
                          ctx.completeNow();
                        })));
  }

  @Test
  void aBodyThatIsNotJsonIsUnsupportedMediaType(VertxTestContext ctx) throws Exception {
    api.put(WIDGETS + "/one")
        .putHeader("Content-Type", "text/plain")
        .sendBuffer(Buffer.buffer(widget("one", 5).encode()))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertStatus(r, 415, "UnsupportedMediaType");
                          assertThat(backend.received).isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  void jsonMediaTypesWithSuffixOrCharsetAreAccepted(VertxTestContext ctx) throws Exception {
    api.put(WIDGETS + "/two")
        .putHeader("Content-Type", "application/vnd.cup+json; charset=UTF-8")
        .sendBuffer(Buffer.buffer(widget("two", 2).encode()))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(202);
                          ctx.completeNow();
                        })));
  }

  @Test
  void malformedJsonIsABadRequestWithThePosition(VertxTestContext ctx) throws Exception {
    api.put(WIDGETS + "/one")
        .putHeader("Content-Type", "application/json")
        .sendBuffer(
            Buffer.buffer("{\n  \"apiVersion\": \"test.cup.io/v1\",\n  \"kind\": Widget\n}"))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          JsonObject status = assertStatus(r, 400, "BadRequest");
                          assertThat(status.getString("message"))
                              .startsWith("the request body is not valid JSON at line 3, column");
                          assertThat(backend.received).isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  void bodiesThatAreNotOneJsonObjectAreBadRequests(VertxTestContext ctx) throws Exception {
    List<String> bodies =
        List.of(
            "",
            "[1, 2]",
            "\"text\"",
            widget("one", 5).encode() + " {}",
            "{\"apiVersion\": \"a/b\", \"apiVersion\": \"test.cup.io/v1\"}");
    var checkpoint = ctx.checkpoint(bodies.size());
    for (String body : bodies) {
      api.put(WIDGETS + "/one")
          .putHeader("Content-Type", "application/json")
          .sendBuffer(Buffer.buffer(body))
          .onComplete(
              ctx.succeeding(
                  r ->
                      ctx.verify(
                          () -> {
                            assertStatus(r, 400, "BadRequest");
                            checkpoint.flag();
                          })));
    }
  }

  @Test
  void identifyingFieldsMustMatchThePath(VertxTestContext ctx) throws Exception {
    JsonObject wrongName = widget("other", 1);
    JsonObject wrongNamespace = widget("one", 1);
    wrongNamespace.getJsonObject("metadata").put("namespace", "staging");
    JsonObject wrongKind = widget("one", 1).put("kind", "Gadget");
    JsonObject wrongVersion = widget("one", 1).put("apiVersion", "test.cup.io/v2");
    JsonObject noMetadata = widget("one", 1);
    noMetadata.remove("metadata");
    JsonObject noName = widget("one", 1);
    noName.getJsonObject("metadata").remove("name");
    List<JsonObject> bodies =
        List.of(wrongName, wrongNamespace, wrongKind, wrongVersion, noMetadata, noName);
    var checkpoint = ctx.checkpoint(bodies.size());
    for (JsonObject body : bodies) {
      api.put(WIDGETS + "/one")
          .sendJsonObject(body)
          .onComplete(
              ctx.succeeding(
                  r ->
                      ctx.verify(
                          () -> {
                            assertStatus(r, 400, "BadRequest");
                            assertThat(backend.requests(Addresses.CONTROLLER_PUT.name())).isEmpty();
                            checkpoint.flag();
                          })));
    }
  }

  @Test
  void aSchemaViolationIs422WithOneCausePerField(VertxTestContext ctx) throws Exception {
    JsonObject body = widget("one", 1);
    body.put(
        "spec",
        new JsonObject()
            .put("replicas", "three")
            .put("mode", "turbo")
            .put("tags", new JsonArray().add("ok").add(7))
            .put("colour", "red"));
    api.put(WIDGETS + "/one")
        .sendJsonObject(body)
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          JsonObject status = assertStatus(r, 422, "Invalid");
                          assertThat(status.getString("message"))
                              .startsWith("Widget.test.cup.io \"one\" is invalid: ");
                          JsonObject details = status.getJsonObject("details");
                          assertThat(details.getString("name")).isEqualTo("one");
                          assertThat(details.getString("kind")).isEqualTo("Widget");
                          JsonArray causes = details.getJsonArray("causes");
                          assertThat(causes.stream().map(c -> ((JsonObject) c).getString("field")))
                              .containsExactly(
                                  "spec.colour", "spec.mode", "spec.replicas", "spec.tags[1]");
                          assertThat(cause(causes, "spec.replicas").getString("reason"))
                              .isEqualTo("FieldValueTypeInvalid");
                          assertThat(cause(causes, "spec.replicas").getString("message"))
                              .isEqualTo("string found, integer expected");
                          assertThat(cause(causes, "spec.mode").getString("reason"))
                              .isEqualTo("FieldValueNotSupported");
                          assertThat(cause(causes, "spec.colour").getString("reason"))
                              .isEqualTo("FieldValueForbidden");
                          assertThat(backend.requests(Addresses.CONTROLLER_PUT.name())).isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  void aMissingRequiredFieldIsNamedInTheCause(VertxTestContext ctx) throws Exception {
    JsonObject body = widget("one", 1).put("spec", new JsonObject());
    api.put(WIDGETS + "/one")
        .sendJsonObject(body)
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          JsonObject status = assertStatus(r, 422, "Invalid");
                          JsonObject cause =
                              status
                                  .getJsonObject("details")
                                  .getJsonArray("causes")
                                  .getJsonObject(0);
                          assertThat(cause.getString("field")).isEqualTo("spec.replicas");
                          assertThat(cause.getString("reason")).isEqualTo("FieldValueRequired");
                          ctx.completeNow();
                        })));
  }

  @Test
  void aLargeBodyIsValidatedOffTheEventLoop(VertxTestContext ctx) throws Exception {
    // over the inline threshold, under the 10 MiB default limit
    JsonObject body = widget("big", 1);
    body.getJsonObject("spec").put("notes", "x".repeat(ResourceWrites.INLINE_VALIDATION_BYTES + 1));
    JsonObject invalid = body.copy();
    invalid.getJsonObject("spec").put("replicas", -1);
    api.put(WIDGETS + "/big")
        .sendJsonObject(body)
        .compose(
            ok -> {
              ctx.verify(() -> assertThat(ok.statusCode()).isEqualTo(202));
              return api.put(WIDGETS + "/big").sendJsonObject(invalid);
            })
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          JsonObject status = assertStatus(r, 422, "Invalid");
                          assertThat(
                                  status
                                      .getJsonObject("details")
                                      .getJsonArray("causes")
                                      .getJsonObject(0)
                                      .getString("field"))
                              .isEqualTo("spec.replicas");
                          ctx.completeNow();
                        })));
  }

  @Test
  void aContentLengthOverTheLimitIs413BeforeTheBodyIsSent(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    NetClient net = vertx.createNetClient();
    long length = 11L * 1024 * 1024;
    Buffer received = Buffer.buffer();
    net.connect(api.port(), HOST)
        .onComplete(
            ctx.succeeding(
                socket -> {
                  socket.handler(received::appendBuffer);
                  socket.closeHandler(
                      v ->
                          ctx.verify(
                              () -> {
                                // answered and closed although not one byte of the body was sent
                                String answer = received.toString();
                                assertThat(answer).startsWith("HTTP/1.1 413 ");
                                assertThat(answer).contains("\"reason\":\"RequestEntityTooLarge\"");
                                assertThat(answer).containsIgnoringCase("connection: close");
                                assertThat(backend.received).isEmpty();
                                ctx.completeNow();
                              }));
                  socket.write(
                      "PUT "
                          + WIDGETS
                          + "/one HTTP/1.1\r\n"
                          + "Host: "
                          + HOST
                          + "\r\n"
                          + "Content-Type: application/json\r\n"
                          + "Content-Length: "
                          + length
                          + "\r\n\r\n");
                }));
  }

  @Test
  void aStreamedBodyOverTheLimitIs413(Vertx vertx, VertxTestContext ctx) throws Exception {
    ApiFixture.deploy(vertx, config, new JsonObject().put("maxBodyBytes", 1024), new JsonObject())
        .compose(
            small -> {
              HttpClient client = vertx.createHttpClient(new HttpClientOptions());
              return client
                  .request(
                      new RequestOptions()
                          .setMethod(HttpMethod.PUT)
                          .setHost(HOST)
                          .setPort(small.port())
                          .setURI(WIDGETS + "/one")
                          .putHeader("Content-Type", "application/json"))
                  .compose(
                      request -> {
                        request.setChunked(true);
                        // no Content-Length: only counting the streamed bytes can stop it
                        for (int i = 0; i < 8; i++) {
                          request.write("{\"padding\": \"" + "x".repeat(500) + "\"}");
                        }
                        request.end();
                        return request.response();
                      })
                  .compose(
                      response ->
                          response
                              .body()
                              .map(
                                  body ->
                                      Future.succeededFuture(
                                          new Object[] {response.statusCode(), body})))
                  .map(Future::result);
            })
        .onComplete(
            ctx.succeeding(
                result ->
                    ctx.verify(
                        () -> {
                          Object[] answer = (Object[]) result;
                          assertThat(answer[0]).isEqualTo(413);
                          JsonObject status = ((Buffer) answer[1]).toJsonObject();
                          assertThat(status.getString("reason")).isEqualTo("RequestEntityTooLarge");
                          assertThat(status.getString("message")).contains("1024 bytes");
                          assertThat(backend.received).isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  void dryRunAnswersTheResourceWithTheDiffAndProposesNothing(VertxTestContext ctx)
      throws Exception {
    api.put(WIDGETS + "/one")
        .addQueryParam("dryRun", "All")
        .sendJsonObject(widget("one", 5))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(200);
                          JsonObject body = r.bodyAsJsonObject();
                          assertThat(body.getJsonObject("spec"))
                              .isEqualTo(widget("one", 5).getJsonObject("spec"));
                          assertThat(
                                  body.getJsonObject("metadata")
                                      .getJsonObject("annotations")
                                      .getString("cup.flipt.io/dry-run-diff"))
                              .isEqualTo("changed default/test.cup.io-one.json\n");
                          assertThat(
                                  ResourceRequest.fromJson(
                                          backend.requests(Addresses.CONTROLLER_PUT.name()).get(0))
                                      .dryRun())
                              .isTrue();
                          assertThat(backend.requests(Addresses.PROPOSAL_CREATE.name())).isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  void dryRunAnswersOnlyTheDiffAsTextWhenAsked(VertxTestContext ctx) throws Exception {
    api.put(WIDGETS + "/one")
        .addQueryParam("dryRun", "All")
        .putHeader("Accept", "text/x-diff")
        .sendJsonObject(widget("one", 5))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(200);
                          assertThat(r.getHeader("Content-Type")).startsWith("text/x-diff");
                          assertThat(r.bodyAsString())
                              .isEqualTo("changed default/test.cup.io-one.json\n");
                          assertThat(backend.requests(Addresses.PROPOSAL_CREATE.name())).isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  void anUnknownDryRunValueIsRefusedNotIgnored(VertxTestContext ctx) throws Exception {
    api.delete(WIDGETS + "/one")
        .addQueryParam("dryRun", "true")
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
  void deleteIsProposedAnd202(VertxTestContext ctx) throws Exception {
    api.delete(WIDGETS + "/one")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(202);
                          JsonObject body = r.bodyAsJsonObject();
                          assertThat(body.getBoolean("empty")).isFalse();
                          assertThat(body.getJsonObject("proposal").getString("source"))
                              .isEqualTo("local");
                          ProposalRequest proposed =
                              ProposalRequest.fromJson(
                                  backend.requests(Addresses.PROPOSAL_CREATE.name()).get(0));
                          assertThat(proposed.changes().changes().get(0).isDelete()).isTrue();
                          assertThat(proposed.resources().get(0).action()).isEqualTo("delete");
                          ctx.completeNow();
                        })));
  }

  @Test
  void deleteOfAMissingResourceIs404(VertxTestContext ctx) throws Exception {
    api.delete(WIDGETS + "/nope")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertStatus(r, 404, "NotFound");
                          assertThat(backend.requests(Addresses.PROPOSAL_CREATE.name())).isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  void aWriteToALocalDirectoryAnswersAsTheOriginalLocalSource(VertxTestContext ctx)
      throws Exception {
    backend.source = "directory";
    api.put(WIDGETS + "/one")
        .sendJsonObject(widget("one", 9))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(202);
                          JsonObject body = r.bodyAsJsonObject();
                          assertThat(body.getBoolean("empty")).isFalse();
                          assertThat(body.containsKey("proposal")).isTrue();
                          assertThat(body.getValue("proposal")).isNull();
                          ctx.completeNow();
                        })));
  }

  @Test
  void aControllerThatIsNotRunningIs503(Vertx vertx, VertxTestContext ctx) throws Exception {
    Future.all(backend.consumers.stream().map(c -> c.unregister()).toList())
        .compose(v -> api.get(WIDGETS + "/one").send())
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertStatus(r, 503, "ServiceUnavailable");
                          ctx.completeNow();
                        })));
  }

  @Test
  void aControllerThatDoesNotAnswerInTimeIs504(Vertx vertx, VertxTestContext ctx) throws Exception {
    backend.holdPut = message -> {}; // never answered
    ApiFixture.deploy(
            vertx, config, new JsonObject(), new JsonObject().put("controllerTimeoutMillis", 200))
        .compose(quick -> quick.put(WIDGETS + "/one").sendJsonObject(widget("one", 5)))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertStatus(r, 504, "Timeout");
                          ctx.completeNow();
                        })));
  }

  @Test
  void aFullControllerQueueIs503WithRetryAfterAndFreesUpAgain(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    List<io.vertx.core.eventbus.Message<JsonObject>> held = new java.util.ArrayList<>();
    backend.holdPut = held::add;
    ApiFixture.deploy(vertx, config, new JsonObject(), new JsonObject().put("controllerQueue", 1))
        .onComplete(
            ctx.succeeding(
                small -> {
                  // the first write waits at the (held) controller worker
                  Future<HttpResponse<Buffer>> waiting =
                      small.put(WIDGETS + "/one").sendJsonObject(widget("one", 5));
                  vertx.setPeriodic(
                      10,
                      timer -> {
                        if (held.isEmpty()) {
                          return;
                        }
                        vertx.cancelTimer(timer);
                        small
                            .put(WIDGETS + "/one")
                            .sendJsonObject(widget("one", 6))
                            .onComplete(
                                ctx.succeeding(
                                    busy -> {
                                      ctx.verify(
                                          () -> {
                                            assertStatus(busy, 503, "ServiceUnavailable");
                                            assertThat(busy.getHeader("Retry-After"))
                                                .isEqualTo("1");
                                          });
                                      // answer the held one: the queue has room again
                                      held.get(0)
                                          .reply(
                                              backend
                                                  .putChanges(
                                                      ResourceRequest.fromJson(held.get(0).body()))
                                                  .toJson());
                                      waiting.onComplete(
                                          ctx.succeeding(
                                              first ->
                                                  ctx.verify(
                                                      () -> {
                                                        assertThat(first.statusCode())
                                                            .isEqualTo(202);
                                                        ctx.completeNow();
                                                      })));
                                    }));
                      });
                }));
  }

  @Test
  void writesFillingTheirQueueLeaveReadsTheirOwn(Vertx vertx) throws Exception {
    List<io.vertx.core.eventbus.Message<JsonObject>> held = new java.util.ArrayList<>();
    backend.holdPut = held::add;
    backend.store(widget("one", 3));
    ApiFixture.Deployed small =
        ApiFixture.deploy(
                vertx,
                config,
                new JsonObject(),
                new JsonObject().put("controllerQueue", 1).put("controllerWriteQueue", 1))
            .await(2, TimeUnit.MINUTES);
    // the one write allowed waits at the (held) controller worker
    Future<HttpResponse<Buffer>> waiting =
        small.put(WIDGETS + "/one").sendJsonObject(widget("one", 5));
    Promise<Void> arrived = Promise.promise();
    vertx.setPeriodic(
        10,
        timer -> {
          if (!held.isEmpty()) {
            vertx.cancelTimer(timer);
            arrived.complete();
          }
        });
    arrived.future().await(2, TimeUnit.MINUTES);

    HttpResponse<Buffer> busy =
        small.put(WIDGETS + "/one").sendJsonObject(widget("one", 6)).await(2, TimeUnit.MINUTES);
    assertStatus(busy, 503, "ServiceUnavailable");
    assertThat(busy.bodyAsJsonObject().getString("message")).contains("writes waiting");
    // reads have a queue of their own
    assertThat(small.get(WIDGETS + "/one").send().await(2, TimeUnit.MINUTES).statusCode())
        .isEqualTo(200);
    assertThat(waiting.isComplete()).isFalse();

    held.get(0).reply(backend.putChanges(ResourceRequest.fromJson(held.get(0).body())).toJson());
    assertThat(waiting.await(2, TimeUnit.MINUTES).statusCode()).isEqualTo(202);
  }

  @Test
  void aStatusFromTheBusKeepsItsCode(VertxTestContext ctx) throws Exception {
    backend.holdPut =
        message -> StatusException.reply(message, StatusException.badGateway("push failed", null));
    api.put(WIDGETS + "/one")
        .sendJsonObject(widget("one", 5))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          JsonObject status = assertStatus(r, 502, "BadGateway");
                          assertThat(status.getString("message")).isEqualTo("push failed");
                          ctx.completeNow();
                        })));
  }

  @Test
  void anUnexpectedFailureIs500WithoutItsText(VertxTestContext ctx) throws Exception {
    // a reply that breaks the contract makes the API fail inside its own code
    backend.holdPut = message -> message.reply(new JsonObject().put("changeSet", "SECRET-ish"));
    api.put(WIDGETS + "/one")
        .sendJsonObject(widget("one", 5))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          JsonObject status = assertStatus(r, 500, "InternalError");
                          assertThat(status.getString("message")).isEqualTo("internal error");
                          assertThat(r.bodyAsString())
                              .doesNotContain("SECRET")
                              .doesNotContain("Exception");
                          ctx.completeNow();
                        })));
  }

  private static JsonObject cause(JsonArray causes, String field) {
    return causes.stream()
        .map(JsonObject.class::cast)
        .filter(c -> c.getString("field").equals(field))
        .findFirst()
        .orElseThrow();
  }
}
