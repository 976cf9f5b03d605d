package io.cup.bus;

import io.vertx.core.json.JsonObject;

/**
 * Published on {@code cup.events.resource} when the tracked branch moves: {@code type} is ADDED,
 * MODIFIED or DELETED (the Kubernetes watch words); {@code commit} the new head, {@code
 * previousCommit} the old one; {@code object} the resource after the change (before it, for
 * DELETED).
 */
public record ResourceEvent(
    String type,
    String group,
    String version,
    String plural,
    String kind,
    String namespace,
    String name,
    String commit,
    String previousCommit,
    JsonObject object) {
  public JsonObject toJson() {
    return new JsonObject()
        .put("type", type)
        .put("group", group)
        .put("version", version)
        .put("plural", plural)
        .put("kind", kind)
        .put("namespace", namespace)
        .put("name", name)
        .put("commit", commit)
        .put("previousCommit", previousCommit)
        .put("object", object);
  }

  public static ResourceEvent fromJson(JsonObject json) {
    return new ResourceEvent(
        json.getString("type"),
        json.getString("group"),
        json.getString("version"),
        json.getString("plural"),
        json.getString("kind"),
        json.getString("namespace"),
        json.getString("name"),
        json.getString("commit"),
        json.getString("previousCommit"),
        json.getJsonObject("object"));
  }
}
