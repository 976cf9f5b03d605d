package io.cup.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** List bodies: the bytes {@code encode()} gives, written without it. */
class JsonBodiesTest {
  private static JsonObject resource(int i) {
    return new JsonObject()
        .put("apiVersion", "test.cup.io/v1")
        .put("kind", "Widget")
        .put(
            "metadata",
            new JsonObject()
                .put("name", "w-" + i)
                .put("labels", new JsonObject().put("app", "<web> & \"quoted\""))
                .put("annotations", new JsonObject()))
        .put(
            "spec",
            new JsonObject()
                .put("replicas", i)
                .put("big", Long.MAX_VALUE - i)
                .put("ratio", i / 3.0)
                .put("exact", new BigDecimal("1.10"))
                .put("huge", new BigInteger("123456789012345678901234567890"))
                .put("enabled", i % 2 == 0)
                .put("nothing", (Object) null)
                .put("text", "é ü 日本 \u2028 \u0001 tab\t line\n emoji 😀 " + "x".repeat(i * 97))
                .put("tags", new JsonArray().add("a").add(new JsonArray()).add(new JsonObject())));
  }

  @Test
  void aListObjectIsWhatEncodeWrites() {
    List<Object> items = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      items.add(resource(i));
    }
    JsonObject list =
        new JsonObject()
            .put("kind", "WidgetList")
            .put("metadata", new JsonObject().put("resourceVersion", "c1"))
            .put("items", new JsonArray(items));

    assertThat(JsonBodies.json(list).toString()).isEqualTo(list.encode());
    assertThat(JsonBodies.json(new JsonObject()).toString()).isEqualTo("{}");
  }

  @Test
  void ndjsonIsEachItemEncodedOnALineOfItsOwn() {
    List<JsonObject> items = new ArrayList<>();
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      items.add(resource(i));
      expected.append(resource(i).encode()).append('\n');
    }

    assertThat(JsonBodies.ndjson(items).toString()).isEqualTo(expected.toString());
    assertThat(JsonBodies.ndjson(List.of()).length()).isZero();
  }
}
