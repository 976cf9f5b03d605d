package io.cup.bus;

import io.vertx.core.json.JsonObject;

/**
 * The tracked branch moved from {@code from} (null on the first fetch) to {@code to}. Published on
 * {@code cup.events.head} and sent to {@code cup.controller.changes}.
 */
public record HeadMoved(String branch, String from, String to) implements BusMessage {
  @Override
  public JsonObject toJson() {
    return new JsonObject().put("branch", branch).put("from", from).put("to", to);
  }

  public static HeadMoved fromJson(JsonObject json) {
    return new HeadMoved(json.getString("branch"), json.getString("from"), json.getString("to"));
  }
}
