package io.cup.wasm;

import java.time.Duration;
import java.util.Objects;

/**
 * What one call of a WASM controller may use: {@code wallTime} from instantiation to exit (→ 504),
 * {@code memoryBytes} of linear memory (rounded down to whole 64 KiB pages, → 500) and {@code
 * outputBytes} of stdout and stderr together (→ 500).
 */
public record WasmLimits(Duration wallTime, long memoryBytes, long outputBytes) {
  public static final Duration DEFAULT_WALL_TIME = Duration.ofSeconds(5);
  public static final long DEFAULT_MEMORY_BYTES = 64L << 20;
  public static final long DEFAULT_OUTPUT_BYTES = 16L << 20;

  /** 5 s, 64 MiB of memory, 16 MiB of output. */
  public static final WasmLimits DEFAULTS =
      new WasmLimits(DEFAULT_WALL_TIME, DEFAULT_MEMORY_BYTES, DEFAULT_OUTPUT_BYTES);

  private static final int PAGE_SIZE = 65536;

  /** Chicory's limit on linear memory: Integer.MAX_VALUE / 64 KiB pages. */
  private static final int MAX_PAGES = 32767;

  public WasmLimits {
    Objects.requireNonNull(wallTime, "wallTime");
    if (wallTime.isNegative() || wallTime.isZero()) {
      throw new IllegalArgumentException("wall time must be positive, got " + wallTime);
    }
    if (memoryBytes < PAGE_SIZE) {
      throw new IllegalArgumentException(
          "memory limit must be at least one 64 KiB page, got " + memoryBytes + " bytes");
    }
    if (outputBytes < 0) {
      throw new IllegalArgumentException("output limit must not be negative");
    }
  }

  /** The memory limit as the guest gets it: whole 64 KiB pages, in bytes. */
  long memoryCapBytes() {
    return (long) memoryPages() * PAGE_SIZE;
  }

  /** The memory limit in WebAssembly pages (64 KiB each). */
  int memoryPages() {
    return (int) Math.min(memoryBytes / PAGE_SIZE, MAX_PAGES);
  }

  /** A byte count as people read it: "64 MiB", "1.5 KiB", "100 bytes". */
  static String describe(long bytes) {
    String[] units = {"bytes", "KiB", "MiB", "GiB"};
    double value = bytes;
    int unit = 0;
    while (value >= 1024 && unit < units.length - 1 && value % 1 == 0) {
      value /= 1024;
      unit++;
    }
    return (value % 1 == 0 ? String.valueOf((long) value) : String.valueOf(value))
        + " "
        + units[unit];
  }
}
