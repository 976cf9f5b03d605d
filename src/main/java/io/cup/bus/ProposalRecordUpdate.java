package io.cup.bus;

import io.vertx.core.json.JsonObject;

/**
 * Reply to {@code cup.proposal.record}: the proposal as recorded now; {@code changedState} when
 * this change moved it to another state (the publisher then published the event); {@code written}
 * false when nothing was written: a rebase whose lease did not hold (someone moved the branch or
 * the record meanwhile), or a change that leaves the record as it is.
 */
public record ProposalRecordUpdate(Proposal proposal, boolean changedState, boolean written)
    implements BusMessage {
  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("proposal", proposal.toJson())
        .put("changedState", changedState)
        .put("written", written);
  }

  public static ProposalRecordUpdate fromJson(JsonObject json) {
    return new ProposalRecordUpdate(
        Proposal.fromJson(json.getJsonObject("proposal")),
        json.getBoolean("changedState", false),
        json.getBoolean("written", false));
  }
}
