package io.cup.oci;

import io.cup.oci.RegistryException.Reason;
import io.cup.retry.RetryPolicy;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of the OCI distribution API Cup needs, over Vert.x Web Client (asynchronous; nothing
 * blocks): manifests by tag or digest, blobs by digest, and pushing both. Access follows the
 * registry's challenge: anonymous first; on {@code 401} with {@code WWW-Authenticate: Bearer} a
 * token from the realm (with the configured login as basic auth, when there is one, else
 * anonymously), on {@code Basic} the login itself. Tokens are kept per registry and scope for this
 * client's life. Every call has a timeout, bodies a size limit, and failures that may pass
 * (connection errors, timeouts, 5xx, 429) are retried under {@link #RETRY}. Plain HTTP only for the
 * hosts named insecure. Credentials and tokens never appear in messages or logs.
 */
public final class RegistryClient {
  /** Manifests larger than this are refused (the distribution spec's recommended bound). */
  public static final long MAX_MANIFEST_BYTES = 4L * 1024 * 1024;

  /** How a failed call is retried: three attempts, 200 ms then 400 ms apart, jittered. */
  static final RetryPolicy RETRY = new RetryPolicy(3, 200, 2_000, true);

  /** What {@link #manifest} accepts: OCI and Docker manifests and indexes. */
  static final String MANIFEST_ACCEPT =
      String.join(
          ", ",
          OciMediaTypes.OCI_MANIFEST,
          OciMediaTypes.OCI_INDEX,
          OciMediaTypes.DOCKER_MANIFEST,
          OciMediaTypes.DOCKER_MANIFEST_LIST);

  private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
  private static final int MAX_ERROR_TEXT = 200;
  private static final int MAX_REDIRECTS = 5;

  /** A manifest as the registry served it, and the digest of its bytes. */
  public record Manifest(ImageReference reference, Digest digest, String mediaType, byte[] bytes) {
    public JsonObject json() {
      try {
        return new JsonObject(Buffer.buffer(bytes));
      } catch (DecodeException | ClassCastException e) {
        throw new RegistryException(
            Reason.UNSUPPORTED, "the manifest of " + reference + " is not a JSON object");
      }
    }
  }

  private final WebClient client;
  private final Vertx vertx;
  private final RegistryCredentials credentials;
  private final Set<String> insecure;
  private final long timeoutMillis;
  private final Map<String, String> tokens = new ConcurrentHashMap<>();

  /**
   * @param insecure registries (host or host:port) reached over plain HTTP
   * @param timeoutMillis how long one HTTP call may take
   */
  public RegistryClient(
      Vertx vertx, RegistryCredentials credentials, Set<String> insecure, long timeoutMillis) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.insecure = Set.copyOf(insecure);
    this.timeoutMillis = timeoutMillis;
    this.client =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setUserAgent("cup")
                .setConnectTimeout((int) Math.min(timeoutMillis, 10_000))
                .setFollowRedirects(false));
  }

  /** Closes the HTTP client. */
  public void close() {
    client.close();
  }

  private String base(ImageReference ref) {
    String host = ref.registry();
    boolean plain = insecure.contains(host) || insecure.contains(host.replaceFirst(":\\d+$", ""));
    return (plain ? "http://" : "https://") + host;
  }

  private String repositoryUrl(ImageReference ref) {
    return base(ref) + "/v2/" + ref.repository();
  }

  // -- reading ----------------------------------------------------------------------------------

  /**
   * The manifest {@code ref} names (its digest when it has one, else its tag), checked against the
   * digest asked for, or the {@code Docker-Content-Digest} the registry announced.
   */
  public Future<Manifest> manifest(ImageReference ref) {
    String url = repositoryUrl(ref) + "/manifests/" + ref.manifestReference();
    return call(
            ref,
            "pull",
            HttpMethod.GET,
            url,
            headers("Accept", MANIFEST_ACCEPT),
            null,
            MAX_MANIFEST_BYTES,
            "the manifest of " + ref)
        .map(
            response -> {
              expect(ref, response, "the manifest of " + ref, 200);
              byte[] bytes = response.body().getBytes();
              Digest actual = Digest.of(bytes);
              if (ref.digest() != null && !ref.digest().equals(actual)) {
                throw mismatch("the manifest of " + ref, ref.digest(), actual);
              }
              String announced = response.getHeader("Docker-Content-Digest");
              if (ref.digest() == null && announced != null && !announced.isBlank()) {
                Digest said = parseDigest(ref, announced.strip());
                if (!said.equals(actual)) {
                  throw mismatch("the manifest of " + ref, said, actual);
                }
              }
              String type = response.getHeader("Content-Type");
              return new Manifest(ref.at(actual), actual, mediaType(type), bytes);
            });
  }

  /**
   * The blob {@code digest} of {@code ref}'s repository, at most {@code limit} bytes, checked
   * against its digest: content that does not match is refused, never returned.
   */
  public Future<byte[]> blob(ImageReference ref, Digest digest, long limit) {
    String url = repositoryUrl(ref) + "/blobs/" + digest;
    String what = "blob " + digest + " of " + ref.name();
    return call(ref, "pull", HttpMethod.GET, url, headers(), null, limit, what)
        .compose(response -> redirected(ref, url, response, limit, what, MAX_REDIRECTS))
        .map(
            response -> {
              expect(ref, response, what, 200);
              byte[] bytes = response.body().getBytes();
              if (!digest.matches(bytes)) {
                throw mismatch(what, digest, Digest.of(bytes));
              }
              return bytes;
            });
  }

  /**
   * Follows a blob's redirect (registries send blobs from a CDN or object store): to the same host
   * with the same authorization, to another host without it, as Docker does, so a registry token
   * never reaches a third party (and a pre-signed URL is not refused for carrying two kinds of
   * authentication).
   */
  private Future<HttpResponse<Buffer>> redirected(
      ImageReference ref,
      String from,
      HttpResponse<Buffer> response,
      long limit,
      String what,
      int hopsLeft) {
    int code = response.statusCode();
    if (code != 301 && code != 302 && code != 303 && code != 307 && code != 308) {
      return Future.succeededFuture(response);
    }
    String location = response.getHeader("Location");
    if (location == null || location.isBlank() || hopsLeft == 0) {
      return Future.failedFuture(
          new RegistryException(
              Reason.PROTOCOL,
              ref.registry()
                  + " redirected "
                  + what
                  + (hopsLeft == 0 ? " too often" : " nowhere")));
    }
    URI target = URI.create(from).resolve(location.strip());
    if (!"https".equals(target.getScheme())
        && !("http".equals(target.getScheme()) && from.startsWith("http://"))) {
      return Future.failedFuture(
          new RegistryException(
              Reason.PROTOCOL,
              ref.registry() + " redirected " + what + " to a " + target.getScheme() + " URL"));
    }
    boolean sameHost = URI.create(from).getAuthority().equalsIgnoreCase(target.getAuthority());
    String key = ref.registry() + " " + ref.repository() + " pull";
    String authorization = sameHost ? tokens.get(key) : null;
    return send(HttpMethod.GET, target.toString(), headers(), authorization, null, limit, what)
        .compose(next -> redirected(ref, target.toString(), next, limit, what, hopsLeft - 1));
  }

  // -- writing ----------------------------------------------------------------------------------

  /** Uploads {@code bytes} as a blob of {@code ref}'s repository unless it is there already. */
  public Future<Digest> pushBlob(ImageReference ref, byte[] bytes) {
    Digest digest = Digest.of(bytes);
    String what = "blob " + digest + " of " + ref.name();
    String url = repositoryUrl(ref) + "/blobs/" + digest;
    return call(ref, "pull,push", HttpMethod.HEAD, url, headers(), null, 0, what)
        .compose(
            head -> {
              if (head.statusCode() == 200) {
                return Future.succeededFuture(digest);
              }
              return call(
                      ref,
                      "pull,push",
                      HttpMethod.POST,
                      repositoryUrl(ref) + "/blobs/uploads/",
                      headers("Content-Length", "0"),
                      Buffer.buffer(),
                      64 * 1024,
                      "an upload to " + ref.name())
                  .compose(
                      started -> {
                        expect(ref, started, "an upload to " + ref.name(), 202);
                        String location = started.getHeader("Location");
                        if (location == null || location.isBlank()) {
                          throw new RegistryException(
                              Reason.PROTOCOL,
                              ref.registry() + " started an upload without a Location");
                        }
                        String put =
                            URI.create(repositoryUrl(ref)).resolve(location.strip()).toString();
                        put +=
                            (put.contains("?") ? "&" : "?")
                                + "digest="
                                + URLEncoder.encode(digest.toString(), StandardCharsets.UTF_8);
                        return call(
                            ref,
                            "pull,push",
                            HttpMethod.PUT,
                            put,
                            headers("Content-Type", "application/octet-stream"),
                            Buffer.buffer(bytes),
                            64 * 1024,
                            what);
                      })
                  .map(
                      done -> {
                        expect(ref, done, what, 201);
                        return digest;
                      });
            });
  }

  /** Puts {@code bytes} as the manifest {@code ref} names (its tag, or its digest). */
  public Future<Digest> pushManifest(ImageReference ref, String mediaType, byte[] bytes) {
    Digest digest = Digest.of(bytes);
    String reference = ref.tag() != null ? ref.tag() : digest.toString();
    String url = repositoryUrl(ref) + "/manifests/" + reference;
    return call(
            ref,
            "pull,push",
            HttpMethod.PUT,
            url,
            headers("Content-Type", mediaType),
            Buffer.buffer(bytes),
            64 * 1024,
            "the manifest of " + ref)
        .map(
            response -> {
              expect(ref, response, "the manifest of " + ref, 201);
              return digest;
            });
  }

  // -- plumbing ---------------------------------------------------------------------------------

  private static MultiMap headers(String... pairs) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      headers.add(pairs[i], pairs[i + 1]);
    }
    return headers;
  }

  /** One call, retried under {@link #RETRY}, answering the registry's auth challenge once. */
  private Future<HttpResponse<Buffer>> call(
      ImageReference ref,
      String actions,
      HttpMethod method,
      String url,
      MultiMap headers,
      Buffer body,
      long limit,
      String what) {
    return RETRY.run(
        vertx,
        attempt -> authorized(ref, actions, method, url, headers, body, limit, what),
        failure ->
            failure instanceof RegistryException e
                ? e.reason() == Reason.UNAVAILABLE
                : !(failure instanceof IllegalArgumentException));
  }

  private Future<HttpResponse<Buffer>> authorized(
      ImageReference ref,
      String actions,
      HttpMethod method,
      String url,
      MultiMap headers,
      Buffer body,
      long limit,
      String what) {
    String key = ref.registry() + " " + ref.repository() + " " + actions;
    return send(method, url, headers, tokens.get(key), body, limit, what)
        .compose(
            response -> {
              if (response.statusCode() != 401) {
                return Future.succeededFuture(response);
              }
              return authorization(ref, actions, response.getHeader("WWW-Authenticate"))
                  .compose(
                      header -> {
                        tokens.put(key, header);
                        return send(method, url, headers, header, body, limit, what);
                      })
                  .map(
                      retried -> {
                        if (retried.statusCode() == 401 || retried.statusCode() == 403) {
                          throw unauthorized(ref);
                        }
                        return retried;
                      });
            });
  }

  private RegistryException unauthorized(ImageReference ref) {
    return new RegistryException(
        Reason.UNAUTHORIZED,
        ref.registry()
            + " refused access to "
            + ref.repository()
            + (credentials.forRegistry(ref.registry()).isPresent()
                ? " with the configured login"
                : " (no login configured for " + ref.registry() + ")"));
  }

  /** The {@code Authorization} header that answers {@code challenge}. */
  private Future<String> authorization(ImageReference ref, String actions, String challenge) {
    Optional<RegistryCredentials.Login> login = credentials.forRegistry(ref.registry());
    if (challenge == null) {
      return Future.failedFuture(unauthorized(ref));
    }
    String scheme = challenge.strip().split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
    if (scheme.equals("basic")) {
      return login
          .map(l -> Future.succeededFuture(l.basic()))
          .orElseGet(() -> Future.failedFuture(unauthorized(ref)));
    }
    if (!scheme.equals("bearer")) {
      return Future.failedFuture(
          new RegistryException(
              Reason.PROTOCOL, ref.registry() + " asks for unknown authentication " + scheme));
    }
    Map<String, String> params = new LinkedHashMap<>();
    Matcher m = PARAM.matcher(challenge);
    while (m.find()) {
      params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
    }
    String realm = params.get("realm");
    if (realm == null || !(realm.startsWith("https://") || realm.startsWith("http://"))) {
      return Future.failedFuture(
          new RegistryException(
              Reason.PROTOCOL, ref.registry() + " sent a bearer challenge without a realm"));
    }
    String scope = params.getOrDefault("scope", "repository:" + ref.repository() + ":" + actions);
    StringBuilder url = new StringBuilder(realm);
    url.append(realm.contains("?") ? '&' : '?');
    if (params.containsKey("service")) {
      url.append("service=")
          .append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8))
          .append('&');
    }
    url.append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
    HttpRequest<Buffer> request =
        client
            .requestAbs(HttpMethod.GET, url.toString())
            .timeout(timeoutMillis)
            .as(new LimitedBody(64 * 1024, "a token answer"));
    login.ifPresent(l -> request.putHeader("Authorization", l.basic()));
    return request
        .send()
        .recover(e -> Future.failedFuture(unavailable(ref, "its token service", e)))
        .map(
            response -> {
              if (response.statusCode() == 401 || response.statusCode() == 403) {
                throw unauthorized(ref);
              }
              if (response.statusCode() != 200) {
                throw new RegistryException(
                    response.statusCode() >= 500 ? Reason.UNAVAILABLE : Reason.PROTOCOL,
                    ref.registry() + "'s token service answered " + response.statusCode());
              }
              JsonObject answer;
              try {
                answer = new JsonObject(response.body());
              } catch (DecodeException | ClassCastException e) {
                throw new RegistryException(
                    Reason.PROTOCOL, ref.registry() + "'s token service answered no JSON object");
              }
              String token = answer.getString("token", answer.getString("access_token"));
              if (token == null || token.isBlank()) {
                throw new RegistryException(
                    Reason.PROTOCOL, ref.registry() + "'s token service gave no token");
              }
              return "Bearer " + token;
            });
  }

  private Future<HttpResponse<Buffer>> send(
      HttpMethod method,
      String url,
      MultiMap headers,
      String authorization,
      Buffer body,
      long limit,
      String what) {
    HttpRequest<Buffer> request =
        client
            .requestAbs(method, url)
            .timeout(timeoutMillis)
            .putHeaders(headers)
            .as(new LimitedBody(Math.max(limit, 0), what));
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    ImageReference host = hostOf(url);
    Future<HttpResponse<Buffer>> sent = body == null ? request.send() : request.sendBuffer(body);
    return sent.recover(
            e ->
                Future.failedFuture(
                    e instanceof RegistryException ? e : unavailable(host, "it", e)))
        .map(
            response -> {
              int code = response.statusCode();
              if (code >= 500 || code == 429) {
                throw new RegistryException(
                    Reason.UNAVAILABLE,
                    "registry " + host.registry() + " answered " + code + " for " + what);
              }
              return response;
            });
  }

  /** The registry of an absolute URL, for messages about it. */
  private static ImageReference hostOf(String url) {
    URI uri = URI.create(url);
    String host = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    return new ImageReference(host == null ? "?" : host, "-", "-", null);
  }

  private static RegistryException unavailable(ImageReference ref, String what, Throwable e) {
    String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new RegistryException(
        Reason.UNAVAILABLE,
        "registry "
            + ref.registry()
            + " is unavailable: "
            + ("it".equals(what) ? "" : what + ": ")
            + why,
        e);
  }

  private static void expect(
      ImageReference ref, HttpResponse<Buffer> response, String what, int ok) {
    int code = response.statusCode();
    if (code == ok) {
      return;
    }
    String detail = errorText(response);
    if (code == 404) {
      throw new RegistryException(Reason.NOT_FOUND, ref.registry() + " has no " + what + detail);
    }
    if (code == 401 || code == 403) {
      throw new RegistryException(
          Reason.UNAUTHORIZED, ref.registry() + " refused " + what + " (" + code + ")" + detail);
    }
    throw new RegistryException(
        Reason.PROTOCOL, ref.registry() + " answered " + code + " for " + what + detail);
  }

  /** The registry's error codes ({@code {"errors": [{"code", "message"}]}}), short. */
  private static String errorText(HttpResponse<Buffer> response) {
    Buffer body = response.body();
    if (body == null || body.length() == 0) {
      return "";
    }
    try {
      JsonArray errors = new JsonObject(body).getJsonArray("errors");
      if (errors == null || errors.isEmpty()) {
        return "";
      }
      StringBuilder text = new StringBuilder(": ");
      for (Object error : errors) {
        if (error instanceof JsonObject e) {
          text.append(e.getString("code", "")).append(' ').append(e.getString("message", ""));
        }
      }
      String s = text.toString().strip();
      return s.length() > MAX_ERROR_TEXT ? s.substring(0, MAX_ERROR_TEXT) + "…" : s;
    } catch (RuntimeException e) {
      return "";
    }
  }

  private static RegistryException mismatch(String what, Digest expected, Digest actual) {
    return new RegistryException(
        Reason.DIGEST_MISMATCH,
        what + " does not match its digest: expected " + expected + ", got " + actual);
  }

  private static Digest parseDigest(ImageReference ref, String text) {
    try {
      return Digest.parse(text);
    } catch (IllegalArgumentException e) {
      throw new RegistryException(
          Reason.PROTOCOL,
          ref.registry() + " announced a digest Cup cannot check: " + e.getMessage());
    }
  }

  private static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
        .strip()
        .toLowerCase(Locale.ROOT);
  }
}
