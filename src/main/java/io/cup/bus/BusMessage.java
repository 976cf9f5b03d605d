package io.cup.bus;

import io.vertx.core.json.JsonObject;

/**
 * A message that travels on the event bus: a record of this package that writes itself as a JSON
 * object ({@link #toJson()}) and is read back by its static {@code fromJson(JsonObject)}. The JSON
 * field names are the contract documented in {@code docs/event-bus.md} (a test keeps the two in
 * step). Every type that crosses the bus implements this interface and lives in {@code io.cup.bus}
 * (an architecture test keeps that).
 */
public interface BusMessage {
  JsonObject toJson();
}
