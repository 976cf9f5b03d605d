package io.cup.e2e;

import static io.cup.e2e.Fixture.SERVICES;
import static org.assertj.core.api.Assertions.assertThat;

import io.cup.config.ServerConfig;
import io.cup.launcher.CupServer;
import io.cup.testing.TestHttpClient;
import io.cup.testing.TestRepos;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits of issue 12, end to end over a real {@code git daemon}: a JSON Patch that doubles the
 * resource again and again is refused early and the server stays responsive, malformed JSON Patches
 * are 4xx (never 500), and a resource file larger than the limit is refused, not loaded. None of
 * them changes the remote.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LimitsEndToEndTest {
  /** A stored resource file over the default limit of 1.5 MiB. */
  private static final int BIG_BYTES = 2 * 1024 * 1024;

  @TempDir Path tmp;
  private Fixture fixture;
  private CupServer server;
  private WebClient client;
  private ServerConfig config;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    fixture = new Fixture(tmp);
    TestRepos.commit(
        fixture.remote,
        "main",
        Map.of(
            Fixture.path("default", "big"),
            Fixture.service("default", "big", 1, "padding", "x".repeat(BIG_BYTES))));
    config = fixture.config(tmp.resolve("data"), 60_000);
    server = CupServer.start(vertx, config, Path.of("verticles")).await(2, TimeUnit.MINUTES);
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close().await(2, TimeUnit.MINUTES);
    }
    fixture.daemon.close();
  }

  @Test
  void aJsonPatchOfTwentyThreeCopiesIs413AndTheServerStaysResponsive() throws Exception {
    String copies =
        IntStream.range(0, 23)
            .mapToObj(k -> "{\"op\":\"copy\",\"from\":\"/spec\",\"path\":\"/spec/c" + k + "\"}")
            .collect(Collectors.joining(",", "[", "]"));
    Map<String, ObjectId> refsBefore = TestRepos.refs(fixture.remote);

    JsonObject status =
        assertStatus(patch(SERVICES + "/web", "application/json-patch+json", copies), 413);
    assertThat(status.getString("reason")).isEqualTo("RequestEntityTooLarge");
    assertThat(status.getString("message"))
        .contains(String.valueOf(ServerConfig.DEFAULT_MAX_RESOURCE_BYTES));

    HttpResponse<Buffer> health =
        client
            .get(config.port(), config.host(), "/healthz")
            .timeout(TimeUnit.SECONDS.toMillis(30))
            .send()
            .await(2, TimeUnit.MINUTES);
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(TestRepos.refs(fixture.remote)).isEqualTo(refsBefore);
  }

  @Test
  void aJsonPatchOfMoreThanTenThousandOperationsIs413() throws Exception {
    String tests =
        IntStream.range(0, 10_001)
            .mapToObj(k -> "{\"op\":\"test\",\"path\":\"/kind\",\"value\":\"Service\"}")
            .collect(Collectors.joining(",", "[", "]"));
    JsonObject status =
        assertStatus(patch(SERVICES + "/web", "application/json-patch+json", tests), 413);
    assertThat(status.getString("message")).contains("10000").contains("10001");
  }

  @Test
  void malformedJsonPatchesAre4xxAndChangeNothing() throws Exception {
    Map<String, ObjectId> refsBefore = TestRepos.refs(fixture.remote);
    Map<String, Integer> expected =
        Map.of(
            "[{\"op\":\"add\",\"path\":\"spec\",\"value\":1}]",
            400,
            "[{\"op\":\"add\",\"path\":\"/spec/~2\",\"value\":1}]",
            400,
            "[{\"op\":\"add\",\"path\":\"/spec/~\",\"value\":1}]",
            400,
            "[{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":[]},"
                + "{\"op\":\"add\",\"path\":\"/metadata/labels/-1\",\"value\":1}]",
            422,
            "[{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":[\"a\",\"b\"]},"
                + "{\"op\":\"replace\",\"path\":\"/metadata/labels/01\",\"value\":\"c\"}]",
            422,
            "[{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":[\"a\"]},"
                + "{\"op\":\"remove\",\"path\":\"/metadata/labels/99999999999\"}]",
            422,
            "[{\"op\":\"remove\",\"path\":\"/spec/nothing\"}]",
            422,
            "[{\"op\":\"copy\",\"from\":\"/nothing\",\"path\":\"/spec/x\"}]",
            422,
            "[{\"op\":\"add\",\"path\":\"/spec/replicas/x\",\"value\":1}]",
            422);
    for (Map.Entry<String, Integer> each : expected.entrySet()) {
      JsonObject status =
          assertStatus(
              patch(SERVICES + "/web", "application/json-patch+json", each.getKey()),
              each.getValue());
      assertThat(status.getString("message")).as(each.getKey()).contains("operation ");
    }
    assertThat(TestRepos.refs(fixture.remote)).isEqualTo(refsBefore);
  }

  @Test
  void aResourceFileLargerThanTheLimitIsRefusedNotLoaded() throws Exception {
    JsonObject status = assertStatus(api().get(SERVICES + "/big"), 413);
    assertThat(status.getString("message"))
        .contains(Fixture.path("default", "big"))
        .contains(String.valueOf(ServerConfig.DEFAULT_MAX_RESOURCE_BYTES));
    // the others are read as before
    assertThat(api().get(SERVICES + "/web").statusCode()).isEqualTo(200);
  }

  @Test
  void aPutOfAResourceLargerThanTheLimitIs413() throws Exception {
    Map<String, ObjectId> refsBefore = TestRepos.refs(fixture.remote);
    String big = Fixture.service("default", "web", 1, "padding", "y".repeat(BIG_BYTES));
    assertStatus(
        client
            .request(HttpMethod.PUT, config.port(), config.host(), SERVICES + "/web")
            .putHeader("Content-Type", "application/json")
            .sendBuffer(Buffer.buffer(big))
            .await(2, TimeUnit.MINUTES),
        413);
    assertThat(TestRepos.refs(fixture.remote)).isEqualTo(refsBefore);
  }

  private HttpResponse<Buffer> patch(String path, String contentType, String body)
      throws Exception {
    return TestHttpClient.await(
        api()
            .request(HttpMethod.PATCH, path)
            .putHeader("Content-Type", contentType)
            .timeout(TimeUnit.SECONDS.toMillis(60))
            .sendBuffer(Buffer.buffer(body)));
  }

  private static JsonObject assertStatus(HttpResponse<Buffer> response, int code) {
    String body = response.bodyAsString();
    assertThat(response.statusCode())
        .as(body.length() > 300 ? body.substring(0, 300) + "…" : body)
        .isEqualTo(code);
    JsonObject status = response.bodyAsJsonObject();
    assertThat(status.getString("kind")).isEqualTo("Status");
    assertThat(status.getInteger("code")).isEqualTo(code);
    return status;
  }

  /** The HTTP API of the server under test. */
  private TestHttpClient api() {
    return new TestHttpClient(client, config.host(), config.port());
  }
}
