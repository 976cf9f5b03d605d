package io.cup.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Reply to {@code cup.controller.list}: the matching resources at {@code commit}, by name. */
public record ListReply(String commit, JsonArray items) implements BusMessage {
  @Override
  public JsonObject toJson() {
    return new JsonObject().put("commit", commit).put("items", items);
  }

  public static ListReply fromJson(JsonObject json) {
    return new ListReply(json.getString("commit"), json.getJsonArray("items", new JsonArray()));
  }
}
