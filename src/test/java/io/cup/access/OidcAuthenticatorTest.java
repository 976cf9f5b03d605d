package io.cup.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.cup.config.AccessSettings;
import io.cup.testing.auth.OidcIssuer;
import io.cup.testing.auth.TestPki;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** OIDC bearer tokens against a real issuer on loopback HTTPS (discovery, JWKS, RS256). */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class OidcAuthenticatorTest {
  // one CA for the class: RSA key generation is the slow part of these tests
  @TempDir static Path pkiDir;
  private static TestPki pki;

  @TempDir Path temp;
  private OidcIssuer issuer;
  private OidcAuthenticator oidc;

  @BeforeAll
  static void createCa() {
    pki = TestPki.create(pkiDir);
  }

  @BeforeEach
  void startIssuer(Vertx vertx, VertxTestContext ctx) {
    OidcIssuer.start(vertx, pki)
        .compose(
            started -> {
              issuer = started;
              return OidcAuthenticator.discover(vertx, settings(null));
            })
        .onComplete(
            ctx.succeeding(
                authenticator -> {
                  oidc = authenticator;
                  ctx.completeNow();
                }));
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    if (oidc != null) {
      oidc.close();
    }
    issuer.close().onComplete(ctx.succeedingThenComplete());
  }

  private AccessSettings settings(String usernameClaim) {
    return new AccessSettings(
        null,
        null,
        null,
        issuer.issuer(),
        OidcIssuer.CLIENT_ID,
        usernameClaim,
        null,
        issuer.caFile().toString(),
        null,
        false,
        null,
        null,
        null,
        null);
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  @Test
  void validTokenNamesTheUserGroupsAndEmail(VertxTestContext ctx) {
    String token =
        issuer.token(
            new JsonObject()
                .put("sub", "alice")
                .put("groups", new JsonArray().add("dev").add("ops"))
                .put("email", "alice@example.com"));
    oidc.authenticate(token)
        .onComplete(
            ctx.succeeding(
                user ->
                    ctx.verify(
                        () -> {
                          assertThat(user).isPresent();
                          assertThat(user.get().username()).isEqualTo("alice");
                          assertThat(user.get().uid()).isEmpty();
                          assertThat(user.get().groups())
                              .containsExactly("dev", "ops", UserInfo.AUTHENTICATED);
                          assertThat(user.get().email()).isEqualTo("alice@example.com");
                          ctx.completeNow();
                        })));
  }

  @Test
  void aSingleStringGroupIsOneGroup(VertxTestContext ctx) {
    oidc.authenticate(issuer.token(new JsonObject().put("groups", "dev")))
        .onComplete(
            ctx.succeeding(
                user ->
                    ctx.verify(
                        () -> {
                          assertThat(user.get().groups())
                              .containsExactly("dev", UserInfo.AUTHENTICATED);
                          assertThat(user.get().email()).isNull();
                          ctx.completeNow();
                        })));
  }

  @Test
  void expiredTokenIsRefused(VertxTestContext ctx) {
    long now = now();
    String token =
        issuer.token(
            new JsonObject().put("iat", now - 700).put("nbf", now - 700).put("exp", now - 60));
    expectRefused(ctx, token, "expired");
  }

  @Test
  void tokenWithoutExpiryIsRefused(VertxTestContext ctx) {
    expectRefused(ctx, issuer.token(new JsonObject().putNull("exp")), "exp");
  }

  @Test
  void notYetValidTokenIsRefused(VertxTestContext ctx) {
    expectRefused(ctx, issuer.token(new JsonObject().put("nbf", now() + 600)), "not valid yet");
  }

  @Test
  void tokenForAnotherAudienceIsRefused(VertxTestContext ctx) {
    expectRefused(ctx, issuer.token(new JsonObject().put("aud", "someone-else")), "audience");
  }

  @Test
  void tokenWithoutAudienceIsRefused(VertxTestContext ctx) {
    expectRefused(ctx, issuer.token(new JsonObject().putNull("aud")), "audience");
  }

  @Test
  void audienceListContainingTheClientIdIsAccepted(VertxTestContext ctx) {
    String token =
        issuer.token(
            new JsonObject().put("aud", new JsonArray().add("other").add(OidcIssuer.CLIENT_ID)));
    oidc.authenticate(token)
        .onComplete(
            ctx.succeeding(user -> ctx.verify(() -> assertThat(user).isPresent()).completeNow()));
  }

  @Test
  void tokenForTheWebUiClientIsAcceptedOnlyWhenThatClientIsConfigured(
      Vertx vertx, VertxTestContext ctx) {
    String forUi = issuer.token(new JsonObject().put("aud", "cup-ui"));
    AccessSettings base = settings(null);
    AccessSettings withUi =
        new AccessSettings(
            null,
            null,
            null,
            base.oidcIssuerUrl(),
            base.oidcClientId(),
            null,
            null,
            base.oidcCaFile(),
            null,
            false,
            null,
            null,
            null,
            "cup-ui");
    // without the UI client, the API's audience only (the authenticator of setUp)
    oidc.authenticate(forUi)
        .onComplete(
            ctx.failing(
                refused ->
                    ctx.verify(
                        () -> {
                          assertRefusal(refused, forUi, "audience");
                          OidcAuthenticator.discover(vertx, withUi)
                              .compose(
                                  ui ->
                                      ui.authenticate(forUi)
                                          .eventually(
                                              () -> {
                                                ui.close();
                                                return Future.succeededFuture();
                                              }))
                              .onComplete(
                                  ctx.succeeding(
                                      user ->
                                          ctx.verify(
                                              () -> {
                                                assertThat(user).isPresent();
                                                ctx.completeNow();
                                              })));
                        })));
  }

  @Test
  void tokenFromAnotherIssuerIsNotOurs(VertxTestContext ctx) {
    String token = issuer.token(new JsonObject().put("iss", "https://issuer.example.com"));
    oidc.authenticate(token)
        .onComplete(
            ctx.succeeding(user -> ctx.verify(() -> assertThat(user).isEmpty()).completeNow()));
  }

  @Test
  void somethingThatIsNotAJwtIsNotOurs(VertxTestContext ctx) {
    String jsonHeaderless =
        base64("not json") + "." + base64("{\"iss\":\"" + issuer.issuer() + "\"}") + ".c2ln";
    List<String> notJwts =
        List.of(
            "31ada4fd-adec-460c-809a-9e56ceadfc2e",
            "a.b",
            "a.b.c.d",
            "...",
            "abc.def.ghi",
            "eyJ@.eyJ.sig",
            jsonHeaderless);
    Future.all(notJwts.stream().map(oidc::authenticate).toList())
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          List<Optional<UserInfo>> answers = all.list();
                          assertThat(answers).allSatisfy(answer -> assertThat(answer).isEmpty());
                          assertThat(oidc.verifications()).isZero();
                          ctx.completeNow();
                        })));
  }

  @Test
  void tamperedTokenIsRefusedWithoutAskingTheIssuer(VertxTestContext ctx) {
    String token = OidcIssuer.tamper(issuer.token(new JsonObject().put("sub", "alice")));
    oidc.authenticate(token)
        .onComplete(
            ctx.failing(
                failure ->
                    ctx.verify(
                        () -> {
                          assertRefusal(failure, token, "signature");
                          // the issuer's lenient userinfo/introspection would have said "active"
                          assertThat(issuer.lenientLookups()).isZero();
                          ctx.completeNow();
                        })));
  }

  @Test
  void afterKeyRotationTheJwksIsFetchedAgainOnce(VertxTestContext ctx) {
    int fetches = issuer.jwksFetches();
    issuer.rotateKey(OidcIssuer.Publish.NEW_ONLY);
    String token = issuer.token(new JsonObject().put("sub", "bob"));
    oidc.authenticate(token)
        .compose(
            first ->
                oidc.authenticate(issuer.token(new JsonObject().put("sub", "carol")))
                    .map(second -> List.of(first, second)))
        .onComplete(
            ctx.succeeding(
                users ->
                    ctx.verify(
                        () -> {
                          assertThat(users.get(0).get().username()).isEqualTo("bob");
                          assertThat(users.get(1).get().username()).isEqualTo("carol");
                          assertThat(issuer.jwksFetches()).isEqualTo(fetches + 1);
                          assertThat(oidc.keyRefreshes()).isEqualTo(1);
                          ctx.completeNow();
                        })));
  }

  @Test
  void tokenSignedByAnUnpublishedKeyIsRefusedAndRefetchesAreRateLimited(VertxTestContext ctx) {
    int fetches = issuer.jwksFetches();
    String first = issuer.tokenSignedByUnknownKey(new JsonObject());
    String second = issuer.tokenSignedByUnknownKey(new JsonObject());
    oidc.authenticate(first)
        .otherwise(
            failure -> {
              ctx.verify(() -> assertRefusal(failure, first, "does not publish"));
              return null;
            })
        .compose(ignored -> oidc.authenticate(second))
        .onComplete(
            ctx.failing(
                failure ->
                    ctx.verify(
                        () -> {
                          assertRefusal(failure, second, "does not publish");
                          // one refetch for the first unknown kid; the second waits its turn
                          assertThat(issuer.jwksFetches()).isEqualTo(fetches + 1);
                          assertThat(oidc.keyRefreshes()).isEqualTo(1);
                          assertThat(issuer.lenientLookups()).isZero();
                          ctx.completeNow();
                        })));
  }

  @Test
  void theUsernameClaimCanBeEmail(Vertx vertx, VertxTestContext ctx) {
    String token =
        issuer.token(
            new JsonObject()
                .put("sub", "0f3e9a")
                .put("email", "dana@example.com")
                .put("email_verified", true));
    OidcAuthenticator.discover(vertx, settings("email"))
        .compose(byEmail -> byEmail.authenticate(token).andThen(done -> byEmail.close()))
        .onComplete(
            ctx.succeeding(
                user ->
                    ctx.verify(
                        () -> {
                          assertThat(user.get().username()).isEqualTo("dana@example.com");
                          assertThat(user.get().email()).isEqualTo("dana@example.com");
                          ctx.completeNow();
                        })));
  }

  @Test
  void anUnverifiedEmailDoesNotNameTheUser(Vertx vertx, VertxTestContext ctx) {
    String token =
        issuer.token(
            new JsonObject().put("email", "dana@example.com").put("email_verified", false));
    OidcAuthenticator.discover(vertx, settings("email"))
        .compose(byEmail -> byEmail.authenticate(token).andThen(done -> byEmail.close()))
        .onComplete(
            ctx.failing(
                failure -> ctx.verify(() -> assertRefusal(failure, token, "email")).completeNow()));
  }

  @Test
  void aMissingUsernameClaimIsRefused(Vertx vertx, VertxTestContext ctx) {
    String token = issuer.token(new JsonObject().put("sub", "0f3e9a"));
    OidcAuthenticator.discover(vertx, settings("email"))
        .compose(byEmail -> byEmail.authenticate(token).andThen(done -> byEmail.close()))
        .onComplete(
            ctx.failing(
                failure -> ctx.verify(() -> assertRefusal(failure, token, "email")).completeNow()));
  }

  @Test
  void aVerifiedTokenIsNotVerifiedAgain(VertxTestContext ctx) {
    String token = issuer.token(new JsonObject().put("sub", "erin"));
    oidc.authenticate(token)
        .compose(first -> oidc.authenticate(token))
        .onComplete(
            ctx.succeeding(
                user ->
                    ctx.verify(
                        () -> {
                          assertThat(user.get().username()).isEqualTo("erin");
                          assertThat(oidc.verifications()).isEqualTo(1);
                          ctx.completeNow();
                        })));
  }

  @Test
  void aRefusedTokenIsCheckedAgainEachTime(VertxTestContext ctx) {
    String token = OidcIssuer.tamper(issuer.token());
    oidc.authenticate(token)
        .otherwise(failure -> null)
        .compose(ignored -> oidc.authenticate(token))
        .onComplete(
            ctx.failing(
                failure ->
                    ctx.verify(
                        () -> {
                          assertThat(oidc.verifications()).isEqualTo(2);
                          ctx.completeNow();
                        })));
  }

  @Test
  void discoveryFailsWhenTheIssuerIsSignedByAnotherCa(Vertx vertx, VertxTestContext ctx) {
    TestPki other = TestPki.create(temp, "other-ca");
    AccessSettings base = settings(null);
    AccessSettings untrusting =
        new AccessSettings(
            null,
            null,
            null,
            base.oidcIssuerUrl(),
            base.oidcClientId(),
            null,
            null,
            other.caFile().toString(),
            null,
            false,
            null,
            null,
            null,
            null);
    OidcAuthenticator.discover(vertx, untrusting).onComplete(ctx.failingThenComplete());
  }

  private void expectRefused(VertxTestContext ctx, String token, String reason) {
    oidc.authenticate(token)
        .onComplete(
            ctx.failing(
                failure -> ctx.verify(() -> assertRefusal(failure, token, reason)).completeNow()));
  }

  /** Refused for {@code reason}, and no message in the cause chain repeats the token. */
  private static void assertRefusal(Throwable failure, String token, String reason) {
    assertThat(failure).isInstanceOf(AuthenticationException.class);
    assertThat(failure.getMessage()).contains(reason);
    String signature = token.substring(token.lastIndexOf('.') + 1);
    for (Throwable t = failure; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(token).doesNotContain(signature);
    }
  }

  private static String base64(String text) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
