package io.cup.api;

import io.cup.config.ResourceConfiguration;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /openapi/v3}: the OpenAPI 3.1 document of this server's API ({@link OpenApiDocument}).
 * The configuration is fixed for the life of the verticle, so the document is built and encoded
 * once, when the routes are made, and every request gets the same bytes.
 */
final class OpenApiApi {
  private static final List<String> JSON_ONLY = List.of(MediaTypes.JSON);

  private final Buffer document;

  OpenApiApi(ResourceConfiguration resources) {
    this.document = Buffer.buffer(OpenApiDocument.build(resources).encode());
  }

  /** The document as {@code application/json}; 406 when the client accepts no JSON. */
  void get(RoutingContext ctx) {
    ResourceApi.requireAccept(ctx, JSON_ONLY);
    new Reply(200, MediaTypes.JSON, document, Map.of()).write(ctx);
  }
}
