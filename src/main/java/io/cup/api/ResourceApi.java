package io.cup.api;

import io.cup.bus.ResourceRequest;
import io.cup.config.ResourceConfiguration;
import io.cup.config.ServedResource;
import io.cup.status.StatusException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;

/**
 * What every resource route shares: the first handler of a resource path, which resolves it to the
 * served definition ({@link #resolve}), and the resource the request addresses (its name and the
 * controller request for it). Reads are {@link ResourceReads}, writes {@link ResourceWrites}; the
 * definitions and group versions are {@link Discovery}'s. Also the request reading the whole API
 * shares: content negotiation ({@link #requireAccept}) and the request's origin.
 */
final class ResourceApi {
  /** The {@link ServedResource} of the request, put by {@link #resolve}. */
  static final String SERVED = "cup.served";

  /** The name of a create's resource, from its body: a POST's path has none. */
  static final String CREATED_NAME = "cup.create.name";

  private final ResourceConfiguration resources;

  ResourceApi(ResourceConfiguration resources) {
    this.resources = resources;
  }

  /**
   * First handler of every resource path, whatever the method: the namespace and name of the path
   * must be subdomains (400), and the group, version and plural a served definition (404).
   */
  void resolve(RoutingContext ctx) {
    String namespace = ctx.pathParam("namespace");
    if (namespace != null) { // none: a list or watch across namespaces
      ResourceNames.requireSubdomain("namespace", namespace);
    }
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

  /** 404 for the resource {@code name} of {@code served}. */
  static StatusException notFound(ServedResource served, String name) {
    return StatusException.notFound(
        served.definition().plural()
            + "."
            + served.definition().group()
            + " \""
            + name
            + "\" not found");
  }

  /** The name of the request's resource: the path's, or a create's from its body. */
  static String name(RoutingContext ctx) {
    String created = ctx.get(CREATED_NAME);
    return created != null ? created : ctx.pathParam("name");
  }

  /** The controller request for the resource of the request, at {@code revision}. */
  static ResourceRequest target(
      RoutingContext ctx, ServedResource served, String revision, JsonObject resource) {
    return new ResourceRequest(
        served.definition().group(),
        served.version(),
        served.definition().plural(),
        ctx.pathParam("namespace"),
        name(ctx),
        revision,
        null,
        resource);
  }

  /** The media type to answer with, or 406 when the client accepts none of {@code offered}. */
  static String requireAccept(RoutingContext ctx, List<String> offered) {
    String accept = MediaTypes.accept(ctx.request());
    Optional<String> type = MediaTypes.negotiate(accept, offered);
    return type.orElseThrow(
        () ->
            StatusException.notAcceptable(
                "cannot answer with any type the Accept header allows; available: "
                    + String.join(", ", offered)));
  }

  /** {@code scheme://host[:port]} of the request, or null when it named no host. */
  static String origin(RoutingContext ctx) {
    String decided = ctx.get(BrowserGuard.ORIGIN);
    if (decided != null) {
      return decided; // the public URL, when configured
    }
    return BrowserGuard.requestOrigin(ctx.request());
  }

  /** A query parameter or header, null when absent or empty. */
  static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }
}
