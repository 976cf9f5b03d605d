package io.cup.bus;

import java.util.Locale;

/**
 * What Cup serves ({@code --api-source}): a Git remote ({@code git}) or a plain local directory
 * ({@code local}). On the wire, and in flags, the lowercase name.
 */
public enum SourceKind {
  GIT,
  LOCAL;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The kind written as {@code text}; {@code git} when null (the default source). */
  public static SourceKind fromWire(String text) {
    if (text == null) {
      return GIT;
    }
    for (SourceKind kind : values()) {
      if (kind.wire().equals(text)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown source \"" + text + "\" (expected git or local)");
  }

  @Override
  public String toString() {
    return wire();
  }
}
