package io.cup.bus;

import io.vertx.core.json.JsonObject;

/** Reply to {@code cup.controller.get}: the resource as read at {@code commit}. */
public record ResourceReply(String commit, JsonObject resource) implements BusMessage {
  @Override
  public JsonObject toJson() {
    return new JsonObject().put("commit", commit).put("resource", resource);
  }

  public static ResourceReply fromJson(JsonObject json) {
    return new ResourceReply(json.getString("commit"), json.getJsonObject("resource"));
  }
}
