package io.cup.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Reply to {@code cup.proposal.list}: every proposal, newest first, without diffs. */
public record ProposalList(List<Proposal> items) implements BusMessage {
  public ProposalList {
    items = List.copyOf(items);
  }

  @Override
  public JsonObject toJson() {
    JsonArray array = new JsonArray();
    items.forEach(p -> array.add(p.toJson()));
    return new JsonObject().put("items", array);
  }

  public static ProposalList fromJson(JsonObject json) {
    return new ProposalList(
        json.getJsonArray("items", new JsonArray()).stream()
            .map(o -> Proposal.fromJson((JsonObject) o))
            .toList());
  }
}
