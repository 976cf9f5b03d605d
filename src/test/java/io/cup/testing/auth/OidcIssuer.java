package io.cup.testing.auth;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A real OpenID Connect issuer on loopback for tests: a Vert.x HTTPS server on {@code 127.0.0.1}
 * (port 0, certificate from a {@link TestPki}) serving the discovery document and a JWKS of RS256
 * keys, and minting tokens signed with its current key (vertx-auth-jwt, {@code kid} in the header).
 *
 * <pre>{@code
 * OidcIssuer.start(vertx, pki).onSuccess(issuer -> {
 *   issuer.issuer();                                   // https://127.0.0.1:<port>
 *   issuer.token(new JsonObject().put("sub", "alice")); // signed with the current key
 *   issuer.rotateKey(OidcIssuer.Publish.NEW_ONLY);       // a new kid, the old one unpublished
 *   issuer.jwksFetches();                              // how often the JWKS was asked for
 * });
 * }</pre>
 *
 * <p>Like real issuers (Dex, Keycloak), it also publishes a {@code userinfo_endpoint} and an {@code
 * introspection_endpoint}. These are deliberately lenient: they call any bearer token active. A
 * relying party that validates JWTs locally must never consult them; {@link #lenientLookups()}
 * counts whether it did.
 *
 * <p>For a browser it also runs the authorization code flow with PKCE (RFC 6749 §4.1, RFC 7636), as
 * a public client (no secret) like Cup's web UI uses it. {@code GET /authorize} signs in the user
 * set by {@link #signInAs} without asking anything (no login form: the test is about the relying
 * party) and sends the browser back to the registered redirect URI with a code; {@code POST /token}
 * exchanges a code once, within {@link #codeLifetime}, for the client it was issued to, with the
 * same redirect URI, and only with the code verifier whose S256 challenge {@code /authorize} was
 * given. Refusals are OAuth's JSON errors ({@code 400 {"error":"invalid_grant"}}). The discovery
 * document, the JWKS and the token endpoint answer CORS requests from the origins of the registered
 * redirect URIs, as an issuer set up for a single-page app does.
 *
 * <pre>{@code
 * issuer.registerPublicClient("cup-ui", "http://127.0.0.1:8080/ui/callback");
 * issuer.signInAs(new JsonObject().put("sub", "u-7").put("email", "erin@example.test"));
 * issuer.certificatePin();  // base64 SHA-256 of its certificate's public key, for Chromium
 * }</pre>
 *
 * <p>Key generation is blocking: {@link #start} and {@link #rotateKey} belong on the test thread.
 */
public final class OidcIssuer {
  /** The client id (audience) tokens are minted for unless a test says otherwise. */
  public static final String CLIENT_ID = "cup";

  /** What the JWKS serves after {@link #rotateKey}. */
  public enum Publish {
    /** the previous keys and the new one, as during a graceful rotation */
    BOTH,
    /** only the new key: tokens signed with the old ones no longer verify */
    NEW_ONLY
  }

  /**
   * A signing key: its id, its public half for the JWKS, and the signer holding its private half.
   */
  private record SigningKey(String kid, RSAPublicKey publicKey, JWTAuth signer) {}

  private static final String JWKS_PATH = "/openid/v1/jwks";
  private static final String AUTHORIZE_PATH = "/authorize";
  private static final String TOKEN_PATH = "/token";
  private static final SecureRandom RANDOM = new SecureRandom();
  // RFC 7636 §4.1: 43 to 128 unreserved characters
  private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");

  /** A code {@code /authorize} handed out: what its exchange must match, and whom it signs in. */
  private record Grant(
      String clientId, String redirectUri, String challenge, JsonObject user, long expiresAt) {}

  /** A refused token request: an OAuth error code (RFC 6749 §5.2) and why. */
  private static final class OAuthError extends Exception {
    final String code;

    OAuthError(String code, String description) {
      super(description, null, false, false);
      this.code = code;
    }
  }

  private final Vertx vertx;
  private final TestPki pki;
  private final AtomicInteger keyIds = new AtomicInteger();
  private final AtomicInteger jwksFetches = new AtomicInteger();
  private final AtomicInteger lenientLookups = new AtomicInteger();
  // replaced whole (never mutated) so the server's event loop reads a consistent list
  private volatile List<SigningKey> published;
  private volatile SigningKey current;
  // client id -> its one redirect URI
  private final Map<String, String> clients = new ConcurrentHashMap<>();
  private final Map<String, Grant> codes = new ConcurrentHashMap<>();
  private final AtomicInteger codesIssued = new AtomicInteger();
  private final AtomicInteger codesRedeemed = new AtomicInteger();
  private volatile JsonObject user;
  private volatile Duration codeLifetime = Duration.ofMinutes(1);
  private Path certificate;
  private HttpServer server;

  private OidcIssuer(Vertx vertx, TestPki pki) {
    this.vertx = vertx;
    this.pki = pki;
    this.current = newKey("key");
    this.published = List.of(current);
  }

  /**
   * Starts an issuer whose HTTPS certificate {@code pki} signs (written under {@code dir}); trust
   * {@link #caFile()} to reach it.
   */
  public static Future<OidcIssuer> start(Vertx vertx, TestPki pki, Path dir) {
    return start(vertx, pki, dir, 0);
  }

  /** As {@link #start(Vertx, TestPki, Path)}, on {@code port} (0: any free port). */
  public static Future<OidcIssuer> start(Vertx vertx, TestPki pki, Path dir, int port) {
    OidcIssuer issuer = new OidcIssuer(vertx, pki);
    TestPki.Issued cert = pki.serverCertificate(dir);
    issuer.certificate = cert.certificate();
    HttpServerOptions options =
        new HttpServerOptions()
            .setSsl(true)
            .setHost("127.0.0.1")
            .setPort(port)
            .setKeyCertOptions(
                new PemKeyCertOptions()
                    .setCertPath(cert.certificate().toString())
                    .setKeyPath(cert.privateKey().toString()));
    Router router = Router.router(vertx);
    for (String path : List.of("/.well-known/openid-configuration", JWKS_PATH, TOKEN_PATH)) {
      router.route(path).handler(issuer::cors);
    }
    router.get("/.well-known/openid-configuration").handler(issuer::discovery);
    router.get(JWKS_PATH).handler(issuer::jwks);
    router.get(AUTHORIZE_PATH).handler(issuer::authorize);
    router
        .post(TOKEN_PATH)
        .handler(BodyHandler.create().setBodyLimit(16 * 1024))
        .handler(issuer::exchange);
    router.route("/userinfo").handler(issuer::lenient);
    router.route("/introspect").handler(issuer::lenient);
    return vertx
        .createHttpServer(options)
        .requestHandler(router)
        .listen()
        .map(
            server -> {
              issuer.server = server;
              return issuer;
            });
  }

  /**
   * Starts an issuer whose certificate is written to a directory next to the CA's file ({@code <ca
   * dir>/oidc-issuer}).
   */
  public static Future<OidcIssuer> start(Vertx vertx, TestPki pki) {
    return start(vertx, pki, pki.caFile().resolveSibling("oidc-issuer"));
  }

  /** The issuer URL, {@code https://127.0.0.1:<port>}: the {@code iss} of its tokens. */
  public String issuer() {
    return "https://127.0.0.1:" + server.actualPort();
  }

  /** The CA that signed this issuer's HTTPS certificate (PEM). */
  public Path caFile() {
    return pki.caFile();
  }

  /** The kid tokens are signed with now. */
  public String currentKid() {
    return current.kid();
  }

  /**
   * The base64 SHA-256 of this issuer's certificate's public key (its SubjectPublicKeyInfo), as
   * Chromium's {@code --ignore-certificate-errors-spki-list} and HPKP name a key: a browser told to
   * accept this key trusts this issuer and nothing else it would not trust anyway.
   */
  public String certificatePin() {
    try {
      X509Certificate x509;
      try (var in = Files.newInputStream(certificate)) {
        x509 = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      }
      byte[] spki = x509.getPublicKey().getEncoded();
      return Base64.getEncoder().encodeToString(sha256(spki));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (CertificateException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Registers a public client of the code flow: {@code /authorize} accepts {@code clientId} only
   * with exactly {@code redirectUri}, and the origin of {@code redirectUri} may call the discovery,
   * JWKS and token endpoints from a browser (CORS).
   */
  public void registerPublicClient(String clientId, String redirectUri) {
    clients.put(Objects.requireNonNull(clientId), Objects.requireNonNull(redirectUri));
  }

  /**
   * Who {@code /authorize} signs in from now on: these claims go into the ID token over the
   * standard ones ({@code iss}, {@code aud} the client, {@code iat}, {@code exp}); null: nobody,
   * the browser is sent back with {@code error=access_denied}.
   */
  public void signInAs(JsonObject claims) {
    this.user = claims == null ? null : claims.copy();
  }

  /** How long a code may wait for its exchange (one minute unless a test says otherwise). */
  public void codeLifetime(Duration lifetime) {
    this.codeLifetime = Objects.requireNonNull(lifetime);
  }

  /** How many codes {@code /authorize} handed out. */
  public int codesIssued() {
    return codesIssued.get();
  }

  /** How many codes {@code /token} exchanged for tokens. */
  public int codesRedeemed() {
    return codesRedeemed.get();
  }

  /** How many times the JWKS was fetched. */
  public int jwksFetches() {
    return jwksFetches.get();
  }

  /** How many times the lenient userinfo or introspection endpoint was asked about a token. */
  public int lenientLookups() {
    return lenientLookups.get();
  }

  /**
   * A token signed with the current key: {@code iss} this issuer, {@code aud} {@link #CLIENT_ID},
   * {@code sub} {@code alice}, {@code iat} and {@code nbf} now, {@code exp} in ten minutes; {@code
   * claims} are merged over these, and a claim given as JSON null is left out (e.g. no {@code
   * aud}).
   */
  public String token(JsonObject claims) {
    return sign(current, claims);
  }

  /** A token with the standard claims only. */
  public String token() {
    return token(new JsonObject());
  }

  /** A well-formed token with this issuer's claims, signed by an RSA key it never published. */
  public String tokenSignedByUnknownKey(JsonObject claims) {
    return sign(newKey("unpublished"), claims);
  }

  /**
   * A new signing key with a new kid becomes current; the JWKS serves it alone or with the previous
   * keys, as {@code publish} says.
   */
  public String rotateKey(Publish publish) {
    SigningKey next = newKey("key");
    List<SigningKey> keys = new ArrayList<>();
    if (publish == Publish.BOTH) {
      keys.addAll(published);
    }
    keys.add(next);
    published = List.copyOf(keys);
    current = next;
    return next.kid();
  }

  /**
   * {@code token} with its payload changed ({@code sub} becomes {@code mallory}, {@code groups}
   * {@code system:masters}) and its header and signature kept: a forgery the signature check must
   * catch.
   */
  public static String tamper(String token) {
    String[] parts = token.split("\\.");
    JsonObject payload =
        new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8))
            .put("sub", "mallory")
            .put("groups", new JsonArray().add("system:masters"));
    String forged =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(payload.encode().getBytes(StandardCharsets.UTF_8));
    return parts[0] + "." + forged + "." + parts[2];
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private String sign(SigningKey key, JsonObject claims) {
    long now = System.currentTimeMillis() / 1000;
    JsonObject payload =
        new JsonObject()
            .put("iss", issuer())
            .put("aud", CLIENT_ID)
            .put("sub", "alice")
            .put("iat", now)
            .put("nbf", now)
            .put("exp", now + 600);
    claims.forEach(
        claim -> {
          if (claim.getValue() == null) {
            payload.remove(claim.getKey());
          } else {
            payload.put(claim.getKey(), claim.getValue());
          }
        });
    // noTimestamp: the claims above are the token's, nothing is added on signing
    return key.signer()
        .generateToken(payload, new JWTOptions().setAlgorithm("RS256").setNoTimestamp(true));
  }

  private SigningKey newKey(String prefix) {
    KeyPair pair = TestPki.rsaKeyPair();
    String kid = prefix + "-" + keyIds.incrementAndGet();
    JWTAuth signer =
        JWTAuth.create(
            vertx,
            new JWTAuthOptions()
                .addPubSecKey(
                    new PubSecKeyOptions()
                        .setAlgorithm("RS256")
                        .setId(kid)
                        .setBuffer(TestPki.privateKeyPem(pair.getPrivate()))));
    return new SigningKey(kid, (RSAPublicKey) pair.getPublic(), signer);
  }

  private void discovery(RoutingContext rc) {
    String base = issuer();
    JsonObject document =
        new JsonObject()
            .put("issuer", base)
            .put("jwks_uri", base + JWKS_PATH)
            .put("authorization_endpoint", base + AUTHORIZE_PATH)
            .put("token_endpoint", base + TOKEN_PATH)
            .put("userinfo_endpoint", base + "/userinfo")
            .put("introspection_endpoint", base + "/introspect")
            .put("response_types_supported", new JsonArray().add("code").add("id_token"))
            .put("grant_types_supported", new JsonArray().add("authorization_code"))
            .put("code_challenge_methods_supported", new JsonArray().add("S256"))
            .put("token_endpoint_auth_methods_supported", new JsonArray().add("none"))
            .put("scopes_supported", new JsonArray().add("openid").add("profile").add("email"))
            .put("subject_types_supported", new JsonArray().add("public"))
            .put("id_token_signing_alg_values_supported", new JsonArray().add("RS256"));
    rc.response().putHeader("Content-Type", "application/json").end(document.encode());
  }

  private void jwks(RoutingContext rc) {
    jwksFetches.incrementAndGet();
    JsonArray keys = new JsonArray();
    for (SigningKey key : published) {
      keys.add(
          new JsonObject()
              .put("kty", "RSA")
              .put("use", "sig")
              .put("alg", "RS256")
              .put("kid", key.kid())
              .put("n", base64Url(key.publicKey().getModulus()))
              .put("e", base64Url(key.publicKey().getPublicExponent())));
    }
    rc.response()
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("keys", keys).encode());
  }

  /**
   * CORS for the origins of the registered redirect URIs (a page there fetches discovery and posts
   * the code); a preflight is answered though a form-encoded POST needs none.
   */
  private void cors(RoutingContext rc) {
    String origin = rc.request().getHeader(HttpHeaders.ORIGIN);
    rc.response().putHeader(HttpHeaders.VARY, "Origin");
    boolean allowed =
        origin != null && clients.values().stream().anyMatch(uri -> origin.equals(origin(uri)));
    if (allowed) {
      rc.response().putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
    if (rc.request().method() == HttpMethod.OPTIONS) {
      if (allowed) {
        rc.response()
            .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST")
            .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type")
            .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, "600");
      }
      rc.response().setStatusCode(204).end();
      return;
    }
    rc.next();
  }

  /**
   * {@code GET /authorize}: an unknown client or a redirect URI not registered for it is a page of
   * its own (RFC 6749 §4.1.2.1: never a redirect); other refusals go back to the client as {@code
   * error} and {@code state}; else the user of {@link #signInAs} is signed in and the browser sent
   * back with a fresh code.
   */
  private void authorize(RoutingContext rc) {
    MultiMap query = rc.queryParams();
    String clientId = query.get("client_id");
    String redirectUri = query.get("redirect_uri");
    String registered = clientId == null ? null : clients.get(clientId);
    if (registered == null || !registered.equals(redirectUri)) {
      rc.response()
          .setStatusCode(400)
          .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
          .end(
              registered == null
                  ? "unknown client_id\n"
                  : "redirect_uri is not registered for this client\n");
      return;
    }
    String state = query.get("state");
    String challenge = query.get("code_challenge");
    JsonObject signedIn = user;
    String error = null;
    if (!"code".equals(query.get("response_type"))) {
      error = "unsupported_response_type";
    } else if (challenge == null
        || !VERIFIER.matcher(challenge).matches()
        || !"S256".equals(query.get("code_challenge_method"))) {
      error = "invalid_request"; // PKCE with S256 is required of public clients
    } else if (signedIn == null) {
      error = "access_denied";
    }
    StringBuilder location = new StringBuilder(redirectUri).append('?');
    if (error != null) {
      location.append("error=").append(error);
    } else {
      String code = randomToken();
      long expiresAt = System.currentTimeMillis() + codeLifetime.toMillis();
      codes.put(code, new Grant(clientId, redirectUri, challenge, signedIn, expiresAt));
      codesIssued.incrementAndGet();
      location.append("code=").append(code);
    }
    if (state != null) {
      location.append("&state=").append(URLEncoder.encode(state, StandardCharsets.UTF_8));
    }
    rc.response()
        .setStatusCode(302)
        .putHeader(HttpHeaders.LOCATION, location.toString())
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end();
  }

  /** {@code POST /token}: a code for an ID token, once, with everything {@code /authorize} saw. */
  private void exchange(RoutingContext rc) {
    rc.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    try {
      Grant grant = redeem(rc.request().formAttributes());
      codesRedeemed.incrementAndGet();
      JsonObject claims = grant.user().copy().put("aud", grant.clientId());
      String idToken = sign(current, claims);
      String accessToken = sign(current, claims.copy().put("token_use", "access"));
      rc.response()
          .end(
              new JsonObject()
                  .put("id_token", idToken)
                  .put("access_token", accessToken)
                  .put("token_type", "Bearer")
                  .put("expires_in", 600)
                  .encode());
    } catch (OAuthError e) {
      rc.response()
          .setStatusCode(400)
          .end(
              new JsonObject()
                  .put("error", e.code)
                  .put("error_description", e.getMessage())
                  .encode());
    }
  }

  /** The grant the form's code stands for, used up whether the rest of the form matches or not. */
  private Grant redeem(MultiMap form) throws OAuthError {
    if (!"authorization_code".equals(form.get("grant_type"))) {
      throw new OAuthError("unsupported_grant_type", "only authorization_code is supported");
    }
    String code = form.get("code");
    Grant grant = code == null ? null : codes.remove(code);
    if (grant == null) {
      throw new OAuthError("invalid_grant", "unknown or already used code");
    }
    if (System.currentTimeMillis() >= grant.expiresAt()) {
      throw new OAuthError("invalid_grant", "expired code");
    }
    if (!grant.clientId().equals(form.get("client_id"))) {
      throw new OAuthError("invalid_grant", "the code was issued to another client");
    }
    if (!grant.redirectUri().equals(form.get("redirect_uri"))) {
      throw new OAuthError("invalid_grant", "redirect_uri differs from the authorization request");
    }
    String verifier = form.get("code_verifier");
    if (verifier == null
        || !VERIFIER.matcher(verifier).matches()
        || !MessageDigest.isEqual(
            s256(verifier).getBytes(StandardCharsets.US_ASCII),
            grant.challenge().getBytes(StandardCharsets.US_ASCII))) {
      throw new OAuthError("invalid_grant", "code_verifier does not match the code_challenge");
    }
    return grant;
  }

  /** RFC 7636 §4.2: {@code BASE64URL(SHA256(ASCII(code_verifier)))}. */
  public static String s256(String verifier) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(sha256(verifier.getBytes(StandardCharsets.US_ASCII)));
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String randomToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** {@code scheme://host[:port]} of a URL, as a browser's {@code Origin} names it. */
  private static String origin(String url) {
    URI uri = URI.create(url);
    return uri.getScheme() + "://" + uri.getRawAuthority();
  }

  private void lenient(RoutingContext rc) {
    lenientLookups.incrementAndGet();
    long now = System.currentTimeMillis() / 1000;
    rc.response()
        .putHeader("Content-Type", "application/json")
        .end(
            new JsonObject()
                .put("active", true)
                .put("sub", "anyone")
                .put("client_id", CLIENT_ID)
                .put("exp", now + 600)
                .encode());
  }

  // JWK integers are unsigned big-endian (RFC 7518 §6.3.1): drop BigInteger's sign byte
  private static String base64Url(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  @Override
  public String toString() {
    return "OidcIssuer[" + Objects.toString(server == null ? null : issuer()) + "]";
  }
}
