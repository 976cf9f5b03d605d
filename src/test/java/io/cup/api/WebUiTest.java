package io.cup.api;

import static io.cup.api.ApiFixture.WIDGETS;
import static io.cup.api.ApiFixture.widget;
import static io.cup.testing.StatusAssert.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.cup.config.AccessSettings;
import io.cup.testing.auth.OidcIssuer;
import io.cup.testing.auth.TestPki;
import io.cup.testing.auth.TokenFile;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web UI as a browser meets it, against the real server on loopback: the app's files from a
 * test web root ({@code src/test/resources/ui-fixture}, in place of the jar's {@code cup-ui}) with
 * their security and cache headers, gzip, the single-page app's fallback, the redirect from {@code
 * /}, {@code /ui/config.json}, and the UI open while the API stays closed.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class WebUiTest {
  private static final String FIXTURE = "ui-fixture";
  private static final String ASSET = "/ui/assets/index-AbC123xy.js";
  private static final String BROWSER_ACCEPT =
      "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
  private static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self';"
          + " frame-ancestors 'none'";

  @TempDir Path dir;
  private final FakeBackend backend = new FakeBackend();
  private Vertx vertx;
  private Path config;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    config = ApiFixture.writeConfiguration(Files.createDirectories(dir.resolve("config")));
    backend.store(widget("one", 1));
    backend.register(vertx).await(2, TimeUnit.MINUTES);
  }

  private ApiFixture.Deployed deploy(JsonObject server, String webRoot) throws Exception {
    JsonObject serverConfig =
        new JsonObject().put("dataDir", dir.resolve("data").toString()).mergeIn(server);
    return ApiFixture.deploy(
            vertx, config, serverConfig, new JsonObject().put("uiWebRoot", webRoot))
        .await(2, TimeUnit.MINUTES);
  }

  private ApiFixture.Deployed deploy() throws Exception {
    return deploy(new JsonObject(), FIXTURE);
  }

  private static HttpResponse<Buffer> send(HttpRequest<Buffer> request) throws TimeoutException {
    return request.send().await(2, TimeUnit.MINUTES);
  }

  private static byte[] fixture(String file) throws IOException {
    try (InputStream in =
        WebUiTest.class.getClassLoader().getResourceAsStream(FIXTURE + "/" + file)) {
      assertThat(in).as(file).isNotNull();
      return in.readAllBytes();
    }
  }

  private static void assertUiHeaders(HttpResponse<Buffer> response) {
    assertThat(response.getHeader("Content-Security-Policy")).isEqualTo(CSP);
    assertThat(response.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(response.getHeader("Referrer-Policy")).isEqualTo("no-referrer");
  }

  // -- files ---------------------------------------------------------------------------------

  @Test
  void indexIsServedWithTheSecurityHeadersAndAlwaysRevalidated() throws Exception {
    ApiFixture.Deployed api = deploy();
    for (String path : new String[] {"/ui/", "/ui/index.html"}) {
      HttpResponse<Buffer> index = send(api.get(path).putHeader("Accept", BROWSER_ACCEPT));
      assertThat(index.statusCode()).as(path).isEqualTo(200);
      assertThat(index.getHeader("Content-Type")).startsWith("text/html");
      assertThat(index.getHeader("Cache-Control")).isEqualTo("no-cache");
      assertThat(index.bodyAsString())
          .isEqualTo(new String(fixture("index.html"), StandardCharsets.UTF_8));
      assertUiHeaders(index);
    }
    // /ui without the slash: to the UI's address, whose relative links start there
    HttpResponse<Buffer> bare = send(api.get("/ui").followRedirects(false));
    assertThat(bare.statusCode()).isEqualTo(302);
    assertThat(bare.getHeader("Location")).isEqualTo("/ui/");
  }

  @Test
  void aHashedAssetMayBeCachedForAYear() throws Exception {
    ApiFixture.Deployed api = deploy();
    HttpResponse<Buffer> asset = send(api.get(ASSET).putHeader("Accept", "*/*"));
    assertThat(asset.statusCode()).isEqualTo(200);
    assertThat(asset.getHeader("Content-Type")).startsWith("text/javascript");
    assertThat(asset.getHeader("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
    assertThat(asset.getHeader("Content-Encoding")).isNull();
    assertThat(asset.body().getBytes()).isEqualTo(fixture("assets/index-AbC123xy.js"));
    assertUiHeaders(asset);
  }

  @Test
  void assetsAreGzippedForClientsThatAcceptIt() throws Exception {
    ApiFixture.Deployed api = deploy();
    // the test client does not inflate: the bytes are the wire's
    HttpResponse<Buffer> asset =
        send(api.get(ASSET).putHeader("Accept", "*/*").putHeader("Accept-Encoding", "gzip"));
    assertThat(asset.statusCode()).isEqualTo(200);
    assertThat(asset.getHeader("Content-Encoding")).isEqualTo("gzip");
    byte[] original = fixture("assets/index-AbC123xy.js");
    byte[] wire = asset.body().getBytes();
    assertThat(wire.length).isLessThan(original.length / 2);
    assertThat(gunzip(wire)).isEqualTo(original);
    assertThat(asset.getHeader("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
  }

  @Test
  void anAppRouteLoadedByABrowserGetsTheIndex() throws Exception {
    ApiFixture.Deployed api = deploy();
    HttpResponse<Buffer> route =
        send(
            api.get("/ui/flipt.io/v1alpha1/namespaces/default/flags/dark-mode")
                .putHeader("Accept", BROWSER_ACCEPT));
    assertThat(route.statusCode()).isEqualTo(200);
    assertThat(route.getHeader("Content-Type")).isEqualTo("text/html; charset=utf-8");
    assertThat(route.getHeader("Cache-Control")).isEqualTo("no-cache");
    assertThat(route.bodyAsString()).contains("ui-fixture index");
    assertUiHeaders(route);
  }

  @Test
  void aMissingFileIsA404StatusNeverTheIndex() throws Exception {
    ApiFixture.Deployed api = deploy();
    // an asset, even asked for as a page: never the index, never cached
    for (String accept : new String[] {"*/*", BROWSER_ACCEPT}) {
      HttpResponse<Buffer> missing =
          send(api.get("/ui/assets/index-Missing1.js").putHeader("Accept", accept));
      assertThat(assertStatus(missing, 404, "NotFound").getString("message"))
          .contains("index-Missing1.js");
      assertThat(missing.getHeader("Cache-Control")).isEqualTo("no-store");
    }
    // an app route asked for by a script, not a page load
    assertStatus(
        send(api.get("/ui/no/such/file.json").putHeader("Accept", "application/json")),
        404,
        "NotFound");
    // other methods are refused
    assertStatus(send(api.delete("/ui/index.html")), 405, "MethodNotAllowed");
  }

  @Test
  void withoutAUiBuiltInTheUiIsA404ThatSaysSo() throws Exception {
    ApiFixture.Deployed api = deploy(new JsonObject(), "no-such-ui");
    for (String path : new String[] {"/ui/", ASSET, "/ui/flags"}) {
      HttpResponse<Buffer> none = send(api.get(path).putHeader("Accept", BROWSER_ACCEPT));
      assertThat(assertStatus(none, 404, "NotFound").getString("message"))
          .as(path)
          .contains("the web UI was not built into this server");
    }
    // and a browser on / is not sent there
    assertStatus(
        send(api.get("/").followRedirects(false).putHeader("Accept", BROWSER_ACCEPT)),
        404,
        "NotFound");
  }

  // -- the redirect from / ---------------------------------------------------------------------

  @Test
  void aBrowserOnTheRootIsSentToTheUiAndApiClientsAreNot() throws Exception {
    ApiFixture.Deployed api = deploy();
    HttpResponse<Buffer> browser =
        send(api.get("/").followRedirects(false).putHeader("Accept", BROWSER_ACCEPT));
    assertThat(browser.statusCode()).isEqualTo(302);
    assertThat(browser.getHeader("Location")).isEqualTo("/ui/");
    // curl (*/*), kubectl and the CLI (JSON): the 404 Status / always answered
    for (String accept : new String[] {"*/*", "application/json", null}) {
      HttpRequest<Buffer> request = api.get("/").followRedirects(false);
      if (accept != null) {
        request.putHeader("Accept", accept);
      }
      assertStatus(send(request), 404, "NotFound");
    }
  }

  @Test
  void behindAPublicUrlWithAPathTheRedirectKeepsIt() throws Exception {
    ApiFixture.Deployed api =
        deploy(
            new JsonObject()
                .put("http", new JsonObject().put("publicUrl", "https://cup.example/cup/")),
            FIXTURE);
    HttpResponse<Buffer> browser =
        send(api.get("/").followRedirects(false).putHeader("Accept", BROWSER_ACCEPT));
    assertThat(browser.statusCode()).isEqualTo(302);
    assertThat(browser.getHeader("Location")).isEqualTo("/cup/ui/");
  }

  // -- config.json and access ----------------------------------------------------------------

  @Test
  void configWithoutAuthentication() throws Exception {
    ApiFixture.Deployed api = deploy();
    HttpResponse<Buffer> config = send(api.get(WebUi.CONFIG));
    assertThat(config.statusCode()).isEqualTo(200);
    assertThat(config.getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(config.getHeader("Cache-Control")).isEqualTo("no-store");
    assertUiHeaders(config);
    JsonObject body = config.bodyAsJsonObject();
    assertThat(body.fieldNames())
        .containsExactlyInAnyOrder("authentication", "anonymous", "oidc", "version");
    assertThat(body.getBoolean("authentication")).isFalse();
    assertThat(body.getBoolean("anonymous")).isTrue();
    assertThat(body.containsKey("oidc")).isTrue();
    assertThat(body.getValue("oidc")).isNull();
    assertThat(body.getString("version")).isNotBlank();
  }

  @Test
  void withTokensTheUiIsOpenAndTheApiIsNot() throws Exception {
    Path tokens = TokenFile.write(dir.resolve("tokens.csv"), "s3cret,alice,1,admins");
    ApiFixture.Deployed api =
        deploy(
            new JsonObject()
                .put(
                    "access",
                    new JsonObject()
                        .put("tokenAuthFile", tokens.toString())
                        .put("authorizationMode", AccessSettings.ALWAYS_ALLOW)),
            FIXTURE);
    HttpResponse<Buffer> config = send(api.get(WebUi.CONFIG));
    assertThat(config.statusCode()).isEqualTo(200);
    assertThat(config.bodyAsJsonObject().getBoolean("authentication")).isTrue();
    assertThat(config.bodyAsJsonObject().getBoolean("anonymous")).isFalse();
    assertThat(config.bodyAsJsonObject().getValue("oidc")).isNull();
    for (String path : new String[] {"/ui/", ASSET, "/ui/flipt.io/v1alpha1/flags"}) {
      assertThat(send(api.get(path).putHeader("Accept", BROWSER_ACCEPT)).statusCode())
          .as(path)
          .isEqualTo(200);
    }
    assertThat(
            send(api.get("/").followRedirects(false).putHeader("Accept", BROWSER_ACCEPT))
                .statusCode())
        .isEqualTo(302);
    // everything else still asks who is there
    assertStatus(send(api.get("/apis")), 401, "Unauthorized");
    assertStatus(send(api.get(WIDGETS).putHeader("Accept", BROWSER_ACCEPT)), 401, "Unauthorized");
    assertStatus(send(api.get("/").putHeader("Accept", "*/*")), 401, "Unauthorized");
    // a write on the UI's paths is no read of its files: authenticated first
    assertStatus(send(api.delete("/ui/index.html")), 401, "Unauthorized");
    assertThat(send(api.get("/apis").bearerTokenAuthentication("s3cret")).statusCode())
        .isEqualTo(200);
  }

  @Test
  void withAnOidcUiClientTheConfigSaysHowToSignInAndTheCspAllowsTheIssuer() throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"));
    OidcIssuer issuer = OidcIssuer.start(vertx, pki).await(2, TimeUnit.MINUTES);
    try {
      ApiFixture.Deployed api =
          deploy(
              new JsonObject()
                  .put(
                      "access",
                      new JsonObject()
                          .put("oidcIssuerUrl", issuer.issuer())
                          .put("oidcClientId", OidcIssuer.CLIENT_ID)
                          .put("oidcCaFile", issuer.caFile().toString())
                          .put("oidcUiClientId", "cup-ui")),
              FIXTURE);
      HttpResponse<Buffer> config = send(api.get(WebUi.CONFIG));
      assertThat(config.statusCode()).isEqualTo(200);
      JsonObject body = config.bodyAsJsonObject();
      assertThat(body.getBoolean("authentication")).isTrue();
      assertThat(body.getJsonObject("oidc"))
          .isEqualTo(
              new JsonObject()
                  .put("issuer", issuer.issuer())
                  .put("clientId", "cup-ui")
                  .put("scopes", new JsonArray().add("openid").add("profile").add("email")));
      String issuerOrigin = BrowserGuard.origin(URI.create(issuer.issuer()));
      HttpResponse<Buffer> index = send(api.get("/ui/").putHeader("Accept", BROWSER_ACCEPT));
      assertThat(index.statusCode()).isEqualTo(200);
      assertThat(index.getHeader("Content-Security-Policy"))
          .contains("; connect-src 'self' " + issuerOrigin + "; ")
          .doesNotContain("unsafe");
      // the UI client's own tokens are good for the API
      String token = issuer.token(new JsonObject().put("sub", "alice").put("aud", "cup-ui"));
      assertThat(send(api.get("/apis").bearerTokenAuthentication(token)).statusCode())
          .isEqualTo(200);
    } finally {
      issuer.close().await(2, TimeUnit.MINUTES);
    }
  }

  // -- compression and watches -----------------------------------------------------------------

  @Test
  void aWatchIsNeverCompressed() throws Exception {
    ApiFixture.Deployed api = deploy();
    try (Socket socket = new Socket(ApiFixture.HOST, api.port())) {
      socket.setSoTimeout(30_000);
      socket
          .getOutputStream()
          .write(
              ("GET "
                      + WIDGETS
                      + "?watch=true HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n"
                      + "Accept-Encoding: gzip, deflate\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      // the head, then the first event in plain text: read until it is there (or time out)
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream seen = new ByteArrayOutputStream();
      String text = "";
      while (!text.contains("\"type\":\"ADDED\"")) {
        int b = in.read();
        assertThat(b).as("the stream ended early: %s", text).isNotEqualTo(-1);
        seen.write(b);
        text = seen.toString(StandardCharsets.ISO_8859_1);
      }
      String head = text.substring(0, text.indexOf("\r\n\r\n")).toLowerCase(Locale.ROOT);
      assertThat(head).startsWith("http/1.1 200").doesNotContain("content-encoding");
    }
  }

  private static byte[] gunzip(byte[] gzipped) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
      return in.readAllBytes();
    }
  }
}
