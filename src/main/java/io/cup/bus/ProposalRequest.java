package io.cup.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Request to {@code cup.proposal.create}: commit {@code changes} onto their base and propose. With
 * {@code proposal} (an id) the commit is added to that open proposal instead of opening a new one;
 * the change set was then computed against the proposal's branch. {@code author} is who asked (the
 * commit's author); null: the server's configured identity.
 */
public record ProposalRequest(
    ChangeSet changes,
    String message,
    List<ResourceRef> resources,
    String proposal,
    Requester author)
    implements BusMessage {
  public ProposalRequest {
    resources = List.copyOf(resources);
  }

  public ProposalRequest(ChangeSet changes, String message, List<ResourceRef> resources) {
    this(changes, message, resources, null, null);
  }

  @Override
  public JsonObject toJson() {
    JsonArray array = new JsonArray();
    resources.forEach(r -> array.add(r.toJson()));
    return new JsonObject()
        .put("changeSet", changes.toJson())
        .put("message", message)
        .put("resources", array)
        .put("proposal", proposal)
        .put("author", author == null ? null : author.toJson());
  }

  public static ProposalRequest fromJson(JsonObject json) {
    return new ProposalRequest(
        ChangeSet.fromJson(json.getJsonObject("changeSet")),
        json.getString("message"),
        json.getJsonArray("resources", new JsonArray()).stream()
            .map(o -> ResourceRef.fromJson((JsonObject) o))
            .toList(),
        json.getString("proposal"),
        Requester.fromJson(json.getJsonObject("author")));
  }
}
