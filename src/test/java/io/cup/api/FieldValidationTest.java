package io.cup.api;

import static io.cup.api.ApiFixture.WIDGETS;
import static io.cup.api.ApiFixture.widget;
import static io.cup.testing.StatusAssert.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.cup.bus.Addresses;
import io.cup.bus.ResourceRequest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kubernetes' {@code fieldValidation} through HTTP ({@link FieldValidation}): the fixture's Widget
 * declares {@code spec} at the top (other top-level fields are unknown but allowed by the schema)
 * and closes {@code spec} with {@code additionalProperties: false}.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class FieldValidationTest {
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
  void strictRefusesUnknownFieldsNamingEachAndWritesNothing() throws Exception {
    JsonObject body = widget("one", 2).put("extra", 1).put("other", true);
    body.getJsonObject("spec").put("foo", "x");
    JsonObject status = assertStatus(put("Strict", body), 400, "BadRequest");
    assertThat(status.getString("message"))
        .isEqualTo(
            "Widget in version \"v1\" cannot be handled as a Widget: strict decoding error:"
                + " unknown field \"extra\", unknown field \"other\", unknown field \"spec.foo\"");
    assertThat(backend.requests(Addresses.CONTROLLER_PUT.name())).isEmpty();
  }

  @Test
  void strictTakesEveryStandardMetadataField() throws Exception {
    JsonObject body = widget("one", 2);
    body.getJsonObject("metadata")
        .put("uid", "0b8f3d6c-0000-4000-8000-000000000000")
        .put("generation", 3)
        .put("finalizers", new JsonArray().add("example.com/keep"))
        .put("managedFields", new JsonArray().add(new JsonObject().put("manager", "kubectl")))
        .put("annotations", new JsonObject().put("a", "b"));
    HttpResponse<Buffer> answer = put("Strict", body);
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(202);
    assertThat(answer.headers().getAll("Warning")).isEmpty();
  }

  @Test
  void strictRefusesDuplicateFields() throws Exception {
    String body =
        widget("one", 2).encode().replace("\"replicas\":2", "\"replicas\":2,\"replicas\":3");
    JsonObject status =
        assertStatus(
            send(api.put(WIDGETS + "/one?fieldValidation=Strict"), Buffer.buffer(body)),
            400,
            "BadRequest");
    assertThat(status.getString("message"))
        .endsWith("strict decoding error: duplicate field \"spec.replicas\"");
    // without Strict a duplicate is refused too, as the JSON parser words it
    assertStatus(send(api.put(WIDGETS + "/one"), Buffer.buffer(body)), 400, "BadRequest");
  }

  @Test
  void warnWritesAndSaysOneWarningPerUnknownField() throws Exception {
    HttpResponse<Buffer> answer = put("Warn", widget("one", 2).put("extra", 1).put("other", 2));
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(202);
    assertThat(answer.headers().getAll("Warning"))
        .containsExactly(
            "299 - \"unknown field \\\"extra\\\"\"", "299 - \"unknown field \\\"other\\\"\"");
    ResourceRequest written =
        ResourceRequest.fromJson(backend.requests(Addresses.CONTROLLER_PUT.name()).get(0));
    assertThat(written.resource().getInteger("extra")).isEqualTo(1);
  }

  @Test
  void warnOnAPatchNamesOnlyWhatThePatchAdds() throws Exception {
    HttpResponse<Buffer> answer =
        send(
            api.client()
                .request(
                    HttpMethod.PATCH,
                    api.port(),
                    ApiFixture.HOST,
                    WIDGETS + "/one?fieldValidation=Warn")
                .putHeader("Content-Type", "application/merge-patch+json"),
            Buffer.buffer("{\"extra\": {\"deep\": 1}, \"spec\": {\"replicas\": 4}}"));
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(202);
    assertThat(answer.headers().getAll("Warning"))
        .containsExactly("299 - \"unknown field \\\"extra\\\"\"");
  }

  @Test
  void ignoreAndNoParameterKeepTodaysBehaviour() throws Exception {
    for (String mode : new String[] {"Ignore", null}) {
      HttpResponse<Buffer> answer = put(mode, widget("one", 7).put("extra", 1));
      assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(202);
      assertThat(answer.headers().getAll("Warning")).isEmpty();
    }
    // where the schema closes an object, it still refuses the field (422), in every mode
    for (String mode : new String[] {"Ignore", "Warn", null}) {
      JsonObject body = widget("one", 2);
      body.getJsonObject("spec").put("foo", "x");
      assertStatus(put(mode, body), 422, "Invalid");
    }
  }

  @Test
  void anyOtherValueIsABadRequest() throws Exception {
    for (String mode : new String[] {"strict", "Lenient", ""}) {
      JsonObject status = assertStatus(put(mode, widget("one", 2)), 400, "BadRequest");
      assertThat(status.getString("message")).startsWith("fieldValidation: Unsupported value");
    }
    assertThat(backend.requests(Addresses.CONTROLLER_PUT.name())).isEmpty();
  }

  // ------------------------------------------------------------------ helpers

  private HttpResponse<Buffer> put(String mode, JsonObject body) throws Exception {
    HttpRequest<Buffer> request = api.put(WIDGETS + "/one");
    if (mode != null) {
      request.addQueryParam("fieldValidation", mode);
    }
    return send(request, body.toBuffer());
  }

  private static HttpResponse<Buffer> send(HttpRequest<Buffer> request, Buffer body)
      throws Exception {
    return request.sendBuffer(body).await(1, TimeUnit.MINUTES);
  }
}
