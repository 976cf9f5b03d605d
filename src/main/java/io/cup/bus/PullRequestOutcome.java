package io.cup.bus;

import io.vertx.core.json.JsonObject;

/**
 * Reply to {@code cup.scm.pull-request}: the proposal the pull request belongs to and the state it
 * is in now; {@code proposal} null with {@code state} {@value #IGNORED} (not a Cup proposal branch,
 * or another SCM) or {@value #UNKNOWN} (a proposal id no record has).
 */
public record PullRequestOutcome(String proposal, String state) implements BusMessage {
  public static final String IGNORED = "ignored";
  public static final String UNKNOWN = "unknown";

  /** The proposal {@code id} is in {@code state} now. */
  public static PullRequestOutcome of(String id, ProposalState state) {
    return new PullRequestOutcome(id, state.wire());
  }

  public static PullRequestOutcome ignored() {
    return new PullRequestOutcome(null, IGNORED);
  }

  public static PullRequestOutcome unknown() {
    return new PullRequestOutcome(null, UNKNOWN);
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject().put("proposal", proposal).put("state", state);
  }

  public static PullRequestOutcome fromJson(JsonObject json) {
    return new PullRequestOutcome(json.getString("proposal"), json.getString("state"));
  }
}
