package io.cup.testing.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test issuer's authorization code flow with PKCE, as a browser-side client meets it: the code
 * is handed out for a registered client and redirect URI only, exchanged once, and only with the
 * verifier of its challenge; everything else is OAuth's {@code invalid_grant}.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class OidcIssuerCodeFlowTest {
  private static final String UI = "cup-ui";
  private static final String ORIGIN = "http://127.0.0.1:8080";
  private static final String CALLBACK = ORIGIN + "/ui/callback";
  private static final String VERIFIER = "v".repeat(20) + "-verifier-of-this-sign-in-0123";

  @TempDir Path tmp;
  private OidcIssuer issuer;
  private WebClient client;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    TestPki pki = TestPki.create(tmp.resolve("pki"));
    issuer = OidcIssuer.start(vertx, pki).await(1, TimeUnit.MINUTES);
    issuer.registerPublicClient(UI, CALLBACK);
    issuer.signInAs(
        new JsonObject()
            .put("sub", "u-7")
            .put("email", "erin@example.test")
            .put("groups", new JsonArray().add("flag-editors")));
    client =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setSsl(true)
                .setFollowRedirects(false)
                .setTrustOptions(new PemTrustOptions().addCertPath(pki.caFile().toString())));
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    issuer.close().await(1, TimeUnit.MINUTES);
  }

  @Test
  void aCodeIsExchangedOnceForAnIdTokenOfTheSignedInUser() throws Exception {
    JsonObject discovery = get("/.well-known/openid-configuration").bodyAsJsonObject();
    assertThat(discovery.getString("authorization_endpoint")).isEqualTo(url("/authorize"));
    assertThat(discovery.getString("token_endpoint")).isEqualTo(url("/token"));
    assertThat(discovery.getJsonArray("code_challenge_methods_supported")).containsExactly("S256");

    URI back = authorize(UI, CALLBACK, "the-state", OidcIssuer.s256(VERIFIER), "S256");
    assertThat(back.toString()).startsWith(CALLBACK + "?code=").endsWith("&state=the-state");
    String code = param(back, "code");

    HttpResponse<Buffer> tokens = exchange(code, CALLBACK, UI, VERIFIER);
    assertThat(tokens.statusCode()).as(tokens.bodyAsString()).isEqualTo(200);
    assertThat(tokens.getHeader("Access-Control-Allow-Origin")).isEqualTo(ORIGIN);
    JsonObject answer = tokens.bodyAsJsonObject();
    assertThat(answer.getString("token_type")).isEqualTo("Bearer");
    assertThat(answer.getString("access_token")).isNotBlank();
    JsonObject claims = payload(answer.getString("id_token"));
    assertThat(claims.getString("iss")).isEqualTo(issuer.issuer());
    assertThat(claims.getString("aud")).isEqualTo(UI);
    assertThat(claims.getString("sub")).isEqualTo("u-7");
    assertThat(claims.getString("email")).isEqualTo("erin@example.test");
    assertThat(claims.getJsonArray("groups")).containsExactly("flag-editors");
    assertThat(claims.getLong("exp")).isGreaterThan(claims.getLong("iat"));

    assertThat(error(exchange(code, CALLBACK, UI, VERIFIER))).isEqualTo("invalid_grant");
    assertThat(issuer.codesIssued()).isEqualTo(1);
    assertThat(issuer.codesRedeemed()).isEqualTo(1);
  }

  @Test
  void aCodeIsRefusedWithAnotherVerifierClientOrRedirectAndUsedUpByTheTry() throws Exception {
    String challenge = OidcIssuer.s256(VERIFIER);
    String wrongVerifier = VERIFIER.replace('v', 'w');
    String first = param(authorize(UI, CALLBACK, "s", challenge, "S256"), "code");
    assertThat(error(exchange(first, CALLBACK, UI, wrongVerifier))).isEqualTo("invalid_grant");
    assertThat(error(exchange(first, CALLBACK, UI, VERIFIER)))
        .as("a code tried once is gone")
        .isEqualTo("invalid_grant");

    String second = param(authorize(UI, CALLBACK, "s", challenge, "S256"), "code");
    assertThat(error(exchange(second, CALLBACK + "x", UI, VERIFIER))).isEqualTo("invalid_grant");
    String third = param(authorize(UI, CALLBACK, "s", challenge, "S256"), "code");
    assertThat(error(exchange(third, CALLBACK, "another-client", VERIFIER)))
        .isEqualTo("invalid_grant");
    String fourth = param(authorize(UI, CALLBACK, "s", challenge, "S256"), "code");
    assertThat(error(exchange(fourth + "x", CALLBACK, UI, VERIFIER))).isEqualTo("invalid_grant");
    assertThat(error(exchange(fourth, CALLBACK, UI, null))).isEqualTo("invalid_grant");

    issuer.codeLifetime(Duration.ZERO);
    String expired = param(authorize(UI, CALLBACK, "s", challenge, "S256"), "code");
    assertThat(error(exchange(expired, CALLBACK, UI, VERIFIER))).isEqualTo("invalid_grant");
    assertThat(issuer.codesRedeemed()).isZero();
  }

  @Test
  void anAuthorizationRequestWithoutPkceOrFromAnUnknownClientGetsNoCode() throws Exception {
    String challenge = OidcIssuer.s256(VERIFIER);
    assertThat(authorize(UI, CALLBACK, "s", challenge, "plain").toString())
        .isEqualTo(CALLBACK + "?error=invalid_request&state=s");
    assertThat(authorize(UI, CALLBACK, "s", null, null).toString())
        .isEqualTo(CALLBACK + "?error=invalid_request&state=s");
    issuer.signInAs(null);
    assertThat(authorize(UI, CALLBACK, "s", challenge, "S256").toString())
        .isEqualTo(CALLBACK + "?error=access_denied&state=s");

    // never sent back to a redirect URI nobody registered
    assertThat(authorizeStatus("someone-else", CALLBACK, challenge)).isEqualTo(400);
    assertThat(authorizeStatus(UI, "https://evil.example/ui/callback", challenge)).isEqualTo(400);
    assertThat(issuer.codesIssued()).isZero();
  }

  @Test
  void browsersOnTheClientsOriginMayReadDiscoveryAndTokensAndNoOthers() throws Exception {
    HttpResponse<Buffer> fromUi = get("/.well-known/openid-configuration", ORIGIN);
    assertThat(fromUi.getHeader("Access-Control-Allow-Origin")).isEqualTo(ORIGIN);
    HttpResponse<Buffer> fromElsewhere = get("/.well-known/openid-configuration", "https://a.test");
    assertThat(fromElsewhere.getHeader("Access-Control-Allow-Origin")).isNull();

    HttpResponse<Buffer> preflight =
        client
            .requestAbs(HttpMethod.OPTIONS, url("/token"))
            .putHeader("Origin", ORIGIN)
            .putHeader("Access-Control-Request-Method", "POST")
            .send()
            .await(30, TimeUnit.SECONDS);
    assertThat(preflight.statusCode()).isEqualTo(204);
    assertThat(preflight.getHeader("Access-Control-Allow-Origin")).isEqualTo(ORIGIN);
    assertThat(preflight.getHeader("Access-Control-Allow-Methods")).contains("POST");
  }

  private String url(String path) {
    return issuer.issuer() + path;
  }

  private HttpResponse<Buffer> get(String path) throws Exception {
    return get(path, ORIGIN);
  }

  private HttpResponse<Buffer> get(String path, String origin) throws Exception {
    return client.getAbs(url(path)).putHeader("Origin", origin).send().await(30, TimeUnit.SECONDS);
  }

  /** Where {@code /authorize} sends the browser back to. */
  private URI authorize(
      String clientId, String redirectUri, String state, String challenge, String method)
      throws Exception {
    HttpResponse<Buffer> response =
        authorizeRequest(clientId, redirectUri, state, challenge, method);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(302);
    return URI.create(response.getHeader("Location"));
  }

  private int authorizeStatus(String clientId, String redirectUri, String challenge)
      throws Exception {
    return authorizeRequest(clientId, redirectUri, "s", challenge, "S256").statusCode();
  }

  private HttpResponse<Buffer> authorizeRequest(
      String clientId, String redirectUri, String state, String challenge, String method)
      throws Exception {
    var request =
        client
            .getAbs(url("/authorize"))
            .addQueryParam("response_type", "code")
            .addQueryParam("client_id", clientId)
            .addQueryParam("redirect_uri", redirectUri)
            .addQueryParam("scope", "openid profile email")
            .addQueryParam("state", state);
    if (challenge != null) {
      request.addQueryParam("code_challenge", challenge);
    }
    if (method != null) {
      request.addQueryParam("code_challenge_method", method);
    }
    return request.send().await(30, TimeUnit.SECONDS);
  }

  private HttpResponse<Buffer> exchange(
      String code, String redirectUri, String clientId, String verifier) throws Exception {
    MultiMap form =
        MultiMap.caseInsensitiveMultiMap()
            .add("grant_type", "authorization_code")
            .add("code", code)
            .add("redirect_uri", redirectUri)
            .add("client_id", clientId);
    if (verifier != null) {
      form.add("code_verifier", verifier);
    }
    return client
        .postAbs(url("/token"))
        .putHeader("Origin", ORIGIN)
        .sendForm(form)
        .await(30, TimeUnit.SECONDS);
  }

  private static String error(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(400);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
    return response.bodyAsJsonObject().getString("error");
  }

  private static String param(URI uri, String name) {
    for (String pair : uri.getRawQuery().split("&")) {
      if (pair.startsWith(name + "=")) {
        return pair.substring(name.length() + 1);
      }
    }
    throw new AssertionError(uri + " has no " + name);
  }

  private static JsonObject payload(String jwt) {
    return new JsonObject(
        new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
  }
}
