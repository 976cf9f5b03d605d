package io.cup.bus;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * Published on {@code cup.events.proposal}: {@code type} is pending (created, its pull request on a
 * hosted SCM not open yet), opened, updated (a commit added with {@code ?proposal=<id>}, or the
 * proposal replayed onto a moved base), merged, closed or conflicted.
 */
public record ProposalEvent(Type type, Proposal proposal) implements BusMessage {
  /** What happened to the proposal; on the wire the lowercase name. */
  public enum Type {
    PENDING,
    OPENED,
    UPDATED,
    MERGED,
    CLOSED,
    CONFLICTED;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The event of a proposal that reached {@code state}: {@code open} is "opened". */
    public static Type of(ProposalState state) {
      return switch (state) {
        case PENDING -> PENDING;
        case OPEN -> OPENED;
        case MERGED -> MERGED;
        case CLOSED -> CLOSED;
        case CONFLICTED -> CONFLICTED;
      };
    }

    public static Type fromWire(String text) {
      for (Type type : values()) {
        if (type.wire().equals(text)) {
          return type;
        }
      }
      throw new IllegalArgumentException("unknown proposal event type \"" + text + "\"");
    }

    @Override
    public String toString() {
      return wire();
    }
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject().put("type", type.wire()).put("proposal", proposal.toJson());
  }

  public static ProposalEvent fromJson(JsonObject json) {
    return new ProposalEvent(
        Type.fromWire(json.getString("type")), Proposal.fromJson(json.getJsonObject("proposal")));
  }
}
