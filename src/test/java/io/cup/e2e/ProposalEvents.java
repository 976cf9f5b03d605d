package io.cup.e2e;

import io.cup.bus.Addresses;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Every {@code cup.events.proposal} an in-process server publishes, recorded from the moment the
 * recorder starts, so a test can wait for an event that may already have come.
 */
final class ProposalEvents {
  private final Map<String, Promise<JsonObject>> events = new ConcurrentHashMap<>();

  /** Starts recording on {@code vertx}'s event bus; returns once the consumer is registered. */
  static ProposalEvents record(Vertx vertx) throws Exception {
    ProposalEvents recorder = new ProposalEvents();
    vertx
        .eventBus()
        .<JsonObject>consumer(
            Addresses.EVENTS_PROPOSAL.name(),
            m ->
                recorder
                    .of(
                        m.body().getJsonObject("proposal").getString("id"),
                        m.body().getString("type"))
                    .tryComplete(m.body()))
        .completion()
        .await(2, TimeUnit.MINUTES);
    return recorder;
  }

  /** The first event of {@code type} (opened, updated, merged…) for proposal {@code id}. */
  Promise<JsonObject> of(String id, String type) {
    return events.computeIfAbsent(id + "|" + type, k -> Promise.promise());
  }
}
