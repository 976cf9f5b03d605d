package io.cup.api;

import static io.cup.api.ApiFixture.HOST;
import static io.cup.api.ApiFixture.WIDGETS;
import static io.cup.api.ApiFixture.widget;
import static io.cup.testing.StatusAssert.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.cup.bus.Addresses;
import io.cup.bus.ResourceRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Health, readiness, metrics, the access log and graceful shutdown. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class ApiOperationsTest {
  private static final String GET_RESOURCE_COUNT =
      "cup_http_server_requests_seconds_count{code=\"200\",method=\"GET\","
          + "route=\"/apis/:group/:version/namespaces/:namespace/:plural/:name\"}";

  @TempDir Path dir;
  private final FakeBackend backend = new FakeBackend();
  private ApiFixture.Deployed api;

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    Path config = ApiFixture.writeConfiguration(dir);
    backend.store(widget("one", 1));
    api = ApiFixture.deploy(vertx, config, backend);
  }

  @Test
  void healthzIsOkWhileTheVerticleRuns(VertxTestContext ctx) {
    backend.ready = false;
    api.get("/healthz")
        .send()
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(200);
                          assertThat(r.bodyAsString()).isEqualTo("ok");
                          ctx.completeNow();
                        })));
  }

  @Test
  void readyzFollowsTheRepository(VertxTestContext ctx) {
    api.get("/readyz")
        .send()
        .compose(
            ready -> {
              ctx.verify(
                  () -> {
                    assertThat(ready.statusCode()).isEqualTo(200);
                    assertThat(ready.bodyAsString()).isEqualTo("ok");
                  });
              backend.ready = false;
              return api.get("/readyz").send();
            })
        .onComplete(
            ctx.succeeding(
                notReady ->
                    ctx.verify(
                        () -> {
                          JsonObject status = assertStatus(notReady, 503, "ServiceUnavailable");
                          assertThat(status.getString("message")).contains("not ready");
                          ctx.completeNow();
                        })));
  }

  @Test
  void readyzIsUnavailableWithoutAFetcher(Vertx vertx, VertxTestContext ctx) {
    Future.all(
            backend.consumers.stream()
                .filter(c -> c.address().equals(Addresses.REPOSITORY_STATUS.name()))
                .map(c -> c.unregister())
                .toList())
        .compose(v -> api.get("/readyz").send())
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
  void metricsRenderTheRequestTimerByRouteTemplate(VertxTestContext ctx) {
    api.get(WIDGETS + "/one")
        .send()
        .compose(r -> api.get("/metrics").send())
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(200);
                          assertThat(r.getHeader("Content-Type"))
                              .isEqualTo("text/plain; version=0.0.4; charset=utf-8");
                          assertThat(r.bodyAsString())
                              .contains(GET_RESOURCE_COUNT)
                              .doesNotContain("route=\"" + WIDGETS + "/one\"");
                          ctx.completeNow();
                        })));
  }

  @Test
  void everyRequestIsOneAccessLogLine(VertxTestContext ctx) {
    // the line is written when the response ends on the server, maybe after the client has it:
    // the appender stays attached until it sees the line
    Logger access = (Logger) LoggerFactory.getLogger("io.cup.api.access");
    AppenderBase<ILoggingEvent> appender =
        new AppenderBase<>() {
          @Override
          protected void append(ILoggingEvent event) {
            String line = event.getFormattedMessage();
            if (!line.contains("path=" + WIDGETS + "/nope ")) {
              return;
            }
            access.detachAppender(this);
            ctx.verify(
                () -> {
                  assertThat(line).doesNotContain("\n");
                  assertThat(line)
                      .startsWith("method=GET path=" + WIDGETS + "/nope ")
                      .contains(" status=404 ")
                      .contains(" route=/apis/:group/:version/namespaces/:namespace/:plural/:name ")
                      .contains(" remote=127.0.0.1")
                      .containsPattern(" durationMs=[0-9.]+ bytes=[1-9][0-9]* ");
                });
            ctx.completeNow();
          }
        };
    appender.start();
    access.addAppender(appender);
    api.get(WIDGETS + "/nope").send().onComplete(ctx.succeeding(r -> {}));
  }

  @Test
  void undeployLetsARequestInFlightFinish(Vertx vertx, VertxTestContext ctx) {
    Promise<Message<JsonObject>> held = Promise.promise();
    backend.holdPut = held::tryComplete;
    Future<HttpResponse<Buffer>> put = api.put(WIDGETS + "/one").sendJsonObject(widget("one", 7));
    held.future()
        .compose(
            message -> {
              Future<Void> undeploy = vertx.undeploy(api.id());
              // once new connections are refused the server is shutting down; then answer
              return refused(vertx, api.port(), 100)
                  .map(
                      v -> {
                        ctx.verify(() -> assertThat(undeploy.isComplete()).isFalse());
                        message.reply(
                            backend.putChanges(ResourceRequest.fromJson(message.body())).toJson());
                        return undeploy;
                      });
            })
        .compose(undeploy -> Future.all(put, undeploy))
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          assertThat(put.result().statusCode()).isEqualTo(202);
                          ctx.completeNow();
                        })));
  }

  /** Completes once a connection to {@code port} is refused, trying up to {@code tries} times. */
  private static Future<Void> refused(Vertx vertx, int port, int tries) {
    return vertx
        .createNetClient()
        .connect(port, HOST)
        .transform(
            ar -> {
              if (ar.failed()) {
                return Future.succeededFuture();
              }
              ar.result().close();
              if (tries <= 1) {
                return Future.failedFuture("the server still accepts connections");
              }
              Promise<Void> next = Promise.promise();
              vertx.setTimer(20, t -> refused(vertx, port, tries - 1).onComplete(next));
              return next.future();
            });
  }
}
