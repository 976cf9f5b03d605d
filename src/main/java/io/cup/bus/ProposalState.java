package io.cup.bus;

import java.util.Locale;

/**
 * Where a proposal is in its life. On the wire (and in records) the lowercase name: {@code
 * pending}, {@code open}, {@code merged}, {@code closed}, {@code conflicted}.
 */
public enum ProposalState {
  /** Hosted SCM: its branch and record are pushed, its pull or merge request not opened yet. */
  PENDING,
  /** Open for review: a pull or merge request (hosted SCM) or a local proposal record. */
  OPEN,
  /** Merged into the tracked branch. */
  MERGED,
  /** Closed without merging; its branch stays for reference. */
  CLOSED,
  /** Its change no longer applies to the tracked branch; it can be closed, not merged. */
  CONFLICTED;

  /** The state as JSON and records write it: the lowercase name. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Open, or pending its pull request on a hosted SCM: it would still change its resources. */
  public boolean isOpen() {
    return this == OPEN || this == PENDING;
  }

  /** Open, pending or conflicted: not done yet (neither merged nor closed). */
  public boolean isLive() {
    return isOpen() || this == CONFLICTED;
  }

  /** Merged or closed. */
  public boolean isDone() {
    return this == MERGED || this == CLOSED;
  }

  /** The state written as {@code text}; null for null. */
  public static ProposalState fromWire(String text) {
    if (text == null) {
      return null;
    }
    for (ProposalState state : values()) {
      if (state.wire().equals(text)) {
        return state;
      }
    }
    throw new IllegalArgumentException("unknown proposal state \"" + text + "\"");
  }

  /** The wire name, so messages and logs read as before. */
  @Override
  public String toString() {
    return wire();
  }
}
