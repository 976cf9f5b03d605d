package io.cup.api;

import io.cup.bus.Addresses;
import io.cup.bus.Proposal;
import io.cup.bus.ResourceRef;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code status.proposals} of a resource read at the tracked branch: the open proposals that would
 * change or delete it (id, state, action, URL), so a reader sees pending changes where they look.
 * It is computed on every read, never stored: a {@code PUT} drops it from the body. When the
 * publisher cannot say, the resource is answered without it rather than not at all.
 */
final class PendingProposals {
  private static final Logger LOG = LoggerFactory.getLogger(PendingProposals.class);
  private static final String OPEN = "open";

  private final BusClient bus;

  PendingProposals(BusClient bus) {
    this.bus = bus;
  }

  /** The open proposals, or none when {@code wanted} is false or the publisher fails. */
  Future<List<Proposal>> open(boolean wanted) {
    if (!wanted) {
      return Future.succeededFuture(List.of());
    }
    return bus.request(Addresses.PROPOSAL_LIST, new JsonObject(), bus.timeouts().status())
        .map(
            reply ->
                reply.getJsonArray("items", new JsonArray()).stream()
                    .map(item -> Proposal.fromJson((JsonObject) item))
                    .filter(p -> OPEN.equals(p.state()))
                    .toList())
        .otherwise(
            failure -> {
              LOG.debug("reading without status.proposals: {}", failure.toString());
              return List.of();
            });
  }

  /** {@code resource} with {@code status.proposals} set when an open proposal touches it. */
  static JsonObject annotate(
      JsonObject resource, String apiVersion, String kind, List<Proposal> open, String origin) {
    if (open.isEmpty()) {
      return resource;
    }
    Object metadata = resource.getValue("metadata");
    if (!(metadata instanceof JsonObject meta)) {
      return resource;
    }
    JsonArray pending = new JsonArray();
    for (Proposal proposal : open) {
      for (ResourceRef ref : proposal.resources()) {
        if (apiVersion.equals(ref.apiVersion())
            && kind.equals(ref.kind())
            && meta.getValue("namespace") instanceof String ns
            && ns.equals(ref.namespace())
            && meta.getValue("name") instanceof String name
            && name.equals(ref.name())) {
          pending.add(
              new JsonObject()
                  .put("id", proposal.id())
                  .put("state", proposal.state())
                  .put("action", ref.action())
                  .put("url", ProposalView.absolute(proposal.url(), origin)));
        }
      }
    }
    Object status = resource.getValue("status");
    if (pending.isEmpty() || (status != null && !(status instanceof JsonObject))) {
      return resource;
    }
    JsonObject annotated = resource.copy();
    JsonObject newStatus = status == null ? new JsonObject() : ((JsonObject) status).copy();
    annotated.put("status", newStatus.put("proposals", pending));
    return annotated;
  }
}
