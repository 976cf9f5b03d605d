package io.cup.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

/** Checks that an answer is a Kubernetes {@code Status} failure with the given code. */
final class StatusAssert {
  private StatusAssert() {}

  static JsonObject assertStatus(HttpResponse<Buffer> response, int code, String reason) {
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
