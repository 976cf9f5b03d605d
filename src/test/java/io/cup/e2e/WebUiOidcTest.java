package io.cup.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cup.config.AccessSettings;
import io.cup.testing.auth.OidcIssuer;
import io.cup.testing.auth.TestPki;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web UI's "Sign in with &lt;issuer&gt;" in a real headless Chromium against a real OIDC issuer
 * on loopback ({@link OidcIssuer}, HTTPS with a test CA): {@code ui/e2e/oidc.test.mjs} clicks the
 * button, goes through the issuer's authorization endpoint (code flow with PKCE), comes back to
 * {@code /ui/callback}, where the UI exchanges the code at the token endpoint (CORS) and keeps the
 * ID token; Cup (plain HTTP, OIDC with the issuer's CA, RBAC by the token's groups) then serves the
 * catalog to the signed-in user. A replayed, tampered or verifier-less code is refused by the
 * issuer, and a callback whose state is not the tab's is a readable error.
 *
 * <p>Chromium trusts the issuer's certificate through {@code --ignore-certificate-errors-spki-list}
 * with that certificate's key alone ({@link OidcIssuer#certificatePin()}), not by ignoring
 * certificate errors in general.
 */
@ExtendWith(VertxExtension.class)
class WebUiOidcTest {
  private static final String UI_CLIENT = "cup-ui";
  private static final String EMAIL = "erin@example.test";

  /** Reading flags is granted to a group the issuer puts in the token, not to everyone. */
  private static final String RBAC =
      """
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata: {name: flag-reader}
      rules:
      - apiGroups: ["flipt.io"]
        resources: ["*"]
        verbs: ["get", "list", "watch"]
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRoleBinding
      metadata: {name: flag-readers}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: flag-reader}
      subjects:
      - {kind: Group, name: flag-readers, apiGroup: rbac.authorization.k8s.io}
      """;

  @TempDir Path tmp;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aUserSignsInThroughTheIssuerAndReadsFlags(Vertx vertx) throws Exception {
    UiSpecs.requireBrowser();

    TestPki pki = TestPki.create(tmp.resolve("pki"));
    OidcIssuer issuer = OidcIssuer.start(vertx, pki).await(2, TimeUnit.MINUTES);
    issuer.signInAs(
        new JsonObject()
            .put("sub", "u-7")
            .put("name", "Erin Example")
            .put("email", EMAIL)
            .put("email_verified", true)
            .put("groups", new JsonArray().add("flag-readers")));
    AccessSettings access =
        AccessSettings.fromJson(
            new JsonObject()
                .put("oidcIssuerUrl", issuer.issuer())
                .put("oidcClientId", OidcIssuer.CLIENT_ID)
                .put("oidcUiClientId", UI_CLIENT)
                .put("oidcCaFile", issuer.caFile().toString())
                .put("oidcUsernameClaim", "email")
                .put("authorizationMode", AccessSettings.RBAC));
    try (FlagsServer cup = FlagsServer.start(vertx, tmp, RBAC, access)) {
      issuer.registerPublicClient(UI_CLIENT, cup.url() + "/ui/callback");
      UiSpecs.run(
          "oidc.test.mjs",
          Map.of(
              "CUP_URL", cup.url(),
              "OIDC_ISSUER", issuer.issuer(),
              "OIDC_CLIENT_ID", UI_CLIENT,
              "OIDC_CERTIFICATE_PIN", issuer.certificatePin(),
              "OIDC_USERNAME", EMAIL,
              // Node's own requests (a code fetched without the browser) trust the test CA
              "NODE_EXTRA_CA_CERTS", issuer.caFile().toAbsolutePath().toString()),
          Duration.ofMinutes(4));
      assertThat(issuer.codesRedeemed()).as("codes exchanged: the one sign-in").isEqualTo(1);
    } finally {
      issuer.close().await(1, TimeUnit.MINUTES);
    }
  }
}
