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
  void uidsAreTheVersion5UuidsTheyHaveAlwaysBeen() {
    // a client that kept a uid must find it again
    assertThat(ServerFields.uid("bench.cup.io", "Item", "default", "item-00000"))
        .isEqualTo("e63de644-cd03-54e6-8439-f15bde71e51f");
  }

  @Test
  void timestampsAreRfc3339InUtcToTheSecond() {
    assertThat(ServerFields.timestamp(Instant.parse("2025-01-02T03:04:05.678Z")))
        .isEqualTo("2025-01-02T03:04:05Z");
    assertThat(ServerFields.timestamp(Instant.EPOCH)).isEqualTo("1970-01-01T00:00:00Z");
    assertThat(ServerFields.timestamp(Instant.parse("0001-12-31T23:59:59.999Z")))
        .isEqualTo("0001-12-31T23:59:59Z");
    assertThat(ServerFields.timestamp(Instant.parse("9999-12-31T23:59:59Z")))
        .isEqualTo("9999-12-31T23:59:59Z");
    // beyond four digits of year: as java.time writes it
    assertThat(ServerFields.timestamp(Instant.parse("+10000-01-01T00:00:00Z")))
        .isEqualTo("+10000-01-01T00:00:00Z");
    java.util.Random random = new java.util.Random(17);
    for (int i = 0; i < 1000; i++) {
      Instant time = Instant.ofEpochSecond(random.nextLong(-62_135_596_800L, 253_402_300_800L));
      assertThat(ServerFields.timestamp(time))
          .isEqualTo(java.time.format.DateTimeFormatter.ISO_INSTANT.format(time));
    }
  }

  @Test
  void withLeavesTheResourceItReadAsItWas() {
    JsonObject cached =
        new JsonObject()
            .put(
                "metadata",
                new JsonObject()
                    .put("name", "a")
                    .put("labels", new JsonObject().put("tier", "web"))
                    .put("annotations", new JsonObject().put("team", "web")))
            .put("spec", new JsonObject().put("replicas", 2))
            .put("status", new JsonObject().put("phase", "Ready"));
    JsonObject before = cached.copy();

    JsonObject read = ServerFields.with(cached, "rv", "uid-1", Instant.EPOCH, "Ada", "c0ffee");

    assertThat(cached).isEqualTo(before);
    assertThat(read.getJsonObject("metadata").getJsonObject("annotations").fieldNames())
        .containsExactly("team", ServerFields.LAST_CHANGED_BY, ServerFields.LAST_COMMIT);
    assertThat(read.getJsonObject("metadata").getString("uid")).isEqualTo("uid-1");
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
