package io.cup.testing.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
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
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

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

  private final Vertx vertx;
  private final TestPki pki;
  private final AtomicInteger keyIds = new AtomicInteger();
  private final AtomicInteger jwksFetches = new AtomicInteger();
  private final AtomicInteger lenientLookups = new AtomicInteger();
  // replaced whole (never mutated) so the server's event loop reads a consistent list
  private volatile List<SigningKey> published;
  private volatile SigningKey current;
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
    router.get("/.well-known/openid-configuration").handler(issuer::discovery);
    router.get(JWKS_PATH).handler(issuer::jwks);
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
            .put("authorization_endpoint", base + "/authorize")
            .put("token_endpoint", base + "/token")
            .put("userinfo_endpoint", base + "/userinfo")
            .put("introspection_endpoint", base + "/introspect")
            .put("response_types_supported", new JsonArray().add("id_token"))
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
