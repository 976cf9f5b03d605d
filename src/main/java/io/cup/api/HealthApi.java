package io.cup.api;

import io.cup.bus.Addresses;
import io.cup.bus.Empty;
import io.cup.cluster.ClusterMembership;
import io.cup.metrics.Metrics;
import io.cup.status.StatusException;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

/**
 * Liveness, readiness and metrics. Liveness only says the HTTP verticle answers; readiness asks the
 * repository fetcher whether the clone is there (a clone whose last fetch failed still serves
 * reads, so it stays ready) and, on a cluster, whether this node is a member of it; metrics renders
 * the process registry in Prometheus text format.
 */
final class HealthApi {
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final String TEXT = "text/plain; charset=utf-8";

  private final BusClient bus;
  private final ClusterMembership membership;

  HealthApi(BusClient bus, ClusterMembership membership) {
    this.bus = bus;
    this.membership = membership;
  }

  void live(RoutingContext ctx) {
    Reply.text(200, TEXT, "ok").write(ctx);
  }

  void ready(RoutingContext ctx) {
    if (!membership.joined()) {
      Reply.send(
          ctx,
          Future.failedFuture(
              StatusException.unavailable(
                  "not ready: this node is not a member of its cluster",
                  StatusException.REMOTE_RETRY_AFTER_SECONDS)));
      return;
    }
    Reply.send(
        ctx,
        bus.request(Addresses.REPOSITORY_STATUS, Empty.INSTANCE, bus.timeouts().status())
            .transform(
                ar -> {
                  if (ar.succeeded() && ar.result().ready()) {
                    return Future.succeededFuture(Reply.text(200, TEXT, "ok"));
                  }
                  // the fetch error names the remote: the fetcher logs it, the answer does not
                  String why =
                      ar.succeeded()
                          ? "the repository has not been cloned yet"
                              + (ar.result().lastError() == null
                                  ? ""
                                  : " (the last fetch failed; the server log says why)")
                          : StatusException.from(ar.cause()).getMessage();
                  return Future.failedFuture(
                      StatusException.unavailable(
                          "not ready: " + why, StatusException.REMOTE_RETRY_AFTER_SECONDS));
                }));
  }

  void metrics(RoutingContext ctx) {
    Reply.text(200, PROMETHEUS_TEXT, Metrics.registry().scrape()).write(ctx);
  }
}
