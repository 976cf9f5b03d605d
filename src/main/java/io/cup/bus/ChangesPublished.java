package io.cup.bus;

import io.vertx.core.json.JsonObject;

/**
 * Reply to {@code cup.controller.changes}: how many {@link ResourceEvent}s the worker published on
 * {@code cup.events.resource} for the move.
 */
public record ChangesPublished(int events) implements BusMessage {
  @Override
  public JsonObject toJson() {
    return new JsonObject().put("events", events);
  }

  public static ChangesPublished fromJson(JsonObject json) {
    return new ChangesPublished(json.getInteger("events", 0));
  }
}
