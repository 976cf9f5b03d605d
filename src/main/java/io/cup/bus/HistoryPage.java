package io.cup.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Reply to {@code cup.controller.history}: the head {@code commit} whose history was read, the
 * entries found (newest first) and {@code next}, the commit to resume the walk at for the next page
 * (null when the walk reached the start of the history). A page may hold fewer entries than asked
 * with a {@code next}: the walk of one request is bounded (commits and time). {@code cut} says the
 * history ended where the clone has no more commits (a shallow clone), not at a root commit.
 */
public record HistoryPage(String commit, List<HistoryEntry> items, String next, boolean cut)
    implements BusMessage {
  public HistoryPage {
    items = List.copyOf(items);
  }

  @Override
  public JsonObject toJson() {
    JsonArray array = new JsonArray();
    items.forEach(e -> array.add(e.toJson()));
    return new JsonObject()
        .put("commit", commit)
        .put("items", array)
        .put("next", next)
        .put("cut", cut);
  }

  public static HistoryPage fromJson(JsonObject json) {
    return new HistoryPage(
        json.getString("commit"),
        json.getJsonArray("items", new JsonArray()).stream()
            .map(o -> HistoryEntry.fromJson((JsonObject) o))
            .toList(),
        json.getString("next"),
        json.getBoolean("cut", false));
  }
}
