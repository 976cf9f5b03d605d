package io.cup.access;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.cup.config.AccessSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Bearer tokens that are JWTs from the configured OpenID Connect issuer ({@code
 * --api-oidc-issuer-url}), checked as the Kubernetes API server's OIDC authenticator checks them:
 * an RS256 signature by a key in the issuer's JWKS, {@code iss} the issuer, {@code aud} containing
 * the client id, {@code exp} and {@code nbf} with {@value #LEEWAY_SECONDS} s of leeway.
 *
 * <p>A token that is not a JWT, or a JWT from another issuer, is not this authenticator's: the
 * answer is empty and the next authenticator is asked. A JWT naming this issuer that fails a check
 * is refused ({@link AuthenticationException}).
 *
 * <p>Verification is vertx-auth-oauth2's ({@link OpenIDConnectAuth#discover} loads the discovery
 * document and the JWKS; {@link OAuth2Auth#authenticate} verifies). Around it this class adds what
 * the library leaves to its user: it never falls back to the issuer's userinfo or introspection
 * endpoints, refuses on the claims it can read before the signature is checked (so the log says
 * why: the library reports every refusal alike), refetches the JWKS once for an unknown {@code kid}
 * (at most once per {@link #REFRESH_INTERVAL}), and caches what it verified until the token
 * expires.
 */
public final class OidcAuthenticator implements TokenAuthenticator, AutoCloseable {
  /** Clock skew tolerated on {@code exp}, {@code nbf} and {@code iat}. */
  public static final int LEEWAY_SECONDS = 5;

  /** The least time between two JWKS fetches caused by unknown key ids. */
  public static final Duration REFRESH_INTERVAL = Duration.ofSeconds(10);

  /** How many verified tokens are remembered. */
  public static final long CACHE_SIZE = 10_000;

  /** The only signing algorithm accepted, as the Kubernetes API server's default. */
  static final String ALGORITHM = "RS256";

  private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+");

  /** A verified token's user, until the token's {@code exp} (epoch seconds). */
  private record Verified(UserInfo user, long expiresAt) {}

  /** A JWT's header and claims as written, before anything about them is trusted. */
  private record Unverified(JsonObject header, JsonObject claims) {}

  private final OAuth2Auth provider;
  private final String issuer;

  /**
   * The audiences a token may carry, any one of them: the API's client id, and the web UI's when
   * one is configured (an operator who names a client as Cup's UI means its tokens for Cup).
   */
  private final List<String> audiences;

  private final String usernameClaim;
  private final String groupsClaim;
  private final Cache<String, Verified> verified;
  private final AtomicLong verifications = new AtomicLong();
  private final AtomicLong keyRefreshes = new AtomicLong();

  // guarded by this: the refresh in flight (joined, not repeated) and when the next may start
  private Future<Void> refreshing;
  private long nextRefreshNanos = System.nanoTime();

  private OidcAuthenticator(OAuth2Auth provider, AccessSettings settings) {
    this.provider = provider;
    this.issuer = settings.oidcIssuerUrl();
    this.audiences = audiences(settings);
    this.usernameClaim = settings.oidcUsernameClaim();
    this.groupsClaim = settings.oidcGroupsClaim();
    this.verified =
        Caffeine.newBuilder()
            .maximumSize(CACHE_SIZE)
            .expireAfter(new UntilExpiry())
            // maintenance on the calling thread: no pool threads for a cache this size
            .executor(Runnable::run)
            .build();
  }

  /**
   * Reads the issuer's discovery document and JWKS (over HTTPS, trusting {@code --api-oidc-ca-file}
   * when given, else the JVM's trust store). Fails when the issuer cannot be reached or its
   * document names another issuer.
   */
  public static Future<OidcAuthenticator> discover(Vertx vertx, AccessSettings settings) {
    Objects.requireNonNull(settings.oidcIssuerUrl(), "oidcIssuerUrl");
    Objects.requireNonNull(settings.oidcClientId(), "oidcClientId");
    Future<HttpClientOptions> http =
        settings.oidcCaFile() == null
            ? Future.succeededFuture(httpOptions())
            : vertx
                .fileSystem()
                .readFile(settings.oidcCaFile())
                .map(pem -> httpOptions().setTrustOptions(new PemTrustOptions().addCertValue(pem)));
    return http.compose(
        httpOptions -> {
          OAuth2Options options =
              new OAuth2Options()
                  .setSite(settings.oidcIssuerUrl())
                  .setClientId(settings.oidcClientId())
                  .setHttpClientOptions(httpOptions)
                  .setJWTOptions(
                      new JWTOptions().setAudience(audiences(settings)).setLeeway(LEEWAY_SECONDS));
          return OpenIDConnectAuth.discover(vertx, options)
              .map(
                  provider -> {
                    // The provider keeps (and reads at each authenticate) this same options
                    // object, which discovery filled in. A JWT it cannot verify locally it would
                    // otherwise hand to the issuer's introspection or userinfo endpoint and accept
                    // whatever those say, audience unchecked. Cup verifies locally or refuses.
                    options.setIntrospectionPath(null).setUserInfoPath(null);
                    return new OidcAuthenticator(provider, settings);
                  });
        });
  }

  private static HttpClientOptions httpOptions() {
    return new HttpClientOptions().setConnectTimeout(10_000).setIdleTimeout(30);
  }

  @Override
  public Future<Optional<UserInfo>> authenticate(String token) {
    // the cache first: a token verified once is this issuer's, and is not parsed again
    String key = TokenKey.of(token);
    Verified hit = verified.getIfPresent(key);
    if (hit != null && hit.expiresAt() > nowSeconds()) {
      return Future.succeededFuture(Optional.of(hit.user()));
    }
    Unverified jwt = parse(token);
    if (jwt == null || !issuer.equals(jwt.claims().getValue("iss"))) {
      return Future.succeededFuture(Optional.empty());
    }
    String refused = refusal(jwt);
    if (refused != null) {
      return Future.failedFuture(new AuthenticationException("OIDC token refused: " + refused));
    }
    return verify(token, true)
        .compose(this::verifiedClaims)
        .map(
            claims -> {
              UserInfo user = user(claims);
              verified.put(key, new Verified(user, claims.getLong("exp")));
              return Optional.of(user);
            });
  }

  /** Tokens checked against the issuer's keys: cache misses that got as far as the signature. */
  public long verifications() {
    return verifications.get();
  }

  /** JWKS fetches caused by tokens naming a key id the authenticator did not know. */
  public long keyRefreshes() {
    return keyRefreshes.get();
  }

  /** Stops the provider's timers. */
  @Override
  public void close() {
    provider.close();
  }

  /** The library's verdict, after at most one JWKS refetch for an unknown key id. */
  private Future<User> verify(String token, boolean mayRefresh) {
    verifications.incrementAndGet();
    return provider
        .authenticate(new TokenCredentials(token))
        .recover(
            failure -> {
              if (failure instanceof NoSuchKeyIdException) {
                if (mayRefresh) {
                  return refreshKeys()
                      .recover(
                          e ->
                              Future.failedFuture(
                                  new AuthenticationException(
                                      "OIDC token refused: signing key unknown (JWKS refresh"
                                          + " failed)",
                                      e)))
                      .compose(refreshed -> refreshed ? verify(token, false) : unknownKey(failure));
                }
                return unknownKey(failure);
              }
              return Future.failedFuture(
                  new AuthenticationException(
                      "OIDC token refused: signature not verified by the issuer's keys", failure));
            });
  }

  private static <T> Future<T> unknownKey(Throwable cause) {
    return Future.failedFuture(
        new AuthenticationException(
            "OIDC token refused: signed with a key the issuer does not publish", cause));
  }

  /**
   * Fetches the JWKS again, unless a fetch is running (then its outcome is shared) or the last one
   * began less than {@link #REFRESH_INTERVAL} ago (then false: tokens with made-up key ids cannot
   * make Cup hammer the issuer).
   */
  private synchronized Future<Boolean> refreshKeys() {
    if (refreshing != null) {
      return refreshing.map(true);
    }
    long now = System.nanoTime();
    if (now - nextRefreshNanos < 0) {
      return Future.succeededFuture(false);
    }
    nextRefreshNanos = now + REFRESH_INTERVAL.toNanos();
    keyRefreshes.incrementAndGet();
    Future<Void> fetch = provider.jWKSet();
    refreshing = fetch;
    return fetch.andThen(done -> refreshDone()).map(true);
  }

  private synchronized void refreshDone() {
    refreshing = null;
  }

  /** The library's verified claims, or a refusal if it verified without them. */
  private Future<JsonObject> verifiedClaims(User user) {
    JsonObject claims = user.attributes().getJsonObject("accessToken");
    if (claims == null) {
      // the library answers with a user only for a JWT it verified; anything else is a surprise
      return Future.failedFuture(
          new AuthenticationException("OIDC token refused: not verified as a JWT"));
    }
    return Future.succeededFuture(claims);
  }

  /**
   * Why the claims alone refuse the token, or null. Only ever refuses: acceptance waits for the
   * signature, and the library checks all of this again.
   */
  private String refusal(Unverified jwt) {
    if (!ALGORITHM.equals(jwt.header().getValue("alg"))) {
      return "signing algorithm is not " + ALGORITHM;
    }
    JsonObject claims = jwt.claims();
    if (Collections.disjoint(audiences(claims.getValue("aud")), audiences)) {
      return "audience does not include the client id " + String.join(" or ", audiences);
    }
    long now = nowSeconds();
    if (!(claims.getValue("exp") instanceof Number exp)) {
      return "no expiry (exp)";
    }
    if (now - LEEWAY_SECONDS >= exp.longValue()) {
      return "expired";
    }
    if (claims.getValue("nbf") instanceof Number nbf && nbf.longValue() > now + LEEWAY_SECONDS) {
      return "not valid yet (nbf)";
    }
    if (claims.getValue("iat") instanceof Number iat && iat.longValue() > now + LEEWAY_SECONDS) {
      return "issued in the future (iat)";
    }
    return null;
  }

  /** The API's client id, then the web UI's when there is one. */
  private static List<String> audiences(AccessSettings settings) {
    return settings.oidcUiClientId() == null
            || settings.oidcUiClientId().equals(settings.oidcClientId())
        ? List.of(settings.oidcClientId())
        : List.of(settings.oidcClientId(), settings.oidcUiClientId());
  }

  private static List<?> audiences(Object aud) {
    if (aud instanceof String one) {
      return List.of(one);
    }
    if (aud instanceof JsonArray many) {
      return many.getList();
    }
    return List.of();
  }

  /** The user the verified claims name, as Kubernetes maps them (no uid for OIDC users). */
  private UserInfo user(JsonObject claims) {
    if (!(claims.getValue(usernameClaim) instanceof String username) || username.isEmpty()) {
      throw new AuthenticationException(
          "OIDC token refused: no string claim " + usernameClaim + " to name the user");
    }
    // as Kubernetes: an e-mail address names the user only if the issuer did not say it is
    // unverified
    if ("email".equals(usernameClaim) && Boolean.FALSE.equals(claims.getValue("email_verified"))) {
      throw new AuthenticationException("OIDC token refused: email not verified");
    }
    List<String> groups = new ArrayList<>();
    Object value = claims.getValue(groupsClaim);
    if (value instanceof String one) {
      groups.add(one);
    } else if (value instanceof JsonArray many) {
      for (Object group : many) {
        if (!(group instanceof String name)) {
          throw new AuthenticationException(
              "OIDC token refused: claim " + groupsClaim + " is not a list of strings");
        }
        groups.add(name);
      }
    } else if (value != null) {
      throw new AuthenticationException(
          "OIDC token refused: claim " + groupsClaim + " is neither a string nor a list");
    }
    String email = claims.getValue("email") instanceof String e ? e : null;
    return UserInfo.authenticated(username, "", groups, email);
  }

  /**
   * Whether {@code token} is a JWT that says it comes from {@code issuer} (nothing about it is
   * verified): what this authenticator would take as its own.
   */
  static boolean claimsIssuer(String token, String issuer) {
    Unverified jwt = parse(token);
    return jwt != null && issuer.equals(jwt.claims().getValue("iss"));
  }

  /**
   * A compact JWS: three base64url parts, the first two JSON objects. Null for anything else (an
   * opaque token, a static token).
   */
  private static Unverified parse(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return null;
    }
    for (String part : parts) {
      if (!BASE64URL.matcher(part).matches()) {
        return null;
      }
    }
    try {
      Base64.Decoder base64 = Base64.getUrlDecoder();
      JsonObject header = new JsonObject(Buffer.buffer(base64.decode(parts[0])));
      JsonObject claims = new JsonObject(Buffer.buffer(base64.decode(parts[1])));
      return new Unverified(header, claims);
    } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
      return null;
    }
  }

  private static long nowSeconds() {
    return System.currentTimeMillis() / 1000;
  }

  /** An entry lives until its token's {@code exp}. */
  private static final class UntilExpiry implements Expiry<String, Verified> {
    @Override
    public long expireAfterCreate(String key, Verified value, long currentTime) {
      long seconds = Math.max(0, value.expiresAt() - nowSeconds());
      return Duration.ofSeconds(seconds).toNanos();
    }

    @Override
    public long expireAfterUpdate(
        String key, Verified value, long currentTime, long currentDuration) {
      return expireAfterCreate(key, value, currentTime);
    }

    @Override
    public long expireAfterRead(
        String key, Verified value, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }
}
