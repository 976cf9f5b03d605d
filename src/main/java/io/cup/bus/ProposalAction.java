package io.cup.bus;

import io.vertx.core.json.JsonObject;

/**
 * Request to {@code cup.proposal.get}, {@code cup.proposal.merge} and {@code cup.proposal.close},
 * and to the reconciler's {@code cup.scm.open}, {@code cup.scm.merge}, {@code cup.scm.close}: the
 * proposal id, and who asks (recorded as {@code mergedBy} or {@code closedBy}; null when nobody
 * authenticated, and always for get and open). On the wire {@code {"id"}}, with {@code "by"} when
 * someone asks.
 */
public record ProposalAction(String id, Requester by) implements BusMessage {
  /** A request about proposal {@code id} that nobody in particular asks. */
  public static ProposalAction of(String id) {
    return new ProposalAction(id, null);
  }

  @Override
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
