package io.cup.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * Request/reply to the other verticles, each with a send timeout so no HTTP request waits forever:
 * a timeout fails with a bus TIMEOUT (HTTP 504), a missing verticle with NO_HANDLERS (503), and a
 * verticle's own failure carries its encoded status.
 */
final class BusClient {
  /** Send timeouts in milliseconds; defaults, overridable in the verticle's config. */
  record Timeouts(long controller, long proposalCreate, long proposal, long status) {
    static final Timeouts DEFAULTS = new Timeouts(30_000, 60_000, 30_000, 5_000);

    static Timeouts from(JsonObject config) {
      return new Timeouts(
          config.getLong("controllerTimeoutMillis", DEFAULTS.controller()),
          config.getLong("proposalCreateTimeoutMillis", DEFAULTS.proposalCreate()),
          config.getLong("proposalTimeoutMillis", DEFAULTS.proposal()),
          config.getLong("statusTimeoutMillis", DEFAULTS.status()));
    }
  }

  private final Vertx vertx;
  private final Timeouts timeouts;

  BusClient(Vertx vertx, Timeouts timeouts) {
    this.vertx = vertx;
    this.timeouts = timeouts;
  }

  Timeouts timeouts() {
    return timeouts;
  }

  Future<JsonObject> request(String address, JsonObject body, long timeoutMillis) {
    return vertx
        .eventBus()
        .<JsonObject>request(address, body, new DeliveryOptions().setSendTimeout(timeoutMillis))
        .map(Message::body);
  }
}
