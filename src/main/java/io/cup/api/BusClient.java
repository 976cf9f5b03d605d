package io.cup.api;

import io.cup.status.StatusException;
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

  /** Default bound on this instance's outstanding controller requests: 64 per processor. */
  static final int DEFAULT_CONTROLLER_QUEUE = 64 * Runtime.getRuntime().availableProcessors();

  private static final String CONTROLLER_PREFIX = "cup.controller.";

  private final Vertx vertx;
  private final Timeouts timeouts;
  private final int controllerQueue;

  /** Controller requests sent and not answered yet; only touched on this instance's loop. */
  private int controllerInFlight;

  BusClient(Vertx vertx, Timeouts timeouts) {
    this(vertx, timeouts, DEFAULT_CONTROLLER_QUEUE);
  }

  /**
   * @param controllerQueue at most this many controller requests may wait at once; more are
   *     answered 503 with {@code Retry-After} at once, so a slow controller (a WASM module near its
   *     time limit) makes clients back off instead of piling up work nobody will wait for
   */
  BusClient(Vertx vertx, Timeouts timeouts, int controllerQueue) {
    this.vertx = vertx;
    this.timeouts = timeouts;
    this.controllerQueue = controllerQueue;
  }

  Timeouts timeouts() {
    return timeouts;
  }

  Future<JsonObject> request(String address, JsonObject body, long timeoutMillis) {
    if (!address.startsWith(CONTROLLER_PREFIX)) {
      return send(address, body, timeoutMillis);
    }
    if (controllerInFlight >= controllerQueue) {
      return Future.failedFuture(
          StatusException.unavailable(
              "the controller workers are busy ("
                  + controllerInFlight
                  + " requests waiting); retry shortly",
              1));
    }
    controllerInFlight++;
    return send(address, body, timeoutMillis).andThen(done -> controllerInFlight--);
  }

  private Future<JsonObject> send(String address, JsonObject body, long timeoutMillis) {
    return vertx
        .eventBus()
        .<JsonObject>request(address, body, new DeliveryOptions().setSendTimeout(timeoutMillis))
        .map(Message::body);
  }
}
