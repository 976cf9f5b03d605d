package io.cup.bus;

import io.vertx.core.json.JsonObject;

/**
 * Request to {@code cup.proposal.archive}: archive up to {@code max} merged and closed proposals
 * last changed before {@code cutoff} (RFC 3339), oldest first.
 */
public record ProposalArchive(String cutoff, int max) implements BusMessage {
  @Override
  public JsonObject toJson() {
    return new JsonObject().put("cutoff", cutoff).put("max", max);
  }

  public static ProposalArchive fromJson(JsonObject json) {
    return new ProposalArchive(json.getString("cutoff"), json.getInteger("max", 0));
  }
}
