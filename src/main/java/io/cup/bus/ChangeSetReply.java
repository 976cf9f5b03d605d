package io.cup.bus;

import io.vertx.core.json.JsonObject;

/**
 * Reply to {@code cup.controller.put} and {@code cup.controller.delete}: the files the write
 * changes against {@code changes.base}, the commit message to use and the resource it touches. An
 * empty change set means the desired state already holds (HTTP 204). For a dry run also {@code
 * diff}, the unified diff of the change set against its base, and {@code current}, the resource as
 * it is at the base (null when absent); both null otherwise.
 */
public record ChangeSetReply(
    ChangeSet changes, String message, ResourceRef resource, String diff, JsonObject current)
    implements BusMessage {
  public ChangeSetReply(ChangeSet changes, String message, ResourceRef resource) {
    this(changes, message, resource, null, null);
  }

  @Override
  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("changeSet", changes.toJson())
            .put("message", message)
            .put("resource", resource.toJson());
    if (diff != null) {
      json.put("diff", diff);
    }
    if (current != null) {
      json.put("current", current);
    }
    return json;
  }

  public static ChangeSetReply fromJson(JsonObject json) {
    return new ChangeSetReply(
        ChangeSet.fromJson(json.getJsonObject("changeSet")),
        json.getString("message"),
        ResourceRef.fromJson(json.getJsonObject("resource")),
        json.getString("diff"),
        json.getJsonObject("current"));
  }
}
