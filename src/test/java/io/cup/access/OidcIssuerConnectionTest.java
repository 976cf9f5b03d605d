package io.cup.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.cup.config.AccessSettings;
import io.cup.testing.Eventually;
import io.cup.testing.auth.OidcIssuer;
import io.cup.testing.auth.TestPki;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** An OIDC issuer that is down when the server starts: refused until it is up, then used. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class OidcIssuerConnectionTest {
  @TempDir Path tmp;

  @Test
  void anIssuerDownAtStartIsTriedAgainWhenItsTokensArrive(Vertx vertx) throws Exception {
    TestPki pki = TestPki.create(tmp.resolve("pki"));
    int port = freePort();
    String url = "https://127.0.0.1:" + port;
    AccessSettings settings =
        new AccessSettings(
            null,
            null,
            null,
            url,
            OidcIssuer.CLIENT_ID,
            null,
            null,
            pki.caFile().toString(),
            null,
            false,
            null,
            null,
            null,
            null);
    OidcIssuerConnection connection =
        OidcIssuerConnection.start(vertx, settings).await(2, TimeUnit.MINUTES);
    assertThat(connection.connected()).isFalse();
    // nothing is known of the issuer yet: a token that is not a JWT is not OIDC's to judge
    assertThat(connection.authenticate("static-token").await(2, TimeUnit.MINUTES))
        .isEqualTo(Optional.empty());

    OidcIssuer issuer =
        OidcIssuer.start(vertx, pki, tmp.resolve("issuer"), port).await(2, TimeUnit.MINUTES);
    try {
      String token = issuer.token(new JsonObject().put("sub", "carol"));
      AtomicReference<Optional<UserInfo>> user = new AtomicReference<>(Optional.empty());
      Eventually.until(
          "the issuer is used once it is up",
          Duration.ofSeconds(40),
          () -> {
            try {
              user.set(connection.authenticate(token).await(2, TimeUnit.MINUTES));
            } catch (AuthenticationException refusedWhileDown) {
              return false;
            }
            return user.get().isPresent();
          });
      assertThat(user.get().get().username()).isEqualTo("carol");
      assertThat(connection.connected()).isTrue();
    } finally {
      connection.close();
      issuer.close().await(2, TimeUnit.MINUTES);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
