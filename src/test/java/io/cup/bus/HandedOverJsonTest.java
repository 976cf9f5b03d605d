package io.cup.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Replies handed over: the object itself on this node, the JSON codec's bytes across nodes. */
@ExtendWith(VertxExtension.class)
class HandedOverJsonTest {
  private static final BusAddress<ResourceRequest, ListReply> HANDED_OVER =
      BusAddress.of(
              "test.handed-over",
              ResourceRequest.class,
              ResourceRequest::fromJson,
              ListReply.class,
              ListReply::fromJson)
          .handingOverReplies();

  private static final BusAddress<ResourceRequest, ListReply> COPIED =
      BusAddress.of(
          "test.copied",
          ResourceRequest.class,
          ResourceRequest::fromJson,
          ListReply.class,
          ListReply::fromJson);

  private static final ResourceRequest REQUEST =
      new ResourceRequest("test.cup.io", "v1", "widgets", "default", null, null, null, null);

  private static JsonArray items() {
    return new JsonArray()
        .add(
            new JsonObject()
                .put("metadata", new JsonObject().put("name", "a").put("labels", new JsonObject()))
                .put("spec", new JsonObject().put("replicas", 2).put("ratio", 0.5))
                .put("tags", new JsonArray().add("é").add("日本").addNull()))
        .add(new JsonObject().put("metadata", new JsonObject().put("name", "b")));
  }

  @Test
  void aLocalReplyIsTheObjectItsHandlerMade(Vertx vertx) throws Exception {
    AtomicReference<JsonArray> made = new AtomicReference<>();
    // two handlers, as a server's worker instances register: the codec is registered once
    for (int i = 0; i < 2; i++) {
      answerWithNewItems(vertx, HANDED_OVER, made);
    }
    answerWithNewItems(vertx, COPIED, made);

    for (int i = 0; i < 2; i++) {
      ListReply handed =
          HANDED_OVER.request(vertx.eventBus(), REQUEST, 10_000).await(10, TimeUnit.SECONDS);
      assertThat(handed.items()).isSameAs(made.get());
      assertThat(handed.commit()).isEqualTo("c1");
    }
    // the default: a deep copy, equal and not the same
    ListReply copied =
        COPIED.request(vertx.eventBus(), REQUEST, 10_000).await(10, TimeUnit.SECONDS);
    assertThat(copied.items()).isNotSameAs(made.get()).isEqualTo(made.get());
  }

  @Test
  void aReplyThatLeavesTheNodeTravelsAsItsJson() {
    JsonObject reply = new ListReply("c1", items()).toJson();
    // where a clustered bus writes it: after the frame's own bytes, before the next frame's
    Buffer wire = Buffer.buffer("frame-head");
    HandedOverJson.INSTANCE.encodeToWire(wire, reply);
    int end = wire.length();
    wire.appendString("next-frame");

    JsonObject decoded = HandedOverJson.INSTANCE.decodeFromWire("frame-head".length(), wire);

    assertThat(decoded).isEqualTo(reply).isNotSameAs(reply);
    assertThat(ListReply.fromJson(decoded).items()).isEqualTo(items());
    // the same bytes as Vert.x's own JSON codec: length, then the object encoded
    assertThat(wire.getInt("frame-head".length())).isEqualTo(reply.toBuffer().length());
    assertThat(wire.getString("frame-head".length() + 4, end)).isEqualTo(reply.encode());
    assertThat(HandedOverJson.INSTANCE.transform(reply)).isSameAs(reply);
    assertThat(HandedOverJson.INSTANCE.systemCodecID()).isEqualTo((byte) -1);
  }

  /** Registers a handler at {@code address} that answers items it makes, kept in {@code made}. */
  private static void answerWithNewItems(
      Vertx vertx, BusAddress<ResourceRequest, ListReply> address, AtomicReference<JsonArray> made)
      throws Exception {
    address
        .consume(
            vertx.eventBus(),
            request -> {
              made.set(items());
              return Future.succeededFuture(new ListReply("c1", made.get()));
            })
        .completion()
        .await(10, TimeUnit.SECONDS);
  }
}
