package io.cup.api;

import io.cup.bus.Addresses;
import io.cup.bus.BusAddress;
import io.cup.bus.Empty;
import io.cup.bus.Proposal;
import io.cup.bus.ProposalAction;
import io.cup.status.StatusException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The proposal routes under {@code /apis/cup.flipt.io/v1alpha1/proposals}: list, read (with the
 * unified diff, as JSON or as {@code text/x-diff}), merge and close. Each is one request to the
 * proposal publisher.
 */
final class ProposalApi {
  /** Names the proposal list in its continue tokens, so a resource list's token is refused. */
  private static final String LIST_SCOPE = "proposals";

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final List<String> JSON_ONLY = List.of(MediaTypes.JSON);
  private static final List<String> GET_TYPES =
      List.of(MediaTypes.JSON, MediaTypes.DIFF, MediaTypes.TEXT);

  private final BusClient bus;
  private final PendingProposals pending;

  ProposalApi(BusClient bus, PendingProposals pending) {
    this.bus = bus;
    this.pending = pending;
  }

  /**
   * {@code GET …/proposals}: the proposals, newest first, without diffs, as a ProposalList; paged
   * as the resource lists are ({@code limit}, {@code continue}, answering {@code metadata.continue}
   * and {@code remainingItemCount}). A page continues after the last id of the one before (ids sort
   * by creation time), so a proposal made meanwhile shows on no page, and one archived meanwhile is
   * skipped.
   */
  void list(RoutingContext ctx) {
    Reply.send(
        ctx,
        () -> {
          ResourceApi.requireAccept(ctx, JSON_ONLY);
          ListPaging.Query query =
              ListPaging.query(
                  ctx.queryParams().get("limit"), ctx.queryParams().get("continue"), LIST_SCOPE);
          String origin = ResourceApi.origin(ctx);
          return bus.request(Addresses.PROPOSAL_LIST, Empty.INSTANCE, bus.timeouts().proposal())
              .map(
                  reply -> {
                    JsonArray objects = new JsonArray();
                    for (Proposal proposal : reply.items()) {
                      objects.add(ProposalView.object(proposal, origin));
                    }
                    ListPaging.Page page =
                        ListPaging.page(
                            objects, Comparator.reverseOrder(), LIST_SCOPE, query, LIST_SCOPE);
                    JsonObject list = ProposalView.list(page.items());
                    if (page.continueToken() != null) {
                      list.getJsonObject("metadata")
                          .put("continue", page.continueToken())
                          .put("remainingItemCount", page.remaining());
                    }
                    return Reply.json(200, list);
                  });
        });
  }

  /** {@code GET …/proposals/{id}}: the proposal with its diff, or only the diff as text. */
  void get(RoutingContext ctx) {
    Reply.send(
        ctx,
        () -> {
          String type = ResourceApi.requireAccept(ctx, GET_TYPES);
          return read(ctx)
              .map(
                  proposal ->
                      type.equals(MediaTypes.JSON)
                          ? Reply.json(200, ProposalView.object(proposal, ResourceApi.origin(ctx)))
                          : Reply.text(
                              200,
                              type + "; charset=utf-8",
                              proposal.diff() == null ? "" : proposal.diff()));
        });
  }

  /** {@code POST …/proposals/{id}/merge}. */
  void merge(RoutingContext ctx) {
    transition(ctx, Addresses.PROPOSAL_MERGE, bus.timeouts().proposalCreate());
  }

  /** {@code POST …/proposals/{id}/close}. */
  void close(RoutingContext ctx) {
    transition(ctx, Addresses.PROPOSAL_CLOSE, bus.timeouts().proposal());
  }

  private void transition(
      RoutingContext ctx, BusAddress<ProposalAction, Proposal> address, long timeout) {
    Reply.send(
        ctx,
        () -> {
          ResourceApi.requireAccept(ctx, JSON_ONLY);
          ProposalAction action = new ProposalAction(id(ctx), AccessControl.requester(ctx));
          // a close that only the author may do: read the proposal first to know its author
          Future<?> allowed = AccessControl.authorOnly(ctx) ? read(ctx) : Future.succeededFuture();
          return allowed
              .compose(ok -> bus.request(address, action, timeout))
              .map(
                  p -> {
                    pending.record(p);
                    ctx.put(AccessControl.PROPOSAL, p.id());
                    return Reply.json(200, ProposalView.object(p, ResourceApi.origin(ctx)));
                  });
        });
  }

  /**
   * The proposal of the path, read by the publisher; 403 when only its author may and it is not.
   */
  private Future<Proposal> read(RoutingContext ctx) {
    return bus.request(
            Addresses.PROPOSAL_GET, ProposalAction.of(id(ctx)), bus.timeouts().proposal())
        .map(
            proposal -> {
              AccessControl.checkAuthor(ctx, proposal);
              return proposal;
            });
  }

  private static String id(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (id == null || !ID.matcher(id).matches()) {
      throw StatusException.badRequest("invalid proposal id");
    }
    return id;
  }
}
