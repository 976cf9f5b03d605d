package io.cup.bus;

import io.vertx.core.json.JsonObject;

/**
 * Request to {@code cup.controller.history}: the commits of the tracked branch's first-parent
 * history that changed one resource, newest first. {@code revision} is the head to read the history
 * of (a commit id; null means the tracked branch head, as a first page asks); {@code from} the
 * commit on that history to resume the walk at (null: the head itself); {@code limit} the most
 * entries to answer (at least 1).
 */
public record HistoryRequest(
    String group,
    String version,
    String plural,
    String namespace,
    String name,
    String revision,
    String from,
    int limit)
    implements BusMessage {

  /** The definition key, as in {@code GET /apis}: {@code <group>/<version>/<plural>}. */
  public String key() {
    return group + "/" + version + "/" + plural;
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("group", group)
        .put("version", version)
        .put("plural", plural)
        .put("namespace", namespace)
        .put("name", name)
        .put("revision", revision)
        .put("from", from)
        .put("limit", limit);
  }

  public static HistoryRequest fromJson(JsonObject json) {
    return new HistoryRequest(
        json.getString("group"),
        json.getString("version"),
        json.getString("plural"),
        json.getString("namespace"),
        json.getString("name"),
        json.getString("revision"),
        json.getString("from"),
        json.getInteger("limit", 1));
  }
}
