package io.cup.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The process-wide Micrometer registry that {@code GET /metrics} renders. Every verticle registers
 * its meters here; names use the {@code cup.} prefix (rendered as {@code cup_…}).
 */
public final class Metrics {
  private static final PrometheusMeterRegistry REGISTRY =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  private Metrics() {}

  public static PrometheusMeterRegistry registry() {
    return REGISTRY;
  }
}
