package io.cup.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What a write changes, relative to the commit {@code base} it was computed against. An empty
 * change set means the desired state already holds.
 */
public record ChangeSet(String base, List<FileChange> changes) implements BusMessage {
  public ChangeSet {
    changes = List.copyOf(changes);
  }

  public boolean isEmpty() {
    return changes.isEmpty();
  }

  @Override
  public JsonObject toJson() {
    JsonArray array = new JsonArray();
    changes.forEach(c -> array.add(c.toJson()));
    return new JsonObject().put("base", base).put("changes", array);
  }

  public static ChangeSet fromJson(JsonObject json) {
    JsonArray array = json.getJsonArray("changes", new JsonArray());
    return new ChangeSet(
        json.getString("base"),
        array.stream().map(o -> FileChange.fromJson((JsonObject) o)).toList());
  }
}
