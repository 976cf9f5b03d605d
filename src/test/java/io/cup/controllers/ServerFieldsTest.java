package io.cup.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ServerFieldsTest {
  @Test
  void uidsAreStableAndDifferPerResource() {
    String uid = ServerFields.uid("flipt.io", "Flag", "default", "a");

    assertThat(UUID.fromString(uid).version()).isEqualTo(5);
    assertThat(ServerFields.uid("flipt.io", "Flag", "default", "a")).isEqualTo(uid);
    assertThat(ServerFields.uid("flipt.io", "Flag", "default", "b")).isNotEqualTo(uid);
    assertThat(ServerFields.uid("flipt.io", "Flag", "other", "a")).isNotEqualTo(uid);
    assertThat(ServerFields.uid("flipt.io", "Segment", "default", "a")).isNotEqualTo(uid);
    assertThat(ServerFields.uid("example.io", "Flag", "default", "a")).isNotEqualTo(uid);
  }

  @Test
  void timestampsAreRfc3339InUtcToTheSecond() {
    assertThat(ServerFields.timestamp(Instant.parse("2025-01-02T03:04:05.678Z")))
        .isEqualTo("2025-01-02T03:04:05Z");
  }

  @Test
  void withSetsAndWithoutDropsEveryServerField() {
    JsonObject read =
        ServerFields.with(
            new JsonObject().put("metadata", new JsonObject().put("name", "a")),
            "rv",
            "uid-1",
            Instant.parse("2025-01-02T03:04:05Z"));

    assertThat(read.getJsonObject("metadata").getMap())
        .containsEntry("resourceVersion", "rv")
        .containsEntry("uid", "uid-1")
        .containsEntry("creationTimestamp", "2025-01-02T03:04:05Z");
    read.getJsonObject("metadata").put("generation", 2).put("selfLink", "/x");
    assertThat(ServerFields.without(read).getJsonObject("metadata").fieldNames())
        .containsExactly("name");
  }

  @Test
  void theLastChangeAnnotationsAreSetOnReadsAndDroppedFromWrites() {
    JsonObject read =
        ServerFields.with(
            new JsonObject().put("metadata", new JsonObject().put("name", "a")),
            "rv",
            "uid-1",
            Instant.parse("2025-01-02T03:04:05Z"),
            "Ada",
            "c0ffee");

    assertThat(read.getJsonObject("metadata").getJsonObject("annotations").getMap())
        .containsExactly(
            java.util.Map.entry(ServerFields.LAST_CHANGED_BY, "Ada"),
            java.util.Map.entry(ServerFields.LAST_COMMIT, "c0ffee"));
    // annotations goes when the server's were all it held, stays with the owner's
    assertThat(ServerFields.without(read).getJsonObject("metadata").fieldNames())
        .containsExactly("name");
    read.getJsonObject("metadata").getJsonObject("annotations").put("team", "web");
    assertThat(ServerFields.without(read).getJsonObject("metadata").getJsonObject("annotations"))
        .isEqualTo(new JsonObject().put("team", "web"));
  }
}
