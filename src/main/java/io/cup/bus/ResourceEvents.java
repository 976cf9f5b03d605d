package io.cup.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Reply to {@code cup.controller.events}: the changes of the asked resources from the request's
 * commit to the tracked head {@code commit}, in order, not published (a watch's start or catch-up).
 */
public record ResourceEvents(String commit, List<ResourceEvent> events) implements BusMessage {
  public ResourceEvents {
    events = List.copyOf(events);
  }

  @Override
  public JsonObject toJson() {
    JsonArray array = new JsonArray();
    events.forEach(e -> array.add(e.toJson()));
    return new JsonObject().put("commit", commit).put("events", array);
  }

  public static ResourceEvents fromJson(JsonObject json) {
    return new ResourceEvents(
        json.getString("commit"),
        json.getJsonArray("events", new JsonArray()).stream()
            .map(o -> ResourceEvent.fromJson((JsonObject) o))
            .toList());
  }
}
