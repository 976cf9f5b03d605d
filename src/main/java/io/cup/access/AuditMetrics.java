package io.cup.access;

import io.cup.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The audit log's meters, registered once per JVM in {@link Metrics#registry()}; every open {@link
 * AuditLog} adds to the same ones.
 */
final class AuditMetrics {
  static final Counter EVENTS =
      Counter.builder("cup.audit.events")
          .description("audit events recorded")
          .register(Metrics.registry());
  static final Counter WRITE_FAILURES =
      Counter.builder("cup.audit.write.failures")
          .description("failed writes to the audit log (each is retried)")
          .register(Metrics.registry());
  static final Counter LOST =
      Counter.builder("cup.audit.events.lost")
          .description("audit events given up: unwritable at close, or recorded after it")
          .register(Metrics.registry());

  /** Events recorded and not yet written, over every open audit log. */
  static final AtomicLong QUEUED = new AtomicLong();

  static {
    Gauge.builder("cup.audit.queue", QUEUED, AtomicLong::get)
        .description("audit events waiting to be written")
        .register(Metrics.registry());
  }

  private AuditMetrics() {}
}
