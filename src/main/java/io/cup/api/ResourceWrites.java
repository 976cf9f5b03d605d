package io.cup.api;

import static io.cup.api.ResourceApi.name;
import static io.cup.api.ResourceApi.notFound;
import static io.cup.api.ResourceApi.origin;
import static io.cup.api.ResourceApi.target;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cup.bus.Addresses;
import io.cup.bus.BusAddress;
import io.cup.bus.ChangeSetReply;
import io.cup.bus.ProposalRequest;
import io.cup.bus.ResourceReply;
import io.cup.bus.ResourceRequest;
import io.cup.config.ServedResource;
import io.cup.controllers.ResourceVersions;
import io.cup.controllers.Resources;
import io.cup.retry.RetryPolicy;
import io.cup.status.StatusException;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * The resource writes: create, put, patch (including server-side apply) and delete. A write is
 * validated here, turned into a change set by a controller worker and proposed by the publisher;
 * the answer depends on the client (see {@link #propose}). Nothing here blocks: large bodies, and
 * every patch, are handled on the validation pool.
 */
final class ResourceWrites {
  /** Bodies up to this size are parsed and schema-checked on the event loop; larger ones not. */
  static final int INLINE_VALIDATION_BYTES = 256 * 1024;

  /** The annotation a dry run's answer carries the unified diff of the files in. */
  static final String DRY_RUN_DIFF = "cup.flipt.io/dry-run-diff";

  /** Kubernetes' alphabet for the suffix of a generated name (no vowels, no look-alikes). */
  private static final String NAME_SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  private static final int NAME_SUFFIX_LENGTH = 5;
  private static final ObjectMapper BODY_READER = new ObjectMapper();

  private final BusClient bus;
  private final WorkerExecutor validation;
  private final PendingProposals pending;

  /** The largest resource (encoded) a PUT may store or a patch may make (413 beyond it). */
  private final long maxResourceBytes;

  /** Largest body (and patched result) of a write to a kind a WASM controller serves. */
  private final long wasmMaxBodyBytes;

  ResourceWrites(
      BusClient bus,
      WorkerExecutor validation,
      PendingProposals pending,
      long maxResourceBytes,
      long wasmMaxBodyBytes) {
    this.bus = bus;
    this.validation = validation;
    this.pending = pending;
    this.maxResourceBytes = maxResourceBytes;
    this.wasmMaxBodyBytes = wasmMaxBodyBytes;
  }

  /**
   * Before the body of a PUT is read: the client must take JSON (or, for a dry run, a diff) back
   * and send JSON (415).
   */
  void requireJsonBody(RoutingContext ctx) {
    WriteOptions.of(ctx);
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (!MediaTypes.isJson(contentType)) {
      throw StatusException.unsupportedMediaType(
          "the request body must be application/json (or application/*+json in UTF-8), not "
              + contentType);
    }
    ctx.next();
  }

  /** Before the body of a PATCH is read: a patch type we apply (415), an answer we can give. */
  void requirePatchBody(RoutingContext ctx) {
    WriteOptions.of(ctx);
    Patches.type(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE));
    ctx.next();
  }

  /** Before the optional body of a DELETE (DeleteOptions) is read: JSON when there is one. */
  void requireDeleteOptions(RoutingContext ctx) {
    WriteOptions.of(ctx);
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    boolean hasBody =
        (length != null && !length.equals("0"))
            || ctx.request().getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
    if (hasBody && !MediaTypes.isJson(contentType)) {
      throw StatusException.unsupportedMediaType(
          "a DELETE body must be DeleteOptions as application/json, not " + contentType);
    }
    ctx.next();
  }

  /**
   * {@code POST …/{plural}}: Kubernetes' create. The name comes from the body ({@code
   * metadata.name}, or {@code metadata.generateName} and a random suffix); a resource that exists
   * where the write goes (the tracked branch, or the proposal named) is a 409 {@code
   * AlreadyExists}; anything else is proposed as a PUT would be.
   */
  void create(RoutingContext ctx) {
    Reply.send(
        ctx,
        () -> {
          ServedResource served = ctx.get(ResourceApi.SERVED);
          WriteOptions options = WriteOptions.of(ctx);
          byte[] sent = body(ctx);
          requireWasmSize(served, sent.length, "the request body");
          return offload(
                  sent.length,
                  () -> {
                    // before the body is parsed (and, for generateName, encoded again)
                    ResourceValidator.requireNoDuplicates(served, sent, options.fields());
                    return named(sent);
                  })
              .compose(
                  body -> {
                    ctx.put(ResourceApi.CREATED_NAME, body.name());
                    return exists(ctx, served, options)
                        .compose(
                            exists -> {
                              if (exists) {
                                throw StatusException.alreadyExists(
                                    served.definition().group(),
                                    served.definition().plural(),
                                    body.name());
                              }
                              return validated(ctx, served, body.bytes(), options.fields());
                            });
                  })
              .compose(write -> putValidated(ctx, served, write, options, Kind.CREATE));
        });
  }

  /** A create's body and the name of its resource. */
  private record Named(String name, byte[] bytes) {}

  /**
   * The name a create's body gives its resource: {@code metadata.name}, or else {@code
   * metadata.generateName} with a random suffix, written into the body (422 when it has neither).
   */
  private static Named named(byte[] body) {
    com.fasterxml.jackson.databind.node.ObjectNode resource = ResourceValidator.parseObject(body);
    JsonNode metadata = resource.get("metadata");
    JsonNode name = metadata == null ? null : metadata.get("name");
    if (name != null && name.isTextual() && !name.asText().isEmpty()) {
      ResourceNames.requireSubdomain("metadata.name", name.asText());
      return new Named(name.asText(), body);
    }
    JsonNode prefix = metadata == null ? null : metadata.get("generateName");
    if (!(metadata instanceof com.fasterxml.jackson.databind.node.ObjectNode meta)
        || prefix == null
        || !prefix.isTextual()
        || prefix.asText().isEmpty()) {
      throw StatusException.invalid(
          "metadata.name: Required value: name or generateName is required",
          List.of(
              new StatusException.Cause(
                  "metadata.name", "FieldValueRequired", "name or generateName is required")));
    }
    StringBuilder generated = new StringBuilder(prefix.asText());
    java.util.concurrent.ThreadLocalRandom random =
        java.util.concurrent.ThreadLocalRandom.current();
    for (int i = 0; i < NAME_SUFFIX_LENGTH; i++) {
      generated.append(NAME_SUFFIX_ALPHABET.charAt(random.nextInt(NAME_SUFFIX_ALPHABET.length())));
    }
    ResourceNames.requireSubdomain("metadata.name", generated.toString());
    meta.put("name", generated.toString());
    meta.remove("generateName");
    try {
      return new Named(generated.toString(), BODY_READER.writeValueAsBytes(resource));
    } catch (IOException e) {
      throw StatusException.badRequest("the request body could not be encoded again: " + e);
    }
  }

  /** Whether the resource of the request exists where its write goes. */
  private Future<Boolean> exists(RoutingContext ctx, ServedResource served, WriteOptions options) {
    return live(ctx, served, options).map(live -> live != null);
  }

  /** The resource of the request where its write goes, or null when it does not exist there. */
  private Future<JsonObject> live(RoutingContext ctx, ServedResource served, WriteOptions options) {
    ResourceRequest read = target(ctx, served, options.proposal(), null);
    return bus.request(Addresses.CONTROLLER_GET, read, bus.timeouts().controller())
        .map(ResourceReply::resource)
        .recover(
            failure -> {
              StatusException status = StatusException.from(failure);
              return status.code() == 404
                  ? Future.succeededFuture(null)
                  : Future.failedFuture(status);
            });
  }

  /** {@code PUT …/{plural}/{name}}: validate, compute the change set, propose it. */
  void put(RoutingContext ctx) {
    Reply.send(
        ctx,
        () -> {
          ServedResource served = ctx.get(ResourceApi.SERVED);
          WriteOptions options = WriteOptions.of(ctx);
          byte[] body = body(ctx);
          requireWasmSize(served, body.length, "the request body");
          if (!MediaTypes.asksForKubernetes(MediaTypes.accept(ctx.request()))) {
            return putAllowed(ctx, served, options)
                .compose(allowed -> validated(ctx, served, body, options.fields()))
                .compose(write -> putValidated(ctx, served, write, options, Kind.UPDATE));
          }
          // a Kubernetes client is told whether it created (201) and keeps the managed fields of
          // what it replaces: the resource is read first
          FieldManager manager = FieldManager.of(ctx, false);
          return live(ctx, served, options)
              .compose(
                  live -> {
                    AccessControl.checkPut(ctx, live != null);
                    return validated(ctx, served, body, options.fields())
                        .map(write -> managed(served, live, write, manager))
                        .compose(
                            write ->
                                putValidated(
                                    ctx,
                                    served,
                                    write,
                                    options,
                                    live == null ? Kind.CREATE : Kind.UPDATE));
                  });
        });
  }

  /**
   * {@code write} with the managed fields of {@code live} brought up to date, when it has any (once
   * a resource was applied server-side, every write keeps its field owners right); as it is
   * otherwise, so resources that were never applied server-side carry none in their files.
   */
  private static ResourceValidator.Write managed(
      ServedResource served, JsonObject live, ResourceValidator.Write write, FieldManager manager) {
    if (live == null || ManagedFields.of(live).entries().isEmpty()) {
      return write;
    }
    JsonObject updated =
        new ServerSideApply(served.apiVersion(), served.definition().kind())
            .update(live, write.resource(), manager.name(), Instant.now());
    return new ResourceValidator.Write(updated, write.resourceVersion(), write.warnings());
  }

  /**
   * A PUT by a user who may only create or only update (see {@link AccessControl#checkPut}):
   * whether the resource exists decides, so it is read first (where the write will go: the tracked
   * branch or the proposal). Nothing is read for anyone else.
   */
  private Future<Void> putAllowed(RoutingContext ctx, ServedResource served, WriteOptions options) {
    if (!AccessControl.putNeedsExistence(ctx)) {
      return Future.succeededFuture();
    }
    return exists(ctx, served, options)
        .map(
            existed -> {
              AccessControl.checkPut(ctx, existed);
              return null;
            });
  }

  /**
   * {@code PATCH …/{plural}/{name}}: read the resource, apply the patch, then as a PUT of the
   * result. Unless the patch itself names a resourceVersion, the write is conditional on the
   * version read, and a conflict (someone changed the resource between the read and the write)
   * reads and patches again, up to {@value #PATCH_ATTEMPTS} times, so a patch never undoes another
   * change. Patching always runs on the validation pool: a patch of a few hundred bytes can make
   * work in proportion to the resource (up to the resource limit), never for the event loop.
   */
  void patch(RoutingContext ctx) {
    Reply.send(
        ctx,
        () -> {
          ServedResource served = ctx.get(ResourceApi.SERVED);
          WriteOptions options = WriteOptions.of(ctx);
          String type = Patches.type(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE));
          FieldManager manager = FieldManager.of(ctx, type.equals(ServerSideApply.CONTENT_TYPE));
          byte[] patch = body(ctx);
          requireWasmSize(served, patch.length, "the request body");
          return patchAttempt(ctx, served, options, type, manager, patch, 1);
        });
  }

  private static final int PATCH_ATTEMPTS = 3;

  /** A patch that met a concurrent write reads and patches again at once. */
  private static final RetryPolicy PATCH_RETRIES = RetryPolicy.immediate(PATCH_ATTEMPTS);

  /**
   * Who manages the fields a write sets (Kubernetes' field management, see {@link
   * ServerSideApply}): the {@code fieldManager} parameter (for an apply, which must name one) or
   * the client's product from its {@code User-Agent}, and {@code force} (an apply's only: 422 on
   * any other write, as Kubernetes).
   */
  record FieldManager(String name, boolean apply, boolean force) {
    static FieldManager of(RoutingContext ctx, boolean apply) {
      String fieldManager = ctx.queryParams().get("fieldManager");
      String force = ctx.queryParams().get("force");
      boolean forced = force != null && !force.isEmpty() && !force.equals("false");
      if (force != null && !force.isEmpty() && !force.equals("true") && !force.equals("false")) {
        throw StatusException.badRequest("force must be true or false");
      }
      if (forced && !apply) {
        throw StatusException.invalid(
            "force: Invalid value: true: may not be specified for non-apply patch",
            List.of(
                new StatusException.Cause(
                    "force", "FieldValueInvalid", "may not be specified for non-apply patch")));
      }
      String name =
          apply
              ? ServerSideApply.applyManager(fieldManager)
              : ServerSideApply.updateManager(
                  fieldManager, ctx.request().getHeader(HttpHeaders.USER_AGENT));
      return new FieldManager(name, apply, forced);
    }
  }

  private Future<Reply> patchAttempt(
      RoutingContext ctx,
      ServedResource served,
      WriteOptions options,
      String type,
      FieldManager manager,
      byte[] patch,
      int attempt) {
    ResourceRequest read = target(ctx, served, options.proposal(), null);
    // an apply is declarative: applied again to what changed, it needs no check of its own
    boolean clientCheck = !manager.apply() && Patches.setsResourceVersion(type, patch);
    String namespace = ctx.pathParam("namespace");
    String name = name(ctx);
    ServerSideApply fields = new ServerSideApply(served.apiVersion(), served.definition().kind());
    return bus.request(Addresses.CONTROLLER_GET, read, bus.timeouts().controller())
        .recover(
            failure -> {
              // missing: an apply creates it, any other patch is 404 (below)
              StatusException status = StatusException.from(failure);
              return status.code() == 404
                  ? Future.succeededFuture(new ResourceReply(null, null))
                  : Future.failedFuture(status);
            })
        .compose(
            current ->
                validation
                    .executeBlocking(
                        () -> {
                          JsonObject live = current.resource();
                          byte[] patched;
                          if (manager.apply()) {
                            JsonObject applied =
                                fields.apply(
                                    live,
                                    ServerSideApply.parseApplyBody(patch, maxResourceBytes),
                                    namespace,
                                    name,
                                    manager.name(),
                                    manager.force(),
                                    Instant.now());
                            patched = encoded(applied);
                          } else if (live == null) {
                            throw notFound(served, name);
                          } else {
                            patched = Patches.apply(type, live, patch, maxResourceBytes);
                            if (!ManagedFields.of(live).entries().isEmpty()) {
                              patched =
                                  encoded(
                                      fields.update(
                                          live,
                                          new JsonObject(Buffer.buffer(patched)),
                                          manager.name(),
                                          Instant.now()));
                            }
                          }
                          requireWasmSize(served, patched.length, "the patched resource");
                          return ResourceValidator.validateWrite(
                              served,
                              namespace,
                              name,
                              patched,
                              options.fields(),
                              current.resource());
                        },
                        false)
                    .compose(
                        write ->
                            putValidated(
                                ctx,
                                served,
                                write,
                                options,
                                current.resource() == null ? Kind.CREATE : Kind.UPDATE)))
        .recover(
            failure -> {
              StatusException status = StatusException.from(failure);
              if (!clientCheck && PATCH_RETRIES.allows(attempt + 1) && status.isStaleVersion()) {
                return patchAttempt(ctx, served, options, type, manager, patch, attempt + 1);
              }
              return Future.failedFuture(status);
            });
  }

  /** {@code resource} as JSON bytes, 413 when larger than the resource limit. */
  private byte[] encoded(JsonObject resource) {
    byte[] bytes = resource.toBuffer().getBytes();
    if (bytes.length > maxResourceBytes) {
      throw Patches.tooLarge("the patched resource", bytes.length, maxResourceBytes);
    }
    return bytes;
  }

  /** {@code DELETE …/{plural}/{name}}: compute the removal, propose it. */
  void delete(RoutingContext ctx) {
    Reply.send(
        ctx,
        () -> {
          ServedResource served = ctx.get(ResourceApi.SERVED);
          byte[] body = body(ctx);
          DeleteOptions deleteOptions = DeleteOptions.parse(body);
          WriteOptions options = WriteOptions.of(ctx).orDryRun(deleteOptions.dryRun());
          return change(
                  ctx,
                  served,
                  Addresses.CONTROLLER_DELETE,
                  null,
                  deleteOptions.resourceVersion(),
                  options)
              .compose(
                  changes ->
                      propose(ctx, served, changes, options, changes.current(), Kind.DELETE));
        });
  }

  /** A validated resource to store: its change set under its precondition, then proposed. */
  private Future<Reply> putValidated(
      RoutingContext ctx,
      ServedResource served,
      ResourceValidator.Write write,
      WriteOptions options,
      Kind kind) {
    // one Warning header per unknown field (fieldValidation=Warn); a patch tried again says it once
    ctx.response().headers().remove(FieldValidation.WARNING);
    for (String warning : write.warnings()) {
      ctx.response().headers().add(FieldValidation.WARNING, FieldValidation.warningHeader(warning));
    }
    return change(
            ctx,
            served,
            Addresses.CONTROLLER_PUT,
            write.resource(),
            write.resourceVersion(),
            options)
        .compose(changes -> propose(ctx, served, changes, options, write.resource(), kind));
  }

  /** The validated body of a PUT; large bodies are parsed and checked on a worker. */
  private Future<ResourceValidator.Write> validated(
      RoutingContext ctx, ServedResource served, byte[] body, FieldValidation fields) {
    String namespace = ctx.pathParam("namespace");
    String name = name(ctx);
    return offload(
        body.length,
        () -> {
          requireResourceSize(body);
          return ResourceValidator.validateWrite(served, namespace, name, body, fields, null);
        });
  }

  /**
   * 413 when the resource of a PUT body is larger than the limit encoded as Cup stores it; only a
   * body over the limit is measured (whitespace may make a body larger than its resource).
   */
  private void requireResourceSize(byte[] body) {
    if (body.length <= maxResourceBytes) {
      return;
    }
    JsonNode parsed;
    try {
      parsed = BODY_READER.readTree(body);
    } catch (IOException e) {
      return; // the validator says what is wrong with it
    }
    long size = JsonPatch.encodedSize(parsed, maxResourceBytes);
    if (size > maxResourceBytes) {
      throw Patches.tooLarge("the resource", -1, maxResourceBytes);
    }
  }

  /** Runs {@code work} here for small inputs, on the validation pool for large ones. */
  private <T> Future<T> offload(int size, java.util.concurrent.Callable<T> work) {
    if (size > INLINE_VALIDATION_BYTES) {
      return validation.executeBlocking(work, false);
    }
    try {
      return Future.succeededFuture(work.call());
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
  }

  /** Asks a controller worker for the change set of a put or delete. */
  private Future<ChangeSetReply> change(
      RoutingContext ctx,
      ServedResource served,
      BusAddress<ResourceRequest, ChangeSetReply> address,
      JsonObject resource,
      String expectedVersion,
      WriteOptions options) {
    ResourceRequest request =
        target(ctx, served, options.proposal(), resource)
            .withPrecondition(expectedVersion, options.dryRun());
    return bus.request(address, request, bus.timeouts().controller())
        .recover(
            failure -> {
              StatusException status = StatusException.from(failure);
              if (status.code() == 404
                  && options.proposal() != null
                  && address.equals(Addresses.CONTROLLER_PUT)) {
                return Future.failedFuture(
                    StatusException.notFound(
                        "proposal \""
                            + options.proposal()
                            + "\" not found: "
                            + status.getMessage()));
              }
              return Future.failedFuture(status);
            });
  }

  /** What a write does to its resource, which decides a Kubernetes client's answer. */
  private enum Kind {
    CREATE,
    UPDATE,
    DELETE
  }

  /**
   * The answer to a write (docs/kubernetes-clients.md). For the original's clients: 204 when the
   * desired state already holds; with {@code dryRun=All} 200 and what would change (the resource
   * after the write with the diff in an annotation, or only the diff as {@code text/x-diff});
   * otherwise 202 and the proposal the publisher made or added to. For Kubernetes clients: the
   * object as the proposal leaves it (201 for a create), the current object when nothing changes,
   * and a {@code Status} for a delete.
   */
  private Future<Reply> propose(
      RoutingContext ctx,
      ServedResource served,
      ChangeSetReply changes,
      WriteOptions options,
      JsonObject after,
      Kind kind) {
    boolean kubernetes = MediaTypes.asksForKubernetes(MediaTypes.accept(ctx.request()));
    if (options.dryRun()) {
      String diff = changes.diff() == null ? "" : changes.diff();
      if (options.answer().equals(MediaTypes.DIFF)) {
        return Future.succeededFuture(Reply.text(200, MediaTypes.DIFF, diff));
      }
      if (kubernetes) {
        JsonObject shown =
            kind == Kind.DELETE
                ? KubernetesAnswers.dryRun(served, changes.current(), changes.current())
                : KubernetesAnswers.dryRun(served, after, changes.current());
        if (options.proposal() == null) {
          // as a read of the tracked branch shows it, so that kubectl diff shows only the write
          shown =
              pending.annotate(shown, served.apiVersion(), served.definition().kind(), origin(ctx));
        }
        return Future.succeededFuture(Reply.json(kind == Kind.CREATE ? 201 : 200, shown));
      }
      JsonObject shown = after == null ? new JsonObject() : after.copy();
      JsonObject metadata = shown.getJsonObject("metadata");
      if (metadata == null) {
        metadata = new JsonObject();
        shown.put("metadata", metadata);
      }
      String version =
          changes.current() == null
              ? null
              : Resources.metadata(changes.current(), ResourceVersions.FIELD);
      if (version != null) {
        metadata.put(ResourceVersions.FIELD, version);
      }
      JsonObject annotations = metadata.getJsonObject("annotations");
      annotations = annotations == null ? new JsonObject() : annotations.copy();
      metadata.put("annotations", annotations.put(DRY_RUN_DIFF, diff));
      return Future.succeededFuture(Reply.json(200, shown));
    }
    if (changes.changes().isEmpty()) {
      return unchanged(ctx, served, kubernetes);
    }
    ProposalRequest request =
        new ProposalRequest(
            changes.changes(),
            changes.message(),
            List.of(changes.resource()),
            options.proposal(),
            AccessControl.requester(ctx));
    return bus.request(Addresses.PROPOSAL_CREATE, request, bus.timeouts().proposalCreate())
        .map(
            proposal -> {
              pending.record(proposal);
              ctx.put(AccessControl.PROPOSAL, proposal.id());
              if (!kubernetes) {
                return Reply.json(202, ProposalView.writeResult(proposal, origin(ctx)));
              }
              return switch (kind) {
                case DELETE ->
                    Reply.json(200, KubernetesAnswers.deleted(served, name(ctx), proposal));
                case CREATE -> Reply.json(201, KubernetesAnswers.written(served, after, proposal));
                case UPDATE -> Reply.json(200, KubernetesAnswers.written(served, after, proposal));
              };
            })
        .recover(
            failure -> {
              // the publisher found that the change set leaves the tree as it is (e.g. the same
              // bytes written again): the desired state already holds
              StatusException status = StatusException.from(failure);
              return status.code() == 204
                  ? unchanged(ctx, served, kubernetes)
                  : Future.failedFuture(status);
            });
  }

  /**
   * The answer to a write that changes nothing: 204 for the original's clients; the resource as it
   * is for a Kubernetes client, which decodes an object from every successful write.
   */
  private Future<Reply> unchanged(RoutingContext ctx, ServedResource served, boolean kubernetes) {
    if (!kubernetes) {
      return Future.succeededFuture(Reply.noContent());
    }
    WriteOptions options = WriteOptions.of(ctx);
    ResourceRequest read = target(ctx, served, options.proposal(), null);
    return bus.request(Addresses.CONTROLLER_GET, read, bus.timeouts().controller())
        .map(
            current -> {
              if (current.resource() == null) {
                throw notFound(served, name(ctx));
              }
              return Reply.json(200, current.resource());
            });
  }

  /**
   * A write to a kind served by a WASM controller carries at most {@link #wasmMaxBodyBytes}, else
   * 413 before any WASM runs: a guest parses and rewrites what it is given on a controller worker,
   * so a large body costs far more there than in a template controller.
   */
  private void requireWasmSize(ServedResource served, long size, String what) {
    if ("wasm".equals(served.controller().type()) && size > wasmMaxBodyBytes) {
      throw StatusException.tooLarge(
          what
              + " is "
              + size
              + " bytes, larger than the limit of "
              + wasmMaxBodyBytes
              + " bytes for a write through the WASM controller "
              + served.controller().name()
              + " (--api-wasm-max-body-bytes)");
    }
  }

  private static byte[] body(RoutingContext ctx) {
    RequestBody requestBody = ctx.body();
    return requestBody == null || requestBody.buffer() == null
        ? new byte[0]
        : requestBody.buffer().getBytes();
  }
}
