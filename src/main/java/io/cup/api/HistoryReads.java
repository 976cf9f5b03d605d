package io.cup.api;

import static io.cup.api.ResourceApi.requireAccept;

import io.cup.bus.Addresses;
import io.cup.bus.Empty;
import io.cup.bus.HistoryEntry;
import io.cup.bus.HistoryPage;
import io.cup.bus.HistoryRequest;
import io.cup.bus.Proposal;
import io.cup.bus.ProposalId;
import io.cup.bus.ProposalList;
import io.cup.config.ServedResource;
import io.cup.controllers.ResourceVersions;
import io.cup.status.StatusException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET …/{plural}/{name}/history}: the commits of the tracked branch that changed one
 * resource, newest first, paged as Kubernetes lists are ({@code limit}, {@code continue}), as a
 * {@code ResourceHistory} object. The walk is the controller workers' ({@link
 * Addresses#CONTROLLER_HISTORY}); this adds which proposal each commit came from: the proposal its
 * merge commit's message names, or the proposal whose recorded merge commit or head it is ({@link
 * Addresses#PROPOSAL_LIST}; a failing list only leaves those out).
 */
final class HistoryReads {
  private static final Logger LOG = LoggerFactory.getLogger(HistoryReads.class);

  static final String API_VERSION = ProposalView.GROUP + "/" + ProposalView.VERSION;
  static final String KIND = "ResourceHistory";
  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 500;

  private final BusClient bus;

  /** Whether revisions are commits (git source); a local directory has no history. */
  private final boolean revisions;

  HistoryReads(BusClient bus, boolean revisions) {
    this.bus = bus;
    this.revisions = revisions;
  }

  /** A page's place in a history: the head it reads and the commit to resume at. */
  record Position(String head, String from) {}

  void history(RoutingContext ctx) {
    Reply.send(
        ctx,
        () -> {
          ServedResource served = ctx.get(ResourceApi.SERVED);
          requireAccept(ctx, List.of(MediaTypes.JSON));
          String name = ctx.pathParam("name");
          String namespace = ctx.pathParam("namespace");
          String scope = "history|" + served.key() + '|' + namespace + '|' + name;
          int limit = limit(ctx.queryParams().get("limit"));
          Position position = position(ctx.queryParams().get("continue"), scope);
          if (!revisions) {
            throw StatusException.notFound(
                "the history of "
                    + served.definition().plural()
                    + "."
                    + served.definition().group()
                    + " \""
                    + name
                    + "\" is not available: a local directory source has no history");
          }
          HistoryRequest request =
              new HistoryRequest(
                  served.definition().group(),
                  served.version(),
                  served.definition().plural(),
                  namespace,
                  name,
                  position == null ? null : position.head(),
                  position == null ? null : position.from(),
                  limit);
          String origin = ResourceApi.origin(ctx);
          return bus.request(Addresses.CONTROLLER_HISTORY, request, bus.timeouts().controller())
              .recover(
                  failure -> {
                    StatusException status = StatusException.from(failure);
                    if (position != null && status.code() == 404) {
                      return Future.failedFuture(
                          StatusException.expired(
                              "the continue token names commit "
                                  + position.head()
                                  + ", which the repository no longer has: ask again without"
                                  + " continue"));
                    }
                    return Future.failedFuture(status);
                  })
              .compose(page -> proposals(page).map(found -> answer(page, found, scope, origin)));
        });
  }

  /** The proposals by the commits they put on the branch; empty when none are needed or known. */
  private Future<Map<String, Proposal>> proposals(HistoryPage page) {
    if (page.items().isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return bus.request(Addresses.PROPOSAL_LIST, Empty.INSTANCE, bus.timeouts().proposal())
        .map(HistoryReads::byCommit)
        .recover(
            failure -> {
              LOG.debug("history without proposal records: {}", failure.getMessage());
              return Future.succeededFuture(Map.of());
            });
  }

  /** Proposal id → proposal, and merge commit or head → proposal, for merged proposals. */
  static Map<String, Proposal> byCommit(ProposalList list) {
    Map<String, Proposal> found = new HashMap<>();
    for (Proposal proposal : list.items()) {
      found.put(proposal.id(), proposal);
    }
    for (Proposal proposal : list.items()) {
      if (proposal.mergeCommit() != null) {
        found.putIfAbsent(proposal.mergeCommit(), proposal);
      }
      if (proposal.head() != null && proposal.mergeCommit() != null) {
        found.putIfAbsent(proposal.head(), proposal); // merged by a fast-forward, or its own commit
      }
    }
    return found;
  }

  private static Reply answer(
      HistoryPage page, Map<String, Proposal> proposals, String scope, String origin) {
    JsonArray items = new JsonArray();
    for (HistoryEntry entry : page.items()) {
      JsonObject item = entry.toJson();
      JsonObject proposal = proposal(entry, proposals, origin);
      if (proposal != null) {
        item.put("proposal", proposal);
      }
      items.add(item);
    }
    JsonObject metadata = new JsonObject().put("resourceVersion", page.commit());
    if (page.next() != null) {
      metadata.put("continue", token(page.commit(), page.next(), scope));
    }
    if (page.cut()) {
      metadata.put("truncated", true);
    }
    return Reply.json(
        200,
        new JsonObject()
            .put("apiVersion", API_VERSION)
            .put("kind", KIND)
            .put("metadata", metadata)
            .put("items", items));
  }

  /**
   * {@code {"id", "url"?, "pullRequest": {"number", "url"}?}}, or null when not from a proposal.
   */
  static JsonObject proposal(HistoryEntry entry, Map<String, Proposal> proposals, String origin) {
    String id = ProposalId.ofMergeMessage(entry.message());
    Proposal proposal = id != null ? proposals.get(id) : proposals.get(entry.commit());
    if (id == null && proposal == null) {
      return null;
    }
    JsonObject shown = new JsonObject().put("id", id != null ? id : proposal.id());
    if (proposal != null && proposal.url() != null) {
      shown.put("url", ProposalView.absolute(proposal.url(), origin));
    }
    if (proposal != null && proposal.pullRequest() != null) {
      shown.put(
          "pullRequest",
          new JsonObject().put("number", proposal.pullRequest()).put("url", proposal.url()));
    }
    return shown;
  }

  /**
   * {@code limit}: absent, empty or 0 mean {@value #DEFAULT_LIMIT}; at most {@value #MAX_LIMIT}.
   */
  static int limit(String value) {
    if (value == null || value.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    int limit;
    try {
      limit = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 0 || limit > MAX_LIMIT) {
      throw StatusException.badRequest(
          "limit must be an integer from 0 (the default, " + DEFAULT_LIMIT + ") to " + MAX_LIMIT);
    }
    return limit == 0 ? DEFAULT_LIMIT : limit;
  }

  /** The position a continue token names; null without one; 400 for a token that is not ours. */
  static Position position(String token, String scope) {
    if (token == null || token.isEmpty()) {
      return null;
    }
    JsonObject json = ListPaging.decode(token);
    try {
      String head = json.getString("rv");
      String from = json.getString("from");
      if (!ResourceVersions.isCommitId(head) || !ResourceVersions.isCommitId(from)) {
        throw ListPaging.invalidToken();
      }
      if (!scope.equals(json.getString("list"))) {
        throw StatusException.badRequest(
            "the continue token belongs to the history of another resource");
      }
      return new Position(head, from);
    } catch (ClassCastException e) {
      throw ListPaging.invalidToken();
    }
  }

  static String token(String head, String from, String scope) {
    return ListPaging.encode(new JsonObject().put("rv", head).put("from", from).put("list", scope));
  }
}
