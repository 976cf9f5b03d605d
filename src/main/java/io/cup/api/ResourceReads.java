package io.cup.api;

import static io.cup.api.ResourceApi.emptyToNull;
import static io.cup.api.ResourceApi.origin;
import static io.cup.api.ResourceApi.requireAccept;
import static io.cup.api.ResourceApi.target;

import io.cup.bus.Addresses;
import io.cup.bus.ListReply;
import io.cup.bus.ResourceRequest;
import io.cup.config.ServedResource;
import io.cup.controllers.LabelSelector;
import io.cup.controllers.ResourceVersions;
import io.cup.status.StatusException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/**
 * The resource reads: get and list of resources (at the tracked head, a branch, a commit or a
 * proposal) and watches. Every read goes to the controller workers; a read of the tracked head
 * carries the open proposals that would change the resource ({@link PendingProposals}) and may be
 * answered from the resources this instance keeps ({@link HeadReads}).
 */
final class ResourceReads {
  /** The continue token of an NDJSON list page, which has no list object to carry it. */
  static final String CONTINUE_HEADER = "Cup-Continue";

  private static final List<String> LIST_TYPES = List.of(MediaTypes.NDJSON, MediaTypes.JSON);
  private static final List<String> GET_TYPES = List.of(MediaTypes.JSON, MediaTypes.NDJSON);
  private static final List<String> WATCH_TYPES =
      List.of(MediaTypes.NDJSON, MediaTypes.JSON, MediaTypes.EVENT_STREAM);

  private final BusClient bus;
  private final PendingProposals pending;

  /** Reads at the tracked head kept in this instance; null for a local directory source. */
  private final HeadReads headReads;

  /** The open watches of this instance; null for a local directory source. */
  private final Watches watches;

  /** Whether revisions are commits (git source); a local directory has only its one state. */
  private final boolean revisions;

  ResourceReads(
      BusClient bus,
      PendingProposals pending,
      HeadReads headReads,
      Watches watches,
      boolean revisions) {
    this.bus = bus;
    this.pending = pending;
    this.headReads = headReads;
    this.watches = watches;
    this.revisions = revisions;
  }

  /** {@code GET …/{plural}?watch=true}: a stream of watch events (see {@link Watches}). */
  private void watch(RoutingContext ctx) {
    ServedResource served = ctx.get(ResourceApi.SERVED);
    if ("websocket".equalsIgnoreCase(ctx.request().getHeader(HttpHeaders.UPGRADE))) {
      // 503 is what Kubernetes clients (fabric8) take, as from kubectl proxy, to watch with a
      // streamed GET instead
      throw StatusException.unavailable(
          "watches are served as a streamed GET, not over WebSocket: send the request without"
              + " Upgrade",
          null);
    }
    String type = requireAccept(ctx, WATCH_TYPES);
    if (watches == null) {
      throw StatusException.badRequest(
          "watch needs a Git source: a local directory has no history to follow");
    }
    String selector = emptyToNull(ctx.queryParams().get("labelSelector"));
    if (selector != null) {
      LabelSelector.parse(selector);
    }
    if (ctx.queryParams().get("revision") != null) {
      throw StatusException.badRequest("a watch follows the tracked branch: drop revision");
    }
    watches.watch(ctx, served, type);
  }

  /** {@code GET …/{plural}}: NDJSON unless the client prefers a JSON list object. */
  void list(RoutingContext ctx) {
    if (isWatch(ctx)) {
      watch(ctx);
      return;
    }
    Reply.send(
        ctx,
        () -> {
          ServedResource served = ctx.get(ResourceApi.SERVED);
          String type = requireAccept(ctx, LIST_TYPES);
          String selector = emptyToNull(ctx.queryParams().get("labelSelector"));
          if (selector != null) {
            LabelSelector.parse(selector);
          }
          String fieldText = emptyToNull(ctx.queryParams().get("fieldSelector"));
          FieldSelector fields = FieldSelector.parse(fieldText);
          String revision = emptyToNull(ctx.queryParams().get("revision"));
          String scope =
              served.key()
                  + '|'
                  + ctx.pathParam("namespace")
                  + '|'
                  + selector
                  + '|'
                  + revision
                  + (fieldText == null ? "" : "|" + fieldText);
          ListPaging.Query query =
              ListPaging.query(
                  ctx.queryParams().get("limit"), ctx.queryParams().get("continue"), scope);
          boolean trackedBranch = revision == null;
          boolean continued = query.commit() != null && revisions;
          if (continued) {
            if (!ResourceVersions.isCommitId(query.commit())) {
              throw StatusException.badRequest("the continue token is not valid");
            }
            // a later page reads the commit the first page was read at
            revision = query.commit();
          }
          ResourceRequest request =
              new ResourceRequest(
                  served.definition().group(),
                  served.version(),
                  served.definition().plural(),
                  ctx.pathParam("namespace"),
                  null,
                  revision,
                  selector,
                  null);
          String pinned = revision;
          Future<ListReply> read =
              bus.request(Addresses.CONTROLLER_LIST, request, bus.timeouts().controller())
                  .recover(
                      failure -> {
                        StatusException status = StatusException.from(failure);
                        if (continued && status.code() == 404) {
                          return Future.failedFuture(
                              StatusException.expired(
                                  "the continue token names commit "
                                      + pinned
                                      + ", which the repository no longer has: list again"
                                      + " without continue"));
                        }
                        return Future.failedFuture(status);
                      });
          String origin = origin(ctx);
          return read.map(
              reply0 -> {
                JsonArray items = new JsonArray();
                for (Object item : reply0.items()) {
                  JsonObject resource = (JsonObject) item;
                  if (!fields.matches(resource)) {
                    continue;
                  }
                  items.add(
                      trackedBranch
                          ? pending.annotate(
                              resource, served.apiVersion(), served.definition().kind(), origin)
                          : resource);
                }
                ListReply reply = new ListReply(reply0.commit(), items);
                return listReply(served, type, reply, query, scope);
              });
        });
  }

  private static Reply listReply(
      ServedResource served, String type, ListReply reply, ListPaging.Query query, String scope) {
    ListPaging.Page page = ListPaging.page(reply.items(), reply.commit(), query, scope);
    if (type.equals(MediaTypes.JSON)) {
      JsonObject metadata = new JsonObject().put("resourceVersion", reply.commit());
      if (page.continueToken() != null) {
        metadata.put("continue", page.continueToken());
        metadata.put("remainingItemCount", page.remaining());
      }
      JsonObject list =
          new JsonObject()
              .put("apiVersion", served.apiVersion())
              .put("kind", served.definition().kind() + "List")
              .put("metadata", metadata)
              .put("items", new JsonArray(List.copyOf(page.items())));
      return new Reply(200, MediaTypes.JSON, JsonBodies.json(list), Map.of());
    }
    Reply ndjson = new Reply(200, MediaTypes.NDJSON, JsonBodies.ndjson(page.items()), Map.of());
    return page.continueToken() == null
        ? ndjson
        : ndjson.withHeader(CONTINUE_HEADER, page.continueToken());
  }

  /** {@code GET …/{plural}/{name}}: one resource, at {@code revision}. */
  void get(RoutingContext ctx) {
    Reply.send(
        ctx,
        () -> {
          ServedResource served = ctx.get(ResourceApi.SERVED);
          String type = requireAccept(ctx, GET_TYPES);
          String asked = emptyToNull(ctx.queryParams().get("revision"));
          String version = emptyToNull(ctx.queryParams().get("resourceVersion"));
          // a version a write answered (a proposal's commit) reads the resource there
          String revision =
              asked == null && version != null && ResourceVersions.isCommitId(version)
                  ? version
                  : asked;
          ResourceRequest request = target(ctx, served, revision, null);
          String origin = origin(ctx);
          String key = served.key() + '/' + request.namespace() + '/' + request.name();
          HeadReads.Read kept = revision == null && headReads != null ? headReads.get(key) : null;
          Future<HeadReads.Read> read =
              kept != null
                  ? Future.succeededFuture(kept)
                  : bus.request(Addresses.CONTROLLER_GET, request, bus.timeouts().controller())
                      .map(
                          reply -> {
                            if (reply.resource() == null) {
                              throw ResourceApi.notFound(served, request.name());
                            }
                            return revision == null && headReads != null
                                ? headReads.put(reply.commit(), key, reply.resource())
                                : new HeadReads.Read(reply.resource(), null);
                          });
          return read.map(
              found -> {
                JsonObject shown =
                    revision == null
                        ? pending.annotate(
                            found.resource(),
                            served.apiVersion(),
                            served.definition().kind(),
                            origin)
                        : found.resource();
                Buffer body =
                    Buffer.buffer(
                        shown == found.resource() && found.json() != null
                            ? found.json()
                            : shown.encode());
                if (type.equals(MediaTypes.NDJSON)) {
                  body.appendByte((byte) '\n');
                }
                return new Reply(200, type, body, Map.of());
              });
        });
  }

  private static boolean isWatch(RoutingContext ctx) {
    String watch = ctx.queryParams().get("watch");
    if (watch == null || watch.equals("false") || watch.equals("0") || watch.isEmpty()) {
      return false;
    }
    if (watch.equals("true") || watch.equals("1")) {
      return true;
    }
    throw StatusException.badRequest("watch must be true or false");
  }
}
