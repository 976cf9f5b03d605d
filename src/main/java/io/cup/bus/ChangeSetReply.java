package io.cup.bus;

import io.cup.git.ChangeSet;
import io.vertx.core.json.JsonObject;

/**
 * Reply to {@code cup.controller.put} and {@code cup.controller.delete}: the files the write
 * changes against {@code changes.base}, the commit message to use and the resource it touches. An
 * empty change set means the desired state already holds (HTTP 204).
 */
public record ChangeSetReply(ChangeSet changes, String message, ResourceRef resource) {
  public JsonObject toJson() {
    return new JsonObject()
        .put("changeSet", changes.toJson())
        .put("message", message)
        .put("resource", resource.toJson());
  }

  public static ChangeSetReply fromJson(JsonObject json) {
    return new ChangeSetReply(
        ChangeSet.fromJson(json.getJsonObject("changeSet")),
        json.getString("message"),
        ResourceRef.fromJson(json.getJsonObject("resource")));
  }
}
