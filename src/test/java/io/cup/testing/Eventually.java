package io.cup.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits on an outcome that arrives asynchronously outside the test's reach (a file the server
 * writes, a reload another thread does): checks it every few milliseconds until it holds, and fails
 * naming it once the deadline passes. Never a fixed sleep.
 */
public final class Eventually {
  private static final long POLL_NANOS = Duration.ofMillis(20).toNanos();

  private Eventually() {}

  /** A check that may itself wait (a bounded {@code Future.await}) or throw. */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  /**
   * Returns once {@code condition} holds; fails with "timed out waiting until {@code what}". An
   * exception from the check fails at once, as an {@link AssertionError} when it is checked.
   */
  public static void until(String what, Duration within, Condition condition) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!holds(what, condition)) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + within + " waiting until " + what);
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }

  private static boolean holds(String what, Condition condition) {
    try {
      return condition.holds();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new AssertionError("checking whether " + what + " failed", e);
    }
  }
}
