package io.cup.api;

import io.cup.bus.Addresses;
import io.cup.bus.BusAddress;
import io.cup.bus.BusMessage;
import io.cup.status.StatusException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Set;

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

  /** Default bound on this instance's outstanding controller reads: 64 per processor. */
  static final int DEFAULT_CONTROLLER_QUEUE = 64 * Runtime.getRuntime().availableProcessors();

  /**
   * Default bound on this instance's outstanding controller writes: 128 per processor. Writes are
   * the expensive requests (a WASM controller rewriting a file), and they wait apart from reads.
   * The bound is wide enough for a burst of a few hundred clients writing at once (their writes go
   * to the remote in a few group pushes), and still stops a slow controller from piling up work.
   */
  static final int DEFAULT_CONTROLLER_WRITE_QUEUE =
      128 * Runtime.getRuntime().availableProcessors();

  /** The controller addresses that compute change sets, run on the write workers. */
  private static final Set<BusAddress<?, ?>> WRITES =
      Set.of(Addresses.CONTROLLER_PUT, Addresses.CONTROLLER_DELETE);

  private static final String CONTROLLER_PREFIX = "cup.controller.";

  private final Vertx vertx;
  private final Timeouts timeouts;
  private final Bound reads;
  private final Bound writes;

  BusClient(Vertx vertx, Timeouts timeouts) {
    this(vertx, timeouts, DEFAULT_CONTROLLER_QUEUE, DEFAULT_CONTROLLER_WRITE_QUEUE);
  }

  /**
   * @param readQueue at most this many controller reads (get, list, events) may wait at once
   * @param writeQueue at most this many controller writes (put, delete) may wait at once; beyond
   *     either bound a request is answered 503 with {@code Retry-After} at once, so a slow
   *     controller (a WASM module near its time limit) makes clients back off instead of piling up
   *     work nobody will wait for. The bounds are apart so that writes filling theirs never make
   *     reads 503.
   */
  BusClient(Vertx vertx, Timeouts timeouts, int readQueue, int writeQueue) {
    this.vertx = vertx;
    this.timeouts = timeouts;
    this.reads = new Bound("reads", readQueue);
    this.writes = new Bound("writes", writeQueue);
  }

  /**
   * The bounds of an API verticle's config: {@code controllerQueue} (reads), {@code
   * controllerWriteQueue} (writes; when absent, the smaller of {@code controllerQueue} and its
   * default).
   */
  static BusClient of(Vertx vertx, JsonObject config) {
    int readQueue = config.getInteger("controllerQueue", DEFAULT_CONTROLLER_QUEUE);
    int writeQueue =
        config.getInteger(
            "controllerWriteQueue", Math.min(readQueue, DEFAULT_CONTROLLER_WRITE_QUEUE));
    return new BusClient(vertx, Timeouts.from(config), readQueue, writeQueue);
  }

  Timeouts timeouts() {
    return timeouts;
  }

  <Q extends BusMessage, R extends BusMessage> Future<R> request(
      BusAddress<Q, R> address, Q body, long timeoutMillis) {
    if (!address.name().startsWith(CONTROLLER_PREFIX)) {
      return send(address, body, timeoutMillis);
    }
    Bound bound = WRITES.contains(address) ? writes : reads;
    if (bound.inFlight >= bound.limit) {
      return Future.failedFuture(
          StatusException.unavailable(
              "the controller workers are busy ("
                  + bound.inFlight
                  + " "
                  + bound.name
                  + " waiting); retry shortly",
              1));
    }
    bound.inFlight++;
    return send(address, body, timeoutMillis).andThen(done -> bound.inFlight--);
  }

  /** Controller requests of one kind sent and not answered yet; only touched on this loop. */
  private static final class Bound {
    final String name;
    final int limit;
    int inFlight;

    Bound(String name, int limit) {
      this.name = name;
      this.limit = limit;
    }
  }

  private <Q extends BusMessage, R extends BusMessage> Future<R> send(
      BusAddress<Q, R> address, Q body, long timeoutMillis) {
    return address.request(vertx.eventBus(), body, timeoutMillis);
  }
}
