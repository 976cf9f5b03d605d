package io.cup.bus;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * Request to {@code cup.proposal.record}: the reconciler asks the publisher, the one writer of
 * proposal records, to record what it learnt about proposal {@code id}. {@code change} says what:
 *
 * <ul>
 *   <li>{@code pull-request}: its pull or merge request as the SCM reports it ({@code pullRequest};
 *       {@code by} who merged or closed it through Cup, null when the SCM reported it);
 *   <li>{@code conflicted}: it no longer applies to the moved tracked branch (when still open);
 *   <li>{@code closed}: closed by {@code by} before its pull request was ever opened;
 *   <li>{@code rebased}: moved onto {@code base}: one commit with the tree of commit {@code
 *       replayed} becomes its branch head, pushed with a lease on {@code expectedHead}.
 * </ul>
 */
public record ProposalRecordChange(
    String id,
    Change change,
    PullRequestChange pullRequest,
    Requester by,
    String expectedHead,
    String base,
    String replayed)
    implements BusMessage {

  /** What changed; on the wire the lowercase name, '-' for '_'. */
  public enum Change {
    PULL_REQUEST,
    CONFLICTED,
    CLOSED,
    REBASED;

    public String wire() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Change fromWire(String text) {
      for (Change change : values()) {
        if (change.wire().equals(text)) {
          return change;
        }
      }
      throw new IllegalArgumentException("unknown record change \"" + text + "\"");
    }
  }

  public static ProposalRecordChange pullRequest(String id, PullRequestChange pull, Requester by) {
    return new ProposalRecordChange(id, Change.PULL_REQUEST, pull, by, null, null, null);
  }

  public static ProposalRecordChange conflicted(String id) {
    return new ProposalRecordChange(id, Change.CONFLICTED, null, null, null, null, null);
  }

  public static ProposalRecordChange closed(String id, Requester by) {
    return new ProposalRecordChange(id, Change.CLOSED, null, by, null, null, null);
  }

  public static ProposalRecordChange rebased(
      String id, String expectedHead, String base, String replayed) {
    return new ProposalRecordChange(id, Change.REBASED, null, null, expectedHead, base, replayed);
  }

  @Override
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("id", id).put("change", change.wire());
    if (pullRequest != null) {
      json.put("pullRequest", pullRequest.toJson());
    }
    if (by != null) {
      json.put("by", by.toJson());
    }
    if (expectedHead != null) {
      json.put("expectedHead", expectedHead);
    }
    if (base != null) {
      json.put("base", base);
    }
    if (replayed != null) {
      json.put("replayed", replayed);
    }
    return json;
  }

  public static ProposalRecordChange fromJson(JsonObject json) {
    JsonObject pull = json.getJsonObject("pullRequest");
    return new ProposalRecordChange(
        json.getString("id"),
        Change.fromWire(json.getString("change")),
        pull == null ? null : PullRequestChange.fromJson(pull),
        Requester.fromJson(json.getJsonObject("by")),
        json.getString("expectedHead"),
        json.getString("base"),
        json.getString("replayed"));
  }
}
