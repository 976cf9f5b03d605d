package io.cup.api;

import io.cup.status.StatusException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Registers routes path by path, so that each path template gets the same three things: its
 * template recorded for the access log and metrics, handlers per method, and a last route that
 * answers every other method with 405 and an {@code Allow} header.
 *
 * <p>A template is one Vert.x route for what runs for every method (recording the template, then
 * {@link Path#all}'s handlers), one route per method with that method's handlers in a row, and the
 * 405 route: the router matches a request's path against every route it tries (for a template with
 * parameters, a regular expression, before it looks at the method), so a route per handler would
 * match the same path again for each handler, and against each other method's handlers too.
 */
final class RouteTable {
  private final Router router;

  RouteTable(Router router) {
    this.router = router;
  }

  Path path(String template) {
    Route common =
        router
            .route(template)
            .handler(
                ctx -> {
                  ctx.put(AccessLog.ROUTE, template);
                  ctx.next();
                });
    return new Path(template, common);
  }

  /** The routes of one path template; {@link #end()} closes it with the 405 route. */
  final class Path {
    private final String template;
    private final Route common;
    private final Set<HttpMethod> methods = new LinkedHashSet<>();

    private Path(String template, Route common) {
      this.template = template;
      this.common = common;
    }

    /**
     * Handlers run for every method before the method's own (name checks, lookups); call it before
     * {@link #on}.
     */
    @SafeVarargs
    final Path all(Handler<RoutingContext>... handlers) {
      if (!methods.isEmpty()) {
        throw new IllegalStateException(template + ": all(...) must come before on(...)");
      }
      for (Handler<RoutingContext> handler : handlers) {
        common.handler(handler);
      }
      return this;
    }

    @SafeVarargs
    final Path on(HttpMethod method, Handler<RoutingContext>... handlers) {
      if (!methods.add(method)) {
        throw new IllegalStateException(template + ": " + method + " registered twice");
      }
      Route route = router.route(method, template);
      for (Handler<RoutingContext> handler : handlers) {
        route.handler(handler);
      }
      return this;
    }

    void end() {
      String allow = methods.stream().map(HttpMethod::name).collect(Collectors.joining(", "));
      router
          .route(template)
          .handler(
              ctx -> {
                HttpServerResponse response = ctx.response();
                response.putHeader("Allow", allow);
                StatusResponses.write(
                    ctx,
                    StatusException.methodNotAllowed(
                        "method "
                            + ctx.request().method().name()
                            + " is not allowed here; allowed: "
                            + allow));
              });
    }
  }
}
