package io.cup.bus;

import io.vertx.core.json.JsonObject;

/**
 * Published on {@code cup.events.proposal}: {@code type} is pending (created, its pull request on a
 * hosted SCM not open yet), opened, updated (a commit added with {@code ?proposal=<id>}, or the
 * proposal replayed onto a moved base), merged, closed or conflicted.
 */
public record ProposalEvent(String type, Proposal proposal) {
  public JsonObject toJson() {
    return new JsonObject().put("type", type).put("proposal", proposal.toJson());
  }

  public static ProposalEvent fromJson(JsonObject json) {
    return new ProposalEvent(
        json.getString("type"), Proposal.fromJson(json.getJsonObject("proposal")));
  }
}
