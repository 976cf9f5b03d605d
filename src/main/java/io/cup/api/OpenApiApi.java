package io.cup.api;

import io.cup.config.ResourceConfiguration;
import io.cup.status.StatusException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The OpenAPI documents of this server. The configuration is fixed for the life of the verticle, so
 * every document is built and encoded once, at the first request for one.
 *
 * <ul>
 *   <li>{@code GET /openapi/v3}: Kubernetes' index, {@code {"paths": {"apis/<g>/<v>":
 *       {"serverRelativeURL": "/openapi/v3/apis/<g>/<v>?hash=<HASH>"}}}};
 *   <li>{@code GET /openapi/v3/apis/{g}/{v}}: that group/version as OpenAPI 3.0 ({@link
 *       KubernetesOpenApi}), with an {@code ETag}; with the current {@code hash} the answer may be
 *       cached for good, with another one it redirects to the current one (as Kubernetes does);
 *   <li>{@code GET /openapi/v2}: everything as Swagger 2.0, JSON or gnostic protobuf;
 *   <li>{@code GET /openapi/cup.json}: the whole API as one OpenAPI 3.1 document ({@link
 *       OpenApiDocument}), for code generators.
 * </ul>
 */
final class OpenApiApi {
  static final String V3 = "/openapi/v3";
  static final String V3_GROUP_VERSION = "/openapi/v3/apis/:group/:version";
  static final String V2 = "/openapi/v2";
  static final String CUP = OpenApiDocument.PATH;

  private static final List<String> JSON_ONLY = List.of(MediaTypes.JSON);
  private static final List<String> V2_TYPES =
      List.of(MediaTypes.JSON, OpenApiV2Protobuf.MEDIA_TYPE, OpenApiV2Protobuf.MEDIA_TYPE_DOTTED);

  /** Bytes and their hash (upper-case hex SHA-512, as Kubernetes spells it). */
  private record Encoded(Buffer bytes, String hash) {
    static Encoded of(JsonObject document) {
      return of(document.encode().getBytes(StandardCharsets.UTF_8));
    }

    static Encoded of(byte[] bytes) {
      try {
        byte[] digest = MessageDigest.getInstance("SHA-512").digest(bytes);
        return new Encoded(Buffer.buffer(bytes), HexFormat.of().withUpperCase().formatHex(digest));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("no SHA-512 in this JVM", e);
      }
    }

    String etag() {
      return "\"" + hash + "\"";
    }
  }

  /** Every document, encoded. */
  private record Documents(
      Encoded cup,
      Encoded v2,
      Encoded v2Protobuf,
      Encoded index,
      Map<String, Encoded> groupVersions) {
    static Documents build(ResourceConfiguration resources) {
      JsonObject document = OpenApiDocument.build(resources);
      KubernetesOpenApi kubernetes = KubernetesOpenApi.build(resources, document);
      Map<String, Encoded> groupVersions = new LinkedHashMap<>();
      JsonObject paths = new JsonObject();
      for (String path : kubernetes.paths()) {
        Encoded encoded = Encoded.of(kubernetes.openApiV3(path));
        groupVersions.put(path, encoded);
        paths.put(
            path,
            new JsonObject()
                .put("serverRelativeURL", "/openapi/v3/" + path + "?hash=" + encoded.hash));
      }
      return new Documents(
          Encoded.of(document),
          Encoded.of(kubernetes.swagger()),
          Encoded.of(OpenApiV2Protobuf.encode(kubernetes.swagger())),
          Encoded.of(new JsonObject().put("paths", paths)),
          groupVersions);
    }
  }

  private final Vertx vertx;
  private final ResourceConfiguration resources;
  private Future<Documents> documents;

  /**
   * The documents are built at the first request for one, on a worker thread (a tenth of a second
   * or more of a cold JVM: not on an event loop, and not in the server's start-up), then kept.
   */
  OpenApiApi(Vertx vertx, ResourceConfiguration resources) {
    this.vertx = vertx;
    this.resources = resources;
  }

  /** Called on this verticle's event loop only. */
  private void withDocuments(RoutingContext ctx, Consumer<Documents> answer) {
    if (documents == null) {
      documents = vertx.executeBlocking(() -> Documents.build(resources), false);
    }
    documents.onComplete(
        built -> {
          if (built.failed()) {
            ctx.fail(built.cause());
            return;
          }
          try {
            answer.accept(built.result());
          } catch (RuntimeException e) {
            ctx.fail(e);
          }
        });
  }

  /** {@code GET /openapi/cup.json}; 406 when the client accepts no JSON. */
  void cup(RoutingContext ctx) {
    String type = ResourceApi.requireAccept(ctx, JSON_ONLY);
    withDocuments(ctx, d -> send(ctx, d.cup(), false, type));
  }

  /** {@code GET /openapi/v3}: the index of the group/version documents. */
  void index(RoutingContext ctx) {
    String type = ResourceApi.requireAccept(ctx, JSON_ONLY);
    withDocuments(ctx, d -> send(ctx, d.index(), false, type));
  }

  /**
   * {@code GET /openapi/v2}: Swagger 2.0 as JSON, or as gnostic's protobuf for a client that
   * prefers it (kubectl 1.27 and 1.28 accept nothing else).
   */
  void v2(RoutingContext ctx) {
    Optional<String> type = MediaTypes.negotiate(MediaTypes.accept(ctx.request()), V2_TYPES);
    if (type.isPresent() && !type.get().equals(MediaTypes.JSON)) {
      // as kube-openapi: the type's "@" is no token character, and Go's mime parser refuses it
      withDocuments(ctx, d -> send(ctx, d.v2Protobuf(), false, "application/octet-stream"));
      return;
    }
    String json = ResourceApi.requireAccept(ctx, JSON_ONLY);
    withDocuments(ctx, d -> send(ctx, d.v2(), false, json));
  }

  /** {@code GET /openapi/v3/apis/{g}/{v}}; 404 for a group/version not served. */
  void groupVersion(RoutingContext ctx) {
    String path = "apis/" + ctx.pathParam("group") + "/" + ctx.pathParam("version");
    withDocuments(ctx, d -> groupVersion(ctx, path, d.groupVersions().get(path)));
  }

  private void groupVersion(RoutingContext ctx, String path, Encoded document) {
    if (document == null) {
      throw StatusException.notFound("no OpenAPI document for " + path + ": not served here");
    }
    String hash = ctx.queryParams().get("hash");
    if (hash != null && !hash.isEmpty() && !hash.equals(document.hash)) {
      // a client with an old index: send it to the current document, as Kubernetes does
      ctx.response()
          .setStatusCode(301)
          .putHeader(HttpHeaders.LOCATION, "/openapi/v3/" + path + "?hash=" + document.hash)
          .end();
      return;
    }
    send(ctx, document, hash != null && !hash.isEmpty());
  }

  /** The document with its ETag, 304 when the client holds it already. */
  private static void send(RoutingContext ctx, Encoded document, boolean immutable) {
    send(ctx, document, immutable, ResourceApi.requireAccept(ctx, JSON_ONLY));
  }

  /** As {@link #send(RoutingContext, Encoded, boolean)}, the content type negotiated already. */
  private static void send(
      RoutingContext ctx, Encoded document, boolean immutable, String contentType) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(HttpHeaders.ETAG.toString(), document.etag());
    headers.put(
        HttpHeaders.CACHE_CONTROL.toString(),
        immutable ? "public, immutable" : "no-cache, private");
    String held = ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH);
    if (held != null && (held.equals(document.etag()) || held.equals(document.hash))) {
      new Reply(304, null, null, headers).write(ctx);
      return;
    }
    new Reply(200, contentType, document.bytes, headers).write(ctx);
  }
}
