package io.cup.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A size in bytes as people write it: {@code 1048576}, {@code 512KiB}, {@code 10MiB}, {@code 1GB}.
 */
public final class ByteSize {
  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib)", Pattern.CASE_INSENSITIVE);

  private ByteSize() {}

  /** The number of bytes; {@link IllegalArgumentException} saying why for anything else. */
  public static long parse(String text) {
    Matcher m = SIZE.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not a size (examples: 1048576, 512KiB, 10MiB, 1GiB)");
    }
    long unit =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "", "b" -> 1L;
          case "k", "kib" -> 1L << 10;
          case "kb" -> 1_000L;
          case "m", "mib" -> 1L << 20;
          case "mb" -> 1_000_000L;
          case "g", "gib" -> 1L << 30;
          default -> 1_000_000_000L;
        };
    long value;
    try {
      value = Math.multiplyExact(Long.parseLong(m.group(1)), unit);
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("\"" + text + "\" is too large");
    }
    if (value <= 0) {
      throw new IllegalArgumentException("must be greater than 0");
    }
    return value;
  }
}
