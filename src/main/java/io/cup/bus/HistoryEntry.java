package io.cup.bus;

import io.vertx.core.json.JsonObject;

/**
 * One commit that changed a resource, in a {@link HistoryPage}: the commit id, its commit time (RFC
 * 3339), its author, its full message, how the resource changed ({@code created}, {@code modified},
 * {@code deleted}), the file it is read from that the commit changed, and the unified diff of the
 * resource's own document (YAML) from before the commit to after it.
 */
public record HistoryEntry(
    String commit,
    String time,
    String authorName,
    String authorEmail,
    String message,
    String change,
    String path,
    String diff)
    implements BusMessage {

  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("commit", commit)
        .put("time", time)
        .put("author", new JsonObject().put("name", authorName).put("email", authorEmail))
        .put("message", message)
        .put("change", change)
        .put("path", path)
        .put("diff", diff);
  }

  public static HistoryEntry fromJson(JsonObject json) {
    JsonObject author = json.getJsonObject("author", new JsonObject());
    return new HistoryEntry(
        json.getString("commit"),
        json.getString("time"),
        author.getString("name"),
        author.getString("email"),
        json.getString("message"),
        json.getString("change"),
        json.getString("path"),
        json.getString("diff"));
  }
}
