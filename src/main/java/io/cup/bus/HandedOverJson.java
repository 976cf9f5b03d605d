package io.cup.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;

/**
 * The codec of a JSON reply its sender hands over ({@link BusAddress#handingOverReplies()}): a
 * local delivery gives the receiver the very object sent, where Vert.x's own JSON codec gives it a
 * deep copy (a list of a thousand resources copied in full on every list). Across nodes the object
 * travels as that codec's bytes: its length, then the object encoded as JSON.
 *
 * <p>What the sender and the receiver promise each other, since they now share the object: the
 * sender never reads or changes it once replied; the receiver may read it on any thread, and
 * changes none of it: values nested in a reply may be shared with the sender's caches (a
 * controller's parsed resources), so a receiver that needs a different object makes one and copies
 * what it changes.
 */
public final class HandedOverJson implements MessageCodec<JsonObject, JsonObject> {
  /** The codec's name on the bus; every node registers it ({@link #registerOn}). */
  public static final String NAME = "cup.handed-over-json";

  static final HandedOverJson INSTANCE = new HandedOverJson();

  private static final Object REGISTERING = new Object();

  private HandedOverJson() {}

  /** Options that send a reply with this codec. */
  static DeliveryOptions delivery() {
    return new DeliveryOptions().setCodecName(NAME);
  }

  /**
   * Registers the codec on {@code bus} unless it is registered already: each verticle instance that
   * answers a handing-over address calls this, on whichever thread it starts, and Vert.x says a
   * name is taken only by refusing it.
   */
  static void registerOn(EventBus bus) {
    synchronized (REGISTERING) {
      try {
        bus.registerCodec(INSTANCE);
      } catch (IllegalStateException registered) {
        // another instance on this Vert.x registered it: the same codec
      }
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, JsonObject json) {
    Buffer encoded = json.toBuffer();
    buffer.appendInt(encoded.length());
    buffer.appendBuffer(encoded);
  }

  @Override
  public JsonObject decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    return new JsonObject(buffer.slice(pos + 4, pos + 4 + length));
  }

  /** The object itself: its sender has handed it over. */
  @Override
  public JsonObject transform(JsonObject json) {
    return json;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
