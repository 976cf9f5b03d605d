package io.cup.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits on an outcome that arrives asynchronously outside the test's reach (a file the server
 * writes, a reload another thread does): checks it every few milliseconds until it holds, and fails
 * naming it once the deadline passes. Never a fixed sleep.
 */
public final class Eventually {
  private static final long POLL_NANOS = Duration.ofMillis(20).toNanos();

  private Eventually() {}

  /** Returns once {@code condition} holds; fails with "timed out waiting until {@code what}". */
  public static void until(String what, Duration within, BooleanSupplier condition) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + within + " waiting until " + what);
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }
}
