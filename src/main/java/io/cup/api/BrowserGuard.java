package io.cup.api;

import io.cup.config.HttpSettings;
import io.cup.status.StatusException;
import io.netty.util.NetUtil;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Keeps web pages from using a visitor's browser against Cup (docs/access.md, "Browsers").
 *
 * <ul>
 *   <li>DNS rebinding: a {@code Host} that is a name must be {@code localhost}, the listen host,
 *       the public URL's host or one of {@code --api-allowed-hosts} ({@code *}: any), else {@code
 *       421}. IP literals are always accepted: a rebinding page reaches Cup under its own name,
 *       never under an address.
 *   <li>CSRF: a write (POST, PUT, PATCH, DELETE) whose {@code Origin} is present and is neither the
 *       server's own nor one of {@code --api-cors-allowed-origins} is {@code 403}; a POST with a
 *       body that is not JSON is {@code 415} (an HTML form cannot send JSON without a preflight).
 *       Requests without {@code Origin} (curl, kubectl, the CLI) are not affected.
 *   <li>CORS: a preflight from a listed origin is answered {@code 204} with the methods and headers
 *       Cup accepts; answers to listed origins carry {@code Access-Control-Allow-Origin}. No
 *       credentials mode: Cup takes bearer tokens, which a page sends explicitly.
 * </ul>
 *
 * The health checks and the signed webhooks are exempt. The SockJS event-bus bridge gets the Host
 * check, and any request from an unlisted origin is refused (a WebSocket knows no CORS). It also
 * decides the origin of every URL Cup writes into an answer ({@link #ORIGIN}): the public URL when
 * there is one.
 */
final class BrowserGuard {
  /** Context key: {@code scheme://host[:port][/prefix]} that URLs in answers start with. */
  static final String ORIGIN = "cup.origin";

  private static final Set<HttpMethod> WRITES =
      Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);
  private static final String ALLOWED_METHODS = "GET, PUT, PATCH, DELETE, POST";
  private static final String ALLOWED_HEADERS = "Authorization, Content-Type, Accept";
  private static final String EXPOSED_HEADERS = "Cup-Continue, Retry-After, Warning";
  private static final String MAX_AGE_SECONDS = "600";

  private final String publicUrl;
  private final String publicOrigin;
  private final boolean anyHost;
  private final Set<String> hosts = new HashSet<>();
  private final Set<String> origins = new HashSet<>();

  BrowserGuard(HttpSettings settings, String listenHost) {
    this.publicUrl = settings.publicUrl();
    this.publicOrigin = publicUrl == null ? null : origin(URI.create(publicUrl));
    this.anyHost = settings.allowedHosts().contains("*");
    hosts.add("localhost");
    if (listenHost != null && !listenHost.isBlank()) {
      hosts.add(bare(listenHost));
    }
    if (publicUrl != null) {
      hosts.add(bare(URI.create(publicUrl).getHost()));
    }
    settings.allowedHosts().forEach(h -> hosts.add(bare(h)));
    settings.corsAllowedOrigins().forEach(o -> origins.add(o.toLowerCase(Locale.ROOT)));
    if (publicOrigin != null) {
      origins.add(publicOrigin);
    }
  }

  /** Whether a request is a CORS preflight (answered here, before authentication). */
  static boolean isPreflight(HttpServerRequest request) {
    return request.method() == HttpMethod.OPTIONS
        && request.getHeader(HttpHeaders.ORIGIN) != null
        && request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD) != null;
  }

  /** Router handler, after access control, before every route. */
  void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    ctx.put(ORIGIN, publicUrl != null ? publicUrl : requestOrigin(request));
    String path = ctx.normalizedPath();
    if (AccessControl.open(path)) {
      ctx.next();
      return;
    }
    HostAndPort authority = request.authority();
    if (authority != null && !hostAllowed(authority.host())) {
      ctx.fail(
          new StatusException(
              421,
              "MisdirectedRequest",
              "the Host \""
                  + AccessLog.printable(authority.host())
                  + "\" is not served here (see --api-allowed-hosts and --api-public-url)"));
      return;
    }
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    boolean listed = origin != null && originAllowed(origin, request);
    if (AccessControl.bridge(path)) {
      // the SockJS bridge: a page of another origin could open a WebSocket (no CORS there) and
      // hear what the visitor's browser may, so any method from an unlisted origin is refused;
      // its own transports post text, not JSON, and it answers CORS itself
      if (origin != null && !listed) {
        ctx.fail(
            new StatusException(
                403,
                "Forbidden",
                "the event bus is not open to the origin \""
                    + AccessLog.printable(origin)
                    + "\": it is not this server's and not in --api-cors-allowed-origins"));
        return;
      }
      ctx.next();
      return;
    }
    if (isPreflight(request)) {
      preflight(ctx, origin, listed);
      return;
    }
    if (origin != null && WRITES.contains(request.method()) && !listed) {
      ctx.fail(
          new StatusException(
              403,
              "Forbidden",
              "a write from the origin \""
                  + AccessLog.printable(origin)
                  + "\" is refused: it is not this server's and not in --api-cors-allowed-origins"));
      return;
    }
    if (request.method() == HttpMethod.POST && !jsonOrNothing(request)) {
      ctx.fail(
          StatusException.unsupportedMediaType(
              "a POST body must be application/json (or absent), not \""
                  + AccessLog.printable(request.getHeader(HttpHeaders.CONTENT_TYPE))
                  + "\""));
      return;
    }
    if (origin != null && listed) {
      HttpServerResponse response = ctx.response();
      response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
      response.putHeader(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED_HEADERS);
      response.putHeader(HttpHeaders.VARY, HttpHeaders.ORIGIN);
    }
    ctx.next();
  }

  private void preflight(RoutingContext ctx, String origin, boolean listed) {
    if (!listed) {
      ctx.fail(
          new StatusException(
              403,
              "Forbidden",
              "the origin \""
                  + AccessLog.printable(origin)
                  + "\" is not in --api-cors-allowed-origins"));
      return;
    }
    ctx.response()
        .setStatusCode(204)
        .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
        .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS)
        .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS)
        .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, MAX_AGE_SECONDS)
        .putHeader(HttpHeaders.VARY, HttpHeaders.ORIGIN)
        .end();
  }

  boolean hostAllowed(String host) {
    if (anyHost || host == null || host.isEmpty()) {
      return true;
    }
    String name = bare(host);
    return hosts.contains(name)
        || NetUtil.isValidIpV4Address(name)
        || NetUtil.isValidIpV6Address(name);
  }

  private boolean originAllowed(String origin, HttpServerRequest request) {
    String normalized;
    try {
      normalized = origin(URI.create(origin.trim()));
    } catch (IllegalArgumentException e) {
      return false; // "null", or not a URL: never this server's
    }
    if (normalized == null) {
      return false;
    }
    String own = requestOrigin(request);
    return origins.contains(normalized)
        || (own != null && normalized.equals(origin(URI.create(own))));
  }

  private static boolean jsonOrNothing(HttpServerRequest request) {
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    // Kubernetes' protobuf (kubectl 1.33's self reviews) is no more a browser form's type than JSON
    return type == null || MediaTypes.isJson(type) || ReviewProtobuf.isProtobuf(type);
  }

  /** {@code scheme://host[:port]} of the request as it named itself, or null without a host. */
  static String requestOrigin(HttpServerRequest request) {
    HostAndPort authority = request.authority();
    if (authority == null || authority.host() == null || authority.host().isEmpty()) {
      return null;
    }
    String host = authority.host();
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    String port = authority.port() >= 0 ? ":" + authority.port() : "";
    return request.scheme() + "://" + host + port;
  }

  /** {@code scheme://host[:port]} in lower case, the port left out when it is the default. */
  static String origin(URI uri) {
    if (uri.getScheme() == null || uri.getHost() == null) {
      return null;
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    boolean defaultPort =
        port < 0
            || (scheme.equals("http") && port == 80)
            || (scheme.equals("https") && port == 443);
    return scheme
        + "://"
        + uri.getHost().toLowerCase(Locale.ROOT)
        + (defaultPort ? "" : ":" + port);
  }

  /** A host name in lower case, without brackets or a trailing dot. */
  private static String bare(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return h;
  }
}
