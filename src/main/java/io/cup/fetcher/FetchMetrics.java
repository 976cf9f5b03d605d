package io.cup.fetcher;

import io.cup.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fetcher's meters in {@link Metrics#registry()}: {@code cup.fetch.total} tagged {@code
 * result=ok|error} and the timer {@code cup.fetch.duration}, counted for the process, and {@code
 * cup.fetch.age.seconds} (seconds since the last successful fetch; NaN before the first), which
 * belongs to one fetcher: registered when it starts ({@link #register()}) and removed when it stops
 * ({@link #close()}), so a fetcher started later in the same process reports its own fetches.
 */
final class FetchMetrics implements AutoCloseable {
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

  /** When the owning fetcher last fetched successfully (epoch millis; 0: never). */
  private final AtomicLong lastSuccessMillis = new AtomicLong();

  private final Gauge age;

  private FetchMetrics() {
    age =
        Gauge.builder("cup.fetch.age.seconds", lastSuccessMillis, FetchMetrics::ageSeconds)
            .description("seconds since the last successful fetch from the Git remote")
            .baseUnit("seconds")
            .strongReference(true)
            .register(Metrics.registry());
  }

  /** The meters of a fetcher that starts now. */
  static FetchMetrics register() {
    return new FetchMetrics();
  }

  void succeeded(long epochMillis) {
    lastSuccessMillis.set(epochMillis);
    OK.increment();
  }

  void failed() {
    ERROR.increment();
  }

  /** Removes the age gauge: its fetcher stopped. */
  @Override
  public void close() {
    Metrics.registry().remove(age);
  }

  private static double ageSeconds(AtomicLong lastSuccess) {
    long last = lastSuccess.get();
    return last == 0 ? Double.NaN : (System.currentTimeMillis() - last) / 1000.0;
  }
}
