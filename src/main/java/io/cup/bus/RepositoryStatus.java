package io.cup.bus;

import io.vertx.core.json.JsonObject;

/**
 * Reply of {@code cup.repository.status} and {@code cup.repository.fetch}: {@code ready} once the
 * clone is present; {@code source} what is served; {@code head} the tracked branch's commit; {@code
 * lastFetch} epoch millis of the last successful fetch (0 if none); {@code lastError} the last
 * fetch failure, cleared on success.
 */
public record RepositoryStatus(
    boolean ready, SourceKind source, String branch, String head, long lastFetch, String lastError)
    implements BusMessage {
  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("ready", ready)
        .put("source", source == null ? null : source.wire())
        .put("branch", branch)
        .put("head", head)
        .put("lastFetch", lastFetch)
        .put("lastError", lastError);
  }

  public static RepositoryStatus fromJson(JsonObject json) {
    return new RepositoryStatus(
        json.getBoolean("ready", false),
        SourceKind.fromWire(json.getString("source")),
        json.getString("branch"),
        json.getString("head"),
        json.getLong("lastFetch", 0L),
        json.getString("lastError"));
  }
}
