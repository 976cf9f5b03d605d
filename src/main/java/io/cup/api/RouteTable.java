package io.cup.api;

import io.cup.status.StatusException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Registers routes path by path, so that each path template gets the same three things: its
 * template recorded for the access log and metrics, handlers per method, and a last route that
 * answers every other method with 405 and an {@code Allow} header.
 */
final class RouteTable {
  private final Router router;

  RouteTable(Router router) {
    this.router = router;
  }

  Path path(String template) {
    router
        .route(template)
        .handler(
            ctx -> {
              ctx.put(AccessLog.ROUTE, template);
              ctx.next();
            });
    return new Path(template);
  }

  /** The routes of one path template; {@link #end()} closes it with the 405 route. */
  final class Path {
    private final String template;
    private final Set<HttpMethod> methods = new LinkedHashSet<>();

    private Path(String template) {
      this.template = template;
    }

    /** Handlers run for every method before the method's own (name checks, lookups). */
    @SafeVarargs
    final Path all(Handler<RoutingContext>... handlers) {
      for (Handler<RoutingContext> handler : handlers) {
        router.route(template).handler(handler);
      }
      return this;
    }

    @SafeVarargs
    final Path on(HttpMethod method, Handler<RoutingContext>... handlers) {
      methods.add(method);
      for (Handler<RoutingContext> handler : handlers) {
        router.route(method, template).handler(handler);
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
