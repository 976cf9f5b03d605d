package io.cup.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A token service for {@link OciRegistry#withTokens}: the distribution token flow's realm, on
 * 127.0.0.1. It answers {@code GET /token?service=…&scope=repository:<name>:<actions>} with an
 * RS256 JWT (header {@code x5c}: its self-signed certificate, which the registry trusts as its
 * {@code rootcertbundle}) granting the asked actions, to {@code user} with {@code password} as
 * basic auth only; anyone else gets 401. It keeps the scopes it was asked for.
 */
public final class OciTokenService implements AutoCloseable {
  public static final String SERVICE = "cup-test-registry";
  public static final String ISSUER = "cup-test-issuer";

  private final HttpServer server;
  private final KeyPair key;
  private final byte[] certificate;
  private final Path certificateFile;
  private final List<String> scopes = new CopyOnWriteArrayList<>();

  private OciTokenService(
      HttpServer server, KeyPair key, byte[] certificate, Path certificateFile) {
    this.server = server;
    this.key = key;
    this.certificate = certificate;
    this.certificateFile = certificateFile;
  }

  /** A started token service for {@code user}, its certificate written under {@code dir}. */
  public static OciTokenService start(Vertx vertx, Path dir, String user, String password)
      throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    KeyPair key = rsa.generateKeyPair();
    X500Name name = new X500Name("CN=cup test token issuer");
    byte[] der =
        new JcaX509v3CertificateBuilder(
                name,
                BigInteger.valueOf(System.nanoTime()),
                Date.from(Instant.now().minusSeconds(3600)),
                Date.from(Instant.now().plusSeconds(86_400)),
                name,
                key.getPublic())
            .build(new JcaContentSignerBuilder("SHA256withRSA").build(key.getPrivate()))
            .getEncoded();
    Files.createDirectories(dir);
    Path pem = dir.resolve("token-issuer.pem");
    Files.writeString(
        pem,
        "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
            + "\n-----END CERTIFICATE-----\n",
        StandardCharsets.US_ASCII);
    String expected =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    OciTokenService[] self = new OciTokenService[1];
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(
                request -> {
                  if (!expected.equals(request.getHeader("Authorization"))) {
                    request.response().setStatusCode(401).end("{\"details\":\"login\"}");
                    return;
                  }
                  String scope = request.getParam("scope", "");
                  self[0].scopes.add(scope);
                  String token = self[0].token(user, scope);
                  request
                      .response()
                      .putHeader("Content-Type", "application/json")
                      .end(new JsonObject().put("token", token).put("expires_in", 300).encode());
                });
    server.listen(0, "127.0.0.1").await(30, TimeUnit.SECONDS);
    self[0] = new OciTokenService(server, key, der, pem);
    return self[0];
  }

  /** The realm the registry sends clients to. */
  public String realm() {
    return "http://127.0.0.1:" + server.actualPort() + "/token";
  }

  /** The issuer's certificate (PEM), the registry's {@code rootcertbundle}. */
  public Path certificate() {
    return certificateFile;
  }

  /** The scopes tokens were issued for, in order. */
  public List<String> scopes() {
    return List.copyOf(scopes);
  }

  private String token(String user, String scope) {
    JsonArray access = new JsonArray();
    String[] parts = scope.split(":");
    if (parts.length == 3) {
      access.add(
          new JsonObject()
              .put("type", parts[0])
              .put("name", parts[1])
              .put("actions", new JsonArray(List.of(parts[2].split(",")))));
    }
    long now = Instant.now().getEpochSecond();
    JsonObject header =
        new JsonObject()
            .put("typ", "JWT")
            .put("alg", "RS256")
            .put("x5c", new JsonArray().add(Base64.getEncoder().encodeToString(certificate)));
    JsonObject claims =
        new JsonObject()
            .put("iss", ISSUER)
            .put("sub", user)
            .put("aud", SERVICE)
            .put("exp", now + 300)
            .put("nbf", now - 10)
            .put("iat", now)
            .put("jti", UUID.randomUUID().toString())
            .put("access", access);
    Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
    String signed =
        url.encodeToString(header.encode().getBytes(StandardCharsets.UTF_8))
            + "."
            + url.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    try {
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initSign(key.getPrivate());
      rs256.update(signed.getBytes(StandardCharsets.US_ASCII));
      return signed + "." + url.encodeToString(rs256.sign());
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      server.close().await(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("the token service did not close within 30 s", e);
    }
  }
}
