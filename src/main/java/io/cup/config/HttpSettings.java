package io.cup.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * How the HTTP server treats connections, bodies and browsers: the bounds that keep slow or idle
 * clients from holding the server's memory and file descriptors, and the checks that keep web pages
 * from using a browser as a client (CSRF, DNS rebinding).
 *
 * @param idleTimeoutMillis a connection on which nothing was read or written for this long is
 *     closed ({@code --api-idle-timeout}); longer than the watch bookmark interval, so that a watch
 *     stream never idles
 * @param requestTimeoutMillis a request's headers, and then its body, must arrive within this long
 *     ({@code --api-request-timeout}); a keep-alive connection must start its next request within
 *     it too
 * @param maxConnections connections served at once, over all API instances ({@code
 *     --api-max-connections}); 0: derived from the process's file descriptor limit
 * @param bodySpoolBytes a request body larger than this is written to a temporary file under the
 *     data directory while it arrives ({@code --api-body-spool-threshold})
 * @param publicUrl the URL clients reach the API at, used for every URL Cup writes ({@code
 *     --api-public-url}); null: the request's scheme and {@code Host}
 * @param allowedHosts {@code Host} names accepted besides the defaults ({@code
 *     --api-allowed-hosts}); {@code *} accepts any
 * @param corsAllowedOrigins browser origins (besides the server's own) that may call the API,
 *     writes included ({@code --api-cors-allowed-origins})
 */
public record HttpSettings(
    long idleTimeoutMillis,
    long requestTimeoutMillis,
    int maxConnections,
    long bodySpoolBytes,
    String publicUrl,
    List<String> allowedHosts,
    List<String> corsAllowedOrigins) {

  public static final long DEFAULT_IDLE_TIMEOUT_MILLIS = 120_000L;
  public static final long DEFAULT_REQUEST_TIMEOUT_MILLIS = 60_000L;
  public static final long DEFAULT_BODY_SPOOL_BYTES = 256L * 1024;

  /**
   * The defaults: 2 min idle, 60 s to send a request, derived connection cap, 256 KiB in memory.
   */
  public static final HttpSettings DEFAULT =
      new HttpSettings(
          DEFAULT_IDLE_TIMEOUT_MILLIS,
          DEFAULT_REQUEST_TIMEOUT_MILLIS,
          0,
          DEFAULT_BODY_SPOOL_BYTES,
          null,
          List.of(),
          List.of());

  public HttpSettings {
    allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
    corsAllowedOrigins = corsAllowedOrigins == null ? List.of() : List.copyOf(corsAllowedOrigins);
    publicUrl = publicUrl == null || publicUrl.isBlank() ? null : publicUrl;
  }

  public HttpSettings withTimeouts(long idleMillis, long requestMillis) {
    return new HttpSettings(
        idleMillis,
        requestMillis,
        maxConnections,
        bodySpoolBytes,
        publicUrl,
        allowedHosts,
        corsAllowedOrigins);
  }

  public HttpSettings withMaxConnections(int max) {
    return new HttpSettings(
        idleTimeoutMillis,
        requestTimeoutMillis,
        max,
        bodySpoolBytes,
        publicUrl,
        allowedHosts,
        corsAllowedOrigins);
  }

  public HttpSettings withBodySpoolBytes(long bytes) {
    return new HttpSettings(
        idleTimeoutMillis,
        requestTimeoutMillis,
        maxConnections,
        bytes,
        publicUrl,
        allowedHosts,
        corsAllowedOrigins);
  }

  public HttpSettings withBrowsers(String url, List<String> hosts, List<String> origins) {
    return new HttpSettings(
        idleTimeoutMillis,
        requestTimeoutMillis,
        maxConnections,
        bodySpoolBytes,
        url,
        hosts,
        origins);
  }

  /**
   * A public URL in its normal form: {@code http(s)://host[:port][/prefix]}, without a trailing
   * slash, user, query or fragment.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static String publicUrl(String value) {
    URI uri = httpUri(value.strip());
    if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getUserInfo() != null) {
      throw new IllegalArgumentException(
          "\""
              + value
              + "\" must be http(s)://host[:port][/prefix], without user, query or fragment");
    }
    String text = uri.toString();
    return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
  }

  /**
   * A browser origin, {@code scheme://host[:port]} and nothing else; {@code *} is refused.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static String origin(String value) {
    if (value.equals("*")) {
      throw new IllegalArgumentException(
          "* is not allowed: list the origins (any origin could then write with the browser's"
              + " client certificate)");
    }
    URI uri = httpUri(value);
    if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty())
        || uri.getRawQuery() != null
        || uri.getUserInfo() != null) {
      throw new IllegalArgumentException(
          "\"" + value + "\" is not an origin: scheme://host[:port], no path");
    }
    return value;
  }

  private static URI httpUri(String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("\"" + value + "\" is not a URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https"))
        || uri.getHost() == null
        || uri.getHost().isBlank()) {
      throw new IllegalArgumentException("\"" + value + "\" is not an http(s) URL with a host");
    }
    return uri;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("idleTimeoutMillis", idleTimeoutMillis)
        .put("requestTimeoutMillis", requestTimeoutMillis)
        .put("maxConnections", maxConnections)
        .put("bodySpoolBytes", bodySpoolBytes)
        .put("publicUrl", publicUrl)
        .put("allowedHosts", new JsonArray(allowedHosts))
        .put("corsAllowedOrigins", new JsonArray(corsAllowedOrigins));
  }

  public static HttpSettings fromJson(JsonObject json) {
    if (json == null) {
      return DEFAULT;
    }
    return new HttpSettings(
        json.getLong("idleTimeoutMillis", DEFAULT_IDLE_TIMEOUT_MILLIS),
        json.getLong("requestTimeoutMillis", DEFAULT_REQUEST_TIMEOUT_MILLIS),
        json.getInteger("maxConnections", 0),
        json.getLong("bodySpoolBytes", DEFAULT_BODY_SPOOL_BYTES),
        json.getString("publicUrl"),
        strings(json.getJsonArray("allowedHosts")),
        strings(json.getJsonArray("corsAllowedOrigins")));
  }

  private static List<String> strings(JsonArray array) {
    return array == null ? List.of() : array.stream().map(String::valueOf).toList();
  }
}
