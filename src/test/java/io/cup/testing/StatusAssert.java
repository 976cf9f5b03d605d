package io.cup.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Arrays;

/** Checks that an answer is a Kubernetes {@code Status} failure; each returns the status. */
public final class StatusAssert {
  private StatusAssert() {}

  /** {@code code}, and a {@code Status} with that code and a message. */
  public static JsonObject assertStatus(HttpResponse<Buffer> response, int code) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(code);
    JsonObject status = response.bodyAsJsonObject();
    assertThat(status.getString("kind")).isEqualTo("Status");
    assertThat(status.getInteger("code")).isEqualTo(code);
    assertThat(status.getString("message")).isNotBlank();
    return status;
  }

  /**
   * One of {@code codes}, and a {@code Failure} {@code Status} whose code is the answer's, with a
   * message.
   */
  public static JsonObject assertFailure(HttpResponse<Buffer> response, int... codes) {
    assertThat(response.statusCode())
        .as(response.bodyAsString())
        .isIn(Arrays.stream(codes).boxed().toArray());
    JsonObject status = response.bodyAsJsonObject();
    assertThat(status.getString("kind")).isEqualTo("Status");
    assertThat(status.getString("status")).isEqualTo("Failure");
    assertThat(status.getInteger("code")).isEqualTo(response.statusCode());
    assertThat(status.getString("message")).isNotBlank();
    return status;
  }

  /**
   * {@code code} as JSON, and a {@code v1} {@code Failure} {@code Status} with that code, {@code
   * reason} and a message.
   */
  public static JsonObject assertStatus(HttpResponse<Buffer> response, int code, String reason) {
    assertThat(response.statusCode())
        .as("HTTP status of %s", response.bodyAsString())
        .isEqualTo(code);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
    JsonObject status = response.bodyAsJsonObject();
    assertThat(status.getString("apiVersion")).isEqualTo("v1");
    assertThat(status.getString("kind")).isEqualTo("Status");
    assertThat(status.getString("status")).isEqualTo("Failure");
    assertThat(status.getInteger("code")).isEqualTo(code);
    assertThat(status.getString("reason")).isEqualTo(reason);
    assertThat(status.getString("message")).isNotBlank();
    return status;
  }
}
