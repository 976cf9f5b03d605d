package io.cup.api;

import io.cup.status.StatusException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import io.vertx.ext.web.RoutingContext;
import java.lang.management.ManagementFactory;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what one client can hold: connections, time to send a request, time between requests.
 *
 * <ul>
 *   <li>Connections over {@code maxConnections} (counted over every API instance of the port) are
 *       answered {@code 503} with {@code Retry-After} and closed; a refused connection that sends
 *       nothing is closed after {@link #REFUSED_GRACE_MILLIS}. The connections already served go
 *       on.
 *   <li>A request's headers must arrive within {@code requestTimeoutMillis} of the connection
 *       opening or the previous answer ending (HTTP/1.x), and its body within as long again after
 *       the headers; else {@code 408} (or a plain close while the headers are incomplete), and
 *       whatever the request held is let go with the connection.
 *   <li>Nothing read or written for {@code idleTimeoutMillis} closes the connection (Vert.x's idle
 *       timeout, see {@link #serverOptions}); a watch writes a bookmark more often than that.
 *   <li>A request with both {@code Content-Length} and {@code Transfer-Encoding} is refused with
 *       {@code 400} by the HTTP decoder itself ({@link StrictRequestDecoder}), before anything else
 *       sees it.
 * </ul>
 *
 * One instance per API verticle instance; a connection's events all come on that instance's event
 * loop, so the per-connection state needs no locking.
 */
final class ConnectionGuard {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
  private static final Logger ACCESS = LoggerFactory.getLogger("io.cup.api.access");

  /** How long a refused connection may take to send the request that gets its 503. */
  static final long REFUSED_GRACE_MILLIS = 2_000;

  /** Retry-After of a refused connection. */
  static final long REFUSED_RETRY_AFTER_SECONDS = 1;

  /** Never more than this by default: a cap, not a target. */
  static final int DEFAULT_MAX_CONNECTIONS_CEILING = 4096;

  /** File descriptors left for everything else (repositories, jars, logs, sockets to remotes). */
  static final int RESERVED_DESCRIPTORS = 256;

  private final Vertx vertx;
  private final long idleTimeoutMillis;
  private final long requestTimeoutMillis;
  private final int maxConnections;
  private final Map<HttpConnection, Connection> connections = new IdentityHashMap<>();
  private AtomicInteger open;
  private HttpServerOptions options = new HttpServerOptions();

  ConnectionGuard(
      Vertx vertx, long idleTimeoutMillis, long requestTimeoutMillis, int maxConnections) {
    this.vertx = vertx;
    this.idleTimeoutMillis = idleTimeoutMillis;
    this.requestTimeoutMillis = requestTimeoutMillis;
    this.maxConnections = maxConnections > 0 ? maxConnections : defaultMaxConnections();
  }

  /**
   * The file descriptor limit less {@link #RESERVED_DESCRIPTORS}, at least 16 and at most {@link
   * #DEFAULT_MAX_CONNECTIONS_CEILING}; the ceiling when the limit is not known.
   */
  static int defaultMaxConnections() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      long limit = unix.getMaxFileDescriptorCount();
      return (int)
          Math.max(16, Math.min(DEFAULT_MAX_CONNECTIONS_CEILING, limit - RESERVED_DESCRIPTORS));
    }
    return DEFAULT_MAX_CONNECTIONS_CEILING;
  }

  int maxConnections() {
    return maxConnections;
  }

  /** {@code base} with the idle timeout (reads and writes both count as activity). */
  HttpServerOptions serverOptions(HttpServerOptions base) {
    // without h2c (HTTP/2 over plain TCP, which no Cup client uses), Vert.x sets the HTTP/1.x
    // pipeline up as the connection opens and hands the connection over at once: its timer and
    // decoder are in place before the first byte is decoded
    options =
        base.setIdleTimeout((int) Math.min(Integer.MAX_VALUE, idleTimeoutMillis))
            .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
            .setHttp2ClearTextEnabled(false);
    return options;
  }

  /** The server's connection handler. */
  void connected(HttpConnection connection, int port) {
    StrictRequestDecoder.install(connection, options);
    AtomicInteger counter = counter(port);
    int count = counter.incrementAndGet();
    Connection state = new Connection(connection);
    connections.put(connection, state);
    connection.closeHandler(
        v -> {
          counter.decrementAndGet();
          Connection closed = connections.remove(connection);
          if (closed != null) {
            closed.close();
          }
        });
    if (count > maxConnections) {
      state.refused = true;
      // a warning when the cap is first passed, not one per connection of a flood
      if (count == maxConnections + 1) {
        LOG.warn(
            "{} connections open, more than --api-max-connections {}: refusing new ones",
            count,
            maxConnections);
      } else {
        LOG.debug(
            "{} connections open: refusing one from {}",
            count,
            connection.remoteAddress() == null ? "-" : connection.remoteAddress().hostAddress());
      }
      state.arm(REFUSED_GRACE_MILLIS, connection::close);
    } else {
      state.armForHeaders();
    }
  }

  /** Wraps the router: refused connections get their 503, the request's body its deadline. */
  Handler<HttpServerRequest> requests(Handler<HttpServerRequest> router) {
    return request -> {
      Connection state = connections.get(request.connection());
      if (state == null) {
        router.handle(request);
        return;
      }
      state.disarm();
      if (state.refused) {
        logLine(request, 503);
        StatusResponses.writeAndClose(
            request,
            StatusException.unavailable(
                "the server has too many connections open; try again later",
                REFUSED_RETRY_AFTER_SECONDS));
        return;
      }
      // an HTTP/2 connection multiplexes requests: only its idle timeout applies
      if (!request.isEnded() && request.version() != HttpVersion.HTTP_2) {
        long body = state.arm(requestTimeoutMillis, () -> bodyTooSlow(request));
        // only this deadline: the answer may have ended first and armed the next request's
        request.end().onComplete(ar -> state.disarm(body));
      }
      router.handle(request);
    };
  }

  /**
   * Router handler (after access control): once the answer ends, the connection's next request must
   * start within the request timeout (HTTP/1.x; an HTTP/2 connection multiplexes, and only its idle
   * timeout applies).
   */
  void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (request.version() != HttpVersion.HTTP_2) {
      HttpConnection connection = request.connection();
      ctx.addEndHandler(
          ar -> {
            Connection state = connections.get(connection);
            if (state != null && !state.refused) {
              state.armForHeaders();
            }
          });
    }
    ctx.next();
  }

  private void bodyTooSlow(HttpServerRequest request) {
    LOG.debug(
        "{} {}: the body did not arrive within {} ms; answering 408",
        request.method(),
        AccessLog.printable(request.path()),
        requestTimeoutMillis);
    StatusResponses.writeAndClose(
        request,
        new StatusException(
            408,
            "Timeout",
            "the request body did not arrive within " + requestTimeoutMillis + " ms"));
  }

  /** The one access log line of a request answered before the router saw it. */
  private static void logLine(HttpServerRequest request, int status) {
    if (ACCESS.isInfoEnabled()) {
      ACCESS.info(
          "method={} path={} route={} status={} remote={}",
          request.method().name(),
          AccessLog.printable(request.path()),
          AccessLog.UNMATCHED,
          status,
          request.remoteAddress() == null ? "-" : request.remoteAddress().hostAddress());
    }
  }

  /** The count of open connections on {@code port}, shared by the API instances serving it. */
  private AtomicInteger counter(int port) {
    if (open == null) {
      LocalMap<Integer, SharedCount> counts = vertx.sharedData().getLocalMap(SharedCount.MAP);
      synchronized (SharedCount.class) {
        SharedCount count = counts.get(port);
        if (count == null) {
          count = new SharedCount();
          counts.put(port, count);
        }
        open = count.open;
      }
    }
    return open;
  }

  /** The open connections of one port, in the Vert.x instance's local map. */
  private static final class SharedCount implements Shareable {
    static final String MAP = "cup.api.connections";
    final AtomicInteger open = new AtomicInteger();
  }

  /**
   * One connection's deadline, at most one at a time, kept by at most one Vert.x timer. Arming and
   * disarming only write the deadline: a request arms and disarms twice (its body, then the next
   * request's headers), and a Vert.x timer set and cancelled each time was a tenth of a small
   * request's cost. The timer, when it fires, runs the action if the deadline has passed, sets
   * itself again for a deadline still ahead, and ends when there is none.
   */
  private final class Connection {
    final HttpConnection connection;
    boolean refused;

    /** The armed deadline ({@link System#nanoTime()}), valid while {@code action} is not null. */
    long deadline;

    Runnable action;

    /** Counts arms, so that {@link #disarm(long)} disarms only the deadline it was given. */
    long generation;

    /** The Vert.x timer, or -1; it fires at {@code timerDue} at the latest. */
    long timer = -1;

    long timerDue;

    Connection(HttpConnection connection) {
      this.connection = connection;
    }

    void armForHeaders() {
      arm(
          requestTimeoutMillis,
          () -> {
            LOG.debug(
                "no complete request from {} within {} ms: closing the connection",
                connection.remoteAddress() == null ? "-" : connection.remoteAddress().hostAddress(),
                requestTimeoutMillis);
            connection.close();
          });
    }

    /** Arms the one deadline (replacing any other); returns what {@link #disarm(long)} takes. */
    long arm(long millis, Runnable onTimeout) {
      long now = System.nanoTime();
      deadline = now + TimeUnit.MILLISECONDS.toNanos(millis);
      action = onTimeout;
      generation++;
      if (timer >= 0 && timerDue - deadline > 0) {
        // the timer would fire too late for this deadline (only the short grace of a refused
        // connection comes after a longer one)
        vertx.cancelTimer(timer);
        timer = -1;
      }
      if (timer < 0) {
        schedule(now);
      }
      return generation;
    }

    private void schedule(long now) {
      long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - now + 999_999));
      timerDue = now + TimeUnit.MILLISECONDS.toNanos(millis);
      timer = vertx.setTimer(millis, this::fired);
    }

    private void fired(long id) {
      if (id != timer) {
        return;
      }
      timer = -1;
      if (action == null) {
        return;
      }
      long now = System.nanoTime();
      if (now - deadline < 0) {
        schedule(now);
        return;
      }
      Runnable onTimeout = action;
      action = null;
      onTimeout.run();
    }

    void disarm(long armed) {
      if (generation == armed) {
        disarm();
      }
    }

    /** Disarms the deadline; the timer, if any, ends when it fires. */
    void disarm() {
      action = null;
    }

    /** Disarms and cancels the timer: the connection is closed. */
    void close() {
      action = null;
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }
  }
}
