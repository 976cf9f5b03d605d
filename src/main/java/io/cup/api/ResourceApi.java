package io.cup.api;

import io.cup.bus.Addresses;
import io.cup.bus.ChangeSetReply;
import io.cup.bus.ListReply;
import io.cup.bus.Proposal;
import io.cup.bus.ProposalRequest;
import io.cup.bus.ResourceReply;
import io.cup.bus.ResourceRequest;
import io.cup.config.ResourceConfiguration;
import io.cup.config.ResourceDefinition;
import io.cup.config.ServedResource;
import io.cup.controllers.LabelSelector;
import io.cup.git.FileChange;
import io.cup.status.StatusException;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The resource routes: definitions, discovery, and get, list, put and delete of resources. Reads go
 * to the controller workers; writes are validated here, turned into a change set by a worker and
 * proposed by the publisher. Nothing here blocks: large bodies are validated on a worker thread.
 */
final class ResourceApi {
  /** Bodies up to this size are parsed and schema-checked on the event loop; larger ones not. */
  static final int INLINE_VALIDATION_BYTES = 256 * 1024;

  /** The continue token of an NDJSON list page, which has no list object to carry it. */
  static final String CONTINUE_HEADER = "Cup-Continue";

  private static final String SERVED = "cup.served";
  private static final List<String> LIST_TYPES = List.of(MediaTypes.NDJSON, MediaTypes.JSON);
  private static final List<String> GET_TYPES = List.of(MediaTypes.JSON, MediaTypes.NDJSON);
  private static final List<String> JSON_ONLY = List.of(MediaTypes.JSON);

  private final ResourceConfiguration resources;
  private final BusClient bus;
  private final WorkerExecutor validation;
  private final PendingProposals pending;

  /** Reads at the tracked head kept in this instance; null for a local directory source. */
  private final HeadReads headReads;

  /** Whether revisions are commits (git source); a local directory has only its one state. */
  private final boolean revisions;

  ResourceApi(
      ResourceConfiguration resources,
      BusClient bus,
      WorkerExecutor validation,
      PendingProposals pending,
      HeadReads headReads,
      boolean revisions) {
    this.resources = resources;
    this.bus = bus;
    this.validation = validation;
    this.pending = pending;
    this.headReads = headReads;
    this.revisions = revisions;
  }

  /** {@code GET /apis}: every definition version, keyed {@code <group>/<version>/<plural>}. */
  void definitions(RoutingContext ctx) {
    requireAccept(ctx, JSON_ONLY);
    Map<String, Object> byKey = new TreeMap<>();
    for (ResourceDefinition definition : resources.definitions()) {
      for (String version : definition.versions().keySet()) {
        byKey.put(definition.key(version), definition.raw());
      }
    }
    Reply.json(200, new JsonObject(byKey)).write(ctx);
  }

  /** {@code GET /apis/{group}/{version}}: the kinds served there, as an APIResourceList. */
  void discovery(RoutingContext ctx) {
    requireAccept(ctx, JSON_ONLY);
    String group = ctx.pathParam("group");
    String version = ctx.pathParam("version");
    JsonArray list = new JsonArray();
    boolean builtIn = ProposalView.GROUP.equals(group) && ProposalView.VERSION.equals(version);
    if (builtIn) {
      list.add(apiResource("proposals", "proposal", false, "Proposal", List.of("get", "list")));
      list.add(apiResource("proposals/merge", "", false, "Proposal", List.of("create")));
      list.add(apiResource("proposals/close", "", false, "Proposal", List.of("create")));
    }
    resources.served().values().stream()
        .filter(s -> s.definition().group().equals(group) && s.version().equals(version))
        .filter(s -> !(builtIn && s.definition().plural().equals("proposals")))
        .sorted((a, b) -> a.definition().plural().compareTo(b.definition().plural()))
        .forEach(
            s ->
                list.add(
                    apiResource(
                        s.definition().plural(),
                        s.definition().singular(),
                        true,
                        s.definition().kind(),
                        List.of("delete", "get", "list", "update"))));
    if (list.isEmpty()) {
      throw StatusException.notFound(
          "the server could not find the requested resource: no kinds are served in "
              + group
              + "/"
              + version);
    }
    Reply.json(
            200,
            new JsonObject()
                .put("kind", "APIResourceList")
                .put("apiVersion", "v1")
                .put("groupVersion", group + "/" + version)
                .put("resources", list))
        .write(ctx);
  }

  /**
   * First handler of every resource path, whatever the method: the namespace and name of the path
   * must be subdomains (400), and the group, version and plural a served definition (404).
   */
  void resolve(RoutingContext ctx) {
    ResourceNames.requireSubdomain("namespace", ctx.pathParam("namespace"));
    String name = ctx.pathParam("name");
    if (name != null) {
      ResourceNames.requireSubdomain("name", name);
    }
    ServedResource served =
        resources
            .served(ctx.pathParam("group"), ctx.pathParam("version"), ctx.pathParam("plural"))
            .orElseThrow(
                () ->
                    StatusException.notFound(
                        "the server could not find the requested resource: no kind "
                            + ctx.pathParam("plural")
                            + " is served in "
                            + ctx.pathParam("group")
                            + "/"
                            + ctx.pathParam("version")));
    ctx.put(SERVED, served);
    ctx.next();
  }

  /** {@code GET …/{plural}}: NDJSON unless the client prefers a JSON list object. */
  void list(RoutingContext ctx) {
    Reply.send(
        ctx,
        () -> {
          ServedResource served = ctx.get(SERVED);
          String type = requireAccept(ctx, LIST_TYPES);
          String selector = emptyToNull(ctx.queryParams().get("labelSelector"));
          if (selector != null) {
            LabelSelector.parse(selector);
          }
          rejectWatch(ctx);
          ListPaging.Query query =
              ListPaging.query(ctx.queryParams().get("limit"), ctx.queryParams().get("continue"));
          String revision = emptyToNull(ctx.queryParams().get("revision"));
          boolean trackedBranch = revision == null;
          if (query.commit() != null && revisions) {
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
          Future<ListReply> read =
              bus.request(Addresses.CONTROLLER_LIST, request.toJson(), bus.timeouts().controller())
                  .map(ListReply::fromJson);
          String origin = origin(ctx);
          return read.map(
              reply0 -> {
                JsonArray items = new JsonArray();
                for (Object item : reply0.items()) {
                  JsonObject resource = (JsonObject) item;
                  items.add(
                      trackedBranch
                          ? pending.annotate(
                              resource, served.apiVersion(), served.definition().kind(), origin)
                          : resource);
                }
                ListReply reply = new ListReply(reply0.commit(), items);
                return listReply(served, type, reply, query);
              });
        });
  }

  private static Reply listReply(
      ServedResource served, String type, ListReply reply, ListPaging.Query query) {
    ListPaging.Page page = ListPaging.page(reply.items(), reply.commit(), query);
    if (type.equals(MediaTypes.JSON)) {
      JsonObject metadata = new JsonObject().put("resourceVersion", reply.commit());
      if (page.continueToken() != null) {
        metadata.put("continue", page.continueToken());
        metadata.put("remainingItemCount", page.remaining());
      }
      return Reply.json(
          200,
          new JsonObject()
              .put("apiVersion", served.apiVersion())
              .put("kind", served.definition().kind() + "List")
              .put("metadata", metadata)
              .put("items", new JsonArray(List.copyOf(page.items()))));
    }
    Buffer lines = Buffer.buffer();
    for (JsonObject item : page.items()) {
      lines.appendString(item.encode()).appendByte((byte) '\n');
    }
    Reply ndjson = new Reply(200, MediaTypes.NDJSON, lines, Map.of());
    return page.continueToken() == null
        ? ndjson
        : ndjson.withHeader(CONTINUE_HEADER, page.continueToken());
  }

  /** {@code GET …/{plural}/{name}}: one resource, at {@code revision}. */
  void get(RoutingContext ctx) {
    Reply.send(
        ctx,
        () -> {
          ServedResource served = ctx.get(SERVED);
          String type = requireAccept(ctx, GET_TYPES);
          String revision = emptyToNull(ctx.queryParams().get("revision"));
          ResourceRequest request = target(ctx, served, revision, null);
          String origin = origin(ctx);
          String key = served.key() + '/' + request.namespace() + '/' + request.name();
          HeadReads.Read kept = revision == null && headReads != null ? headReads.get(key) : null;
          Future<HeadReads.Read> read =
              kept != null
                  ? Future.succeededFuture(kept)
                  : bus.request(
                          Addresses.CONTROLLER_GET, request.toJson(), bus.timeouts().controller())
                      .map(ResourceReply::fromJson)
                      .map(
                          reply -> {
                            if (reply.resource() == null) {
                              throw StatusException.notFound(
                                  served.definition().plural()
                                      + "."
                                      + served.definition().group()
                                      + " \""
                                      + request.name()
                                      + "\" not found");
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

  /** Before the body is read: the client must take JSON back and send JSON (415). */
  void requireJsonBody(RoutingContext ctx) {
    requireAccept(ctx, JSON_ONLY);
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (!MediaTypes.isJson(contentType)) {
      throw StatusException.unsupportedMediaType(
          "the request body must be application/json (or application/*+json in UTF-8), not "
              + contentType);
    }
    ctx.next();
  }

  /** {@code PUT …/{plural}/{name}}: validate, compute the change set, propose it. */
  void put(RoutingContext ctx) {
    Reply.send(
        ctx,
        () -> {
          ServedResource served = ctx.get(SERVED);
          boolean dryRun = dryRun(ctx);
          String namespace = ctx.pathParam("namespace");
          String name = ctx.pathParam("name");
          RequestBody requestBody = ctx.body();
          byte[] body =
              requestBody == null || requestBody.buffer() == null
                  ? new byte[0]
                  : requestBody.buffer().getBytes();
          Future<JsonObject> resource =
              body.length > INLINE_VALIDATION_BYTES
                  ? validation.executeBlocking(
                      () -> ResourceValidator.validate(served, namespace, name, body), false)
                  : Future.succeededFuture(
                      ResourceValidator.validate(served, namespace, name, body));
          return resource
              .compose(
                  valid ->
                      bus.request(
                          Addresses.CONTROLLER_PUT,
                          target(ctx, served, null, valid).toJson(),
                          bus.timeouts().controller()))
              .map(ChangeSetReply::fromJson)
              .compose(changes -> propose(ctx, changes, dryRun));
        });
  }

  /** {@code DELETE …/{plural}/{name}}: compute the removal, propose it. */
  void delete(RoutingContext ctx) {
    Reply.send(
        ctx,
        () -> {
          ServedResource served = ctx.get(SERVED);
          requireAccept(ctx, JSON_ONLY);
          boolean dryRun = dryRun(ctx);
          ResourceRequest request = target(ctx, served, null, null);
          return bus.request(
                  Addresses.CONTROLLER_DELETE, request.toJson(), bus.timeouts().controller())
              .map(ChangeSetReply::fromJson)
              .compose(changes -> propose(ctx, changes, dryRun));
        });
  }

  /**
   * 204 when the desired state already holds; with {@code dryRun=All} 200 and the files the write
   * would change; otherwise 202 and the proposal the publisher made.
   */
  private Future<Reply> propose(RoutingContext ctx, ChangeSetReply changes, boolean dryRun) {
    if (dryRun) {
      JsonArray files = new JsonArray();
      for (FileChange change : changes.changes().changes()) {
        files.add(
            new JsonObject()
                .put("path", change.path())
                .put("op", change.isDelete() ? "delete" : "upsert"));
      }
      return Future.succeededFuture(
          Reply.json(
              200,
              new JsonObject()
                  .put("dryRun", true)
                  .put("empty", changes.changes().isEmpty())
                  .put("base", changes.changes().base())
                  .put("message", changes.message())
                  .put("changes", files)));
    }
    if (changes.changes().isEmpty()) {
      return Future.succeededFuture(Reply.noContent());
    }
    ProposalRequest request =
        new ProposalRequest(changes.changes(), changes.message(), List.of(changes.resource()));
    return bus.request(Addresses.PROPOSAL_CREATE, request.toJson(), bus.timeouts().proposalCreate())
        .map(Proposal::fromJson)
        .map(
            proposal -> {
              pending.record(proposal);
              return Reply.json(202, ProposalView.writeResult(proposal, origin(ctx)));
            })
        .recover(
            failure -> {
              // the publisher found that the change set leaves the tree as it is (e.g. the same
              // bytes written again): the desired state already holds
              StatusException status = StatusException.from(failure);
              return status.code() == 204
                  ? Future.succeededFuture(Reply.noContent())
                  : Future.failedFuture(status);
            });
  }

  private static ResourceRequest target(
      RoutingContext ctx, ServedResource served, String revision, JsonObject resource) {
    return new ResourceRequest(
        served.definition().group(),
        served.version(),
        served.definition().plural(),
        ctx.pathParam("namespace"),
        ctx.pathParam("name"),
        revision,
        null,
        resource);
  }

  /** Kubernetes {@code dryRun}: absent, or {@code All}. */
  private static boolean dryRun(RoutingContext ctx) {
    List<String> values = ctx.queryParams().getAll("dryRun");
    if (values.isEmpty()) {
      return false;
    }
    if (values.stream().allMatch("All"::equals)) {
      return true;
    }
    throw StatusException.badRequest("dryRun must be All (or absent)");
  }

  private static void rejectWatch(RoutingContext ctx) {
    String watch = ctx.queryParams().get("watch");
    if (watch != null && !watch.equals("false") && !watch.equals("0")) {
      throw StatusException.badRequest("watch is not supported by this server");
    }
  }

  /** The media type to answer with, or 406 when the client accepts none of {@code offered}. */
  static String requireAccept(RoutingContext ctx, List<String> offered) {
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    Optional<String> type = MediaTypes.negotiate(accept, offered);
    return type.orElseThrow(
        () ->
            StatusException.notAcceptable(
                "cannot answer with any type the Accept header allows; available: "
                    + String.join(", ", offered)));
  }

  /** {@code scheme://host[:port]} of the request, or null when it named no host. */
  static String origin(RoutingContext ctx) {
    HostAndPort authority = ctx.request().authority();
    if (authority == null || authority.host() == null || authority.host().isEmpty()) {
      return null;
    }
    String host = authority.host();
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    String port = authority.port() >= 0 ? ":" + authority.port() : "";
    return ctx.request().scheme() + "://" + host + port;
  }

  static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  private static JsonObject apiResource(
      String name, String singular, boolean namespaced, String kind, List<String> verbs) {
    return new JsonObject()
        .put("name", name)
        .put("singularName", singular)
        .put("namespaced", namespaced)
        .put("kind", kind)
        .put("verbs", new JsonArray(verbs));
  }
}
