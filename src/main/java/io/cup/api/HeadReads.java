package io.cup.api;

import io.cup.bus.Addresses;
import io.cup.bus.Empty;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resources read at the tracked branch head, kept by this verticle instance so that a read of the
 * head does not cross the event bus each time. A commit never changes, so what the controller
 * worker answered for (commit, resource) stays true; the cache holds only answers for the head this
 * instance knows, and empties when {@code cup.events.head} says the head moved. The head is learnt
 * from {@code cup.repository.status} at start and from every {@code cup.events.head} after; until
 * it is known, or when the answer was read at another commit (a fetch in between), nothing is kept.
 * Only for a Git source: a local directory changes in place, without commits.
 *
 * <p>Confined to the verticle's event loop: no locks.
 */
final class HeadReads {
  private static final Logger LOG = LoggerFactory.getLogger(HeadReads.class);
  static final int DEFAULT_CAPACITY = 10_000;

  /** A resource as the controller read it, and its JSON encoding (encoded once). */
  record Read(JsonObject resource, String json) {}

  private final Vertx vertx;
  private final BusClient bus;
  private final Map<String, Read> reads;
  private String head;
  private MessageConsumer<JsonObject> moves;

  HeadReads(Vertx vertx, BusClient bus, int capacity) {
    this.vertx = vertx;
    this.bus = bus;
    this.reads =
        new LinkedHashMap<>(256, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Read> eldest) {
            return size() > capacity;
          }
        };
  }

  /** Follows the head; never fails the start (without a head, nothing is cached). */
  Future<Void> start() {
    moves = Addresses.EVENTS_HEAD.consumeOnNode(vertx.eventBus(), moved -> moved(moved.to()));
    return moves
        .completion()
        .compose(
            ignored ->
                bus.request(Addresses.REPOSITORY_STATUS, Empty.INSTANCE, bus.timeouts().status()))
        .<Void>map(
            status -> {
              if (head == null && status.head() != null) {
                head = status.head();
              }
              return null;
            })
        .otherwise(
            failure -> {
              LOG.debug("head unknown at start, reads are not cached yet: {}", failure.toString());
              return null;
            });
  }

  Future<Void> stop() {
    return moves == null ? Future.succeededFuture() : moves.unregister();
  }

  void moved(String to) {
    if (!Objects.equals(head, to)) {
      head = to;
      reads.clear();
    }
  }

  /** The resource at the head under {@code key}, or null when not kept. */
  Read get(String key) {
    return head == null ? null : reads.get(key);
  }

  /** Keeps {@code resource} when it was read at the head this instance knows. */
  Read put(String commit, String key, JsonObject resource) {
    Read read = new Read(resource, resource.encode());
    if (head != null && head.equals(commit)) {
      reads.put(key, read);
    }
    return read;
  }
}
