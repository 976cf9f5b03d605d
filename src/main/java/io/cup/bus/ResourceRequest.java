package io.cup.bus;

import io.vertx.core.json.JsonObject;

/**
 * A request to a controller worker about resources of one definition version in one namespace.
 * {@code name} is null for list; {@code revision} null means the tracked branch head; {@code
 * labelSelector} only for list (already validated by the API); {@code resource} only for put.
 */
public record ResourceRequest(
    String group,
    String version,
    String plural,
    String namespace,
    String name,
    String revision,
    String labelSelector,
    JsonObject resource) {

  /** The definition key, as in {@code GET /apis}: {@code <group>/<version>/<plural>}. */
  public String key() {
    return group + "/" + version + "/" + plural;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("group", group)
        .put("version", version)
        .put("plural", plural)
        .put("namespace", namespace)
        .put("name", name)
        .put("revision", revision)
        .put("labelSelector", labelSelector)
        .put("resource", resource);
  }

  public static ResourceRequest fromJson(JsonObject json) {
    return new ResourceRequest(
        json.getString("group"),
        json.getString("version"),
        json.getString("plural"),
        json.getString("namespace"),
        json.getString("name"),
        json.getString("revision"),
        json.getString("labelSelector"),
        json.getJsonObject("resource"));
  }
}
