package io.cup.bus;

import io.vertx.core.json.JsonObject;

/**
 * Request to {@code cup.proposal.get}, {@code cup.proposal.merge} and {@code cup.proposal.close}
 * (and the reconciler's {@code cup.scm.merge}, {@code cup.scm.close}): the proposal id, and who
 * asks (recorded as {@code mergedBy} or {@code closedBy}; null when nobody authenticated).
 */
public record ProposalAction(String id, Requester by) {
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("id", id);
    if (by != null) {
      json.put("by", by.toJson());
    }
    return json;
  }

  public static ProposalAction fromJson(JsonObject json) {
    return new ProposalAction(
        json == null ? null : json.getString("id"),
        json == null ? null : Requester.fromJson(json.getJsonObject("by")));
  }
}
