package io.cup.bus;

import io.vertx.core.json.JsonObject;

/** Names one resource a proposal touches; {@code action} is {@code put} or {@code delete}. */
public record ResourceRef(
    String apiVersion, String kind, String namespace, String name, String action)
    implements BusMessage {
  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("apiVersion", apiVersion)
        .put("kind", kind)
        .put("namespace", namespace)
        .put("name", name)
        .put("action", action);
  }

  public static ResourceRef fromJson(JsonObject json) {
    return new ResourceRef(
        json.getString("apiVersion"),
        json.getString("kind"),
        json.getString("namespace"),
        json.getString("name"),
        json.getString("action"));
  }
}
