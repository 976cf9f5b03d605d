package io.cup.api;

import io.cup.bus.Addresses;
import io.cup.bus.Empty;
import io.cup.bus.Proposal;
import io.cup.bus.ResourceRef;
import io.cup.status.StatusException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code status.proposals} of a resource read at the tracked branch: the open proposals that would
 * change or delete it (id, state, action, URL), so a reader sees pending changes where they look.
 *
 * <p>Kept as an index in this verticle instance, never asked for on a read: loaded from {@code
 * cup.proposal.list} at start, then kept up to date from {@code cup.events.proposal} (published by
 * every publisher, on every node), from this instance's own create/merge/close answers (so a client
 * that reads right after its write sees its proposal), and by a full reload every {@link
 * #RESYNC_MILLIS} in case an event was missed. Reads only touch the event loop's own map. It is
 * never stored: a {@code PUT} drops it from the body.
 */
final class PendingProposals {
  private static final Logger LOG = LoggerFactory.getLogger(PendingProposals.class);
  static final long RESYNC_MILLIS = 30_000;

  private final Vertx vertx;
  private final BusClient bus;

  /** Open proposals by id; only touched on this verticle's event loop. */
  private final Map<String, Proposal> open = new HashMap<>();

  /**
   * The same, by resource: "apiVersion|kind|namespace|name" → proposals touching it, by id. Kept up
   * to date entry by entry as events arrive (a burst of n writes costs n small updates, not n
   * rebuilds of the whole index); only touched on this verticle's event loop.
   */
  private final Map<String, List<Pending>> byResource = new HashMap<>();

  /**
   * While a list is in flight: what events and answers said meanwhile, to apply on top of the list
   * (it was read before them); null when no list is in flight.
   */
  private List<Proposal> sinceListed;

  /** The list in flight, which a resync joins instead of asking again. */
  private Future<Void> reloading;

  private MessageConsumer<JsonObject> events;
  private long resyncTimer = -1;
  private boolean loadFailing;

  private record Pending(Proposal proposal, String action) {}

  PendingProposals(Vertx vertx, BusClient bus) {
    this.vertx = vertx;
    this.bus = bus;
  }

  /** Listens for proposal events and loads the open proposals; never fails the start. */
  Future<Void> start() {
    events = Addresses.EVENTS_PROPOSAL.consume(vertx.eventBus(), event -> record(event.proposal()));
    resyncTimer = vertx.setPeriodic(RESYNC_MILLIS, id -> reload());
    return events.completion().compose(ignored -> reload());
  }

  Future<Void> stop() {
    if (resyncTimer >= 0) {
      vertx.cancelTimer(resyncTimer);
    }
    return events == null ? Future.succeededFuture() : events.unregister();
  }

  private Future<Void> reload() {
    if (reloading != null) {
      return reloading.otherwiseEmpty();
    }
    sinceListed = new ArrayList<>();
    reloading =
        bus.request(Addresses.PROPOSAL_LIST, Empty.INSTANCE, bus.timeouts().status())
            .map(
                reply -> {
                  open.clear();
                  byResource.clear();
                  reply.items().stream().filter(Proposal::isOpen).forEach(this::apply);
                  // the list was read before these: they are newer
                  for (Proposal proposal : sinceListed) {
                    apply(proposal);
                  }
                  return (Void) null;
                })
            .andThen(
                done -> {
                  sinceListed = null;
                  reloading = null;
                });
    return reloading
        .map(
            ignored -> {
              loadFailing = false;
              return (Void) null;
            })
        .otherwise(
            failure -> {
              // said once per run of failures (no clone yet, publisher restarting), not per resync
              if (!loadFailing) {
                LOG.warn(
                    "cannot load the open proposals, status.proposals may lag: {}",
                    StatusException.from(failure).getMessage());
              }
              loadFailing = true;
              return null;
            });
  }

  /** A proposal in its newest known state: kept while open, dropped otherwise. */
  void record(Proposal proposal) {
    if (proposal == null || proposal.id() == null) {
      return;
    }
    if (sinceListed != null) {
      sinceListed.add(proposal);
    }
    apply(proposal);
  }

  /** Puts or drops {@code proposal} in {@code open} and in the index by resource. */
  private void apply(Proposal proposal) {
    Proposal old =
        proposal.isOpen() ? open.put(proposal.id(), proposal) : open.remove(proposal.id());
    if (proposal.equals(old)) {
      return;
    }
    if (old != null) {
      for (ResourceRef ref : old.resources()) {
        String key = key(ref.apiVersion(), ref.kind(), ref.namespace(), ref.name());
        List<Pending> touching = byResource.get(key);
        if (touching != null) {
          touching.removeIf(p -> p.proposal().id().equals(old.id()));
          if (touching.isEmpty()) {
            byResource.remove(key);
          }
        }
      }
    }
    if (proposal.isOpen()) {
      for (ResourceRef ref : proposal.resources()) {
        List<Pending> touching =
            byResource.computeIfAbsent(
                key(ref.apiVersion(), ref.kind(), ref.namespace(), ref.name()),
                k -> new ArrayList<>());
        Pending pending = new Pending(proposal, ref.action());
        int at = 0;
        while (at < touching.size()
            && touching.get(at).proposal().id().compareTo(proposal.id()) < 0) {
          at++;
        }
        touching.add(at, pending);
      }
    }
  }

  private static String key(String apiVersion, String kind, String namespace, String name) {
    return apiVersion + '|' + kind + '|' + namespace + '|' + name;
  }

  /**
   * {@code resource} with {@code status.proposals} set when an open proposal touches it: a new
   * object and a new {@code status}, sharing every other value with {@code resource}, which stays
   * as it was (a listed resource's nested values are the controller's cached parses, read only).
   */
  JsonObject annotate(JsonObject resource, String apiVersion, String kind, String origin) {
    if (byResource.isEmpty()
        || !(resource.getValue("metadata") instanceof JsonObject meta)
        || !(meta.getValue("namespace") instanceof String namespace)
        || !(meta.getValue("name") instanceof String name)) {
      return resource;
    }
    List<Pending> touching = byResource.get(key(apiVersion, kind, namespace, name));
    Object status = resource.getValue("status");
    if (touching == null || (status != null && !(status instanceof JsonObject))) {
      return resource;
    }
    JsonArray pending = new JsonArray();
    for (Pending p : touching) {
      pending.add(
          new JsonObject()
              .put("id", p.proposal().id())
              .put("state", p.proposal().state().wire())
              .put("action", p.action())
              .put("url", ProposalView.absolute(p.proposal().url(), origin)));
    }
    JsonObject annotated = new JsonObject(new LinkedHashMap<>(resource.getMap()));
    JsonObject newStatus =
        status == null
            ? new JsonObject()
            : new JsonObject(new LinkedHashMap<>(((JsonObject) status).getMap()));
    annotated.put("status", newStatus.put("proposals", pending));
    return annotated;
  }
}
