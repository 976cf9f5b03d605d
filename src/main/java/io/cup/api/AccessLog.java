package io.cup.api;

import io.cup.metrics.Metrics;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First handler of every request: when the response ends (or the connection drops) it writes one
 * access log line to {@code io.cup.api.access} and records the timer {@code
 * cup.http.server.requests} tagged with the method, the route template (never the raw path, to keep
 * the number of series bounded) and the status code.
 */
final class AccessLog implements Handler<RoutingContext> {
  static final String TIMER = "cup.http.server.requests";

  /** Context key of the route template; set by {@link RouteTable}. */
  static final String ROUTE = "cup.route";

  static final String UNMATCHED = "unmatched";

  private static final Logger LOG = LoggerFactory.getLogger("io.cup.api.access");
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");
  private static final int MAX_LOGGED_PATH = 512;

  /**
   * The timers by "method route code", looked up once each: bounded like their tags (methods, route
   * templates, status codes), and cheaper than building a meter id on every request. Each API
   * instance's router has its own access log and so its own lookups; the timers themselves are the
   * process registry's.
   */
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(ar -> record(ctx, System.nanoTime() - start, ar.failed()));
    ctx.next();
  }

  private void record(RoutingContext ctx, long nanos, boolean aborted) {
    HttpServerRequest request = ctx.request();
    String method = request.method().name();
    if (!METHODS.contains(method)) {
      method = "OTHER";
    }
    int status = ctx.response().getStatusCode();
    String route = ctx.get(ROUTE, UNMATCHED);
    String m = method;
    timers
        .computeIfAbsent(
            m + ' ' + route + ' ' + status,
            key ->
                Timer.builder(TIMER)
                    .description("HTTP requests served by the Cup API")
                    .tag("method", m)
                    .tag("route", route)
                    .tag("code", Integer.toString(status))
                    .register(Metrics.registry()))
        .record(nanos, TimeUnit.NANOSECONDS);
    if (LOG.isInfoEnabled()) {
      // One string built here instead of a message with eight arguments: no boxing, no argument
      // array, no scan for placeholders; the line reads the same.
      SocketAddress remote = request.remoteAddress();
      StringBuilder line = new StringBuilder(160);
      line.append("method=").append(method).append(" path=");
      appendPrintable(line, request.path());
      line.append(" route=")
          .append(route)
          .append(" status=")
          .append(status)
          .append(" durationMs=")
          .append(Math.round(nanos / 1000.0) / 1000.0)
          .append(" bytes=")
          .append(ctx.response().bytesWritten())
          .append(" remote=")
          .append(remote == null ? "-" : remote.hostAddress());
      if (aborted) {
        line.append(" aborted=true");
      }
      LOG.info(line.toString());
    }
  }

  /** The path as one token: no spaces or control characters can break the line. */
  static String printable(String path) {
    if (path == null) {
      return "-";
    }
    if (path.length() <= MAX_LOGGED_PATH && isPrintable(path)) {
      return path;
    }
    StringBuilder out = new StringBuilder(Math.min(path.length(), MAX_LOGGED_PATH) + 3);
    appendPrintable(out, path);
    return out.toString();
  }

  /** Appends {@link #printable(String)} of {@code path} to {@code out}. */
  private static void appendPrintable(StringBuilder out, String path) {
    if (path == null) {
      out.append('-');
      return;
    }
    if (path.length() <= MAX_LOGGED_PATH && isPrintable(path)) {
      out.append(path);
      return;
    }
    for (int i = 0; i < path.length() && i < MAX_LOGGED_PATH; i++) {
      char c = path.charAt(i);
      out.append(c > 0x20 && c < 0x7f ? c : '?');
    }
    if (path.length() > MAX_LOGGED_PATH) {
      out.append("...");
    }
  }

  private static boolean isPrintable(String path) {
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }
}
