package io.cup.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Reply to {@code cup.proposal.archive}: the ids of the proposals archived. */
public record ArchivedProposals(List<String> ids) implements BusMessage {
  public ArchivedProposals {
    ids = List.copyOf(ids);
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject().put("ids", new JsonArray(ids));
  }

  public static ArchivedProposals fromJson(JsonObject json) {
    return new ArchivedProposals(
        json.getJsonArray("ids", new JsonArray()).stream().map(String::valueOf).toList());
  }
}
