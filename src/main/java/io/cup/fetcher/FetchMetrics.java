package io.cup.fetcher;

import io.cup.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fetcher's meters, registered once per JVM in {@link Metrics#registry()}: {@code
 * cup.fetch.age.seconds} (seconds since the last successful fetch; NaN before the first), {@code
 * cup.fetch.total} tagged {@code result=ok|error}, and the timer {@code cup.fetch.duration}.
 */
final class FetchMetrics {
  private static final AtomicLong LAST_SUCCESS_MILLIS = new AtomicLong();

  static final Counter OK =
      Counter.builder("cup.fetch.total")
          .description("fetches from the Git remote, by result")
          .tag("result", "ok")
          .register(Metrics.registry());
  static final Counter ERROR =
      Counter.builder("cup.fetch.total")
          .description("fetches from the Git remote, by result")
          .tag("result", "error")
          .register(Metrics.registry());
  static final Timer DURATION =
      Timer.builder("cup.fetch.duration")
          .description("time a fetch from the Git remote took, failed ones included")
          .register(Metrics.registry());

  static {
    Gauge.builder("cup.fetch.age.seconds", LAST_SUCCESS_MILLIS, FetchMetrics::ageSeconds)
        .description("seconds since the last successful fetch from the Git remote")
        .baseUnit("seconds")
        .strongReference(true)
        .register(Metrics.registry());
  }

  private FetchMetrics() {}

  static void succeeded(long epochMillis) {
    LAST_SUCCESS_MILLIS.set(epochMillis);
    OK.increment();
  }

  static void failed() {
    ERROR.increment();
  }

  private static double ageSeconds(AtomicLong lastSuccess) {
    long last = lastSuccess.get();
    return last == 0 ? Double.NaN : (System.currentTimeMillis() - last) / 1000.0;
  }
}
