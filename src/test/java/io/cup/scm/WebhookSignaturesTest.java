package io.cup.scm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cup.testing.scm.Webhooks;
import io.cup.testing.scm.Webhooks.Delivery;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class WebhookSignaturesTest {
  private static final String SECRET = "It's a Secret to Everybody";
  private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.UTF_8);

  /** GitHub's published test vector ("Validating webhook deliveries"). */
  private static final String HELLO_SIGNATURE =
      "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

  @Test
  void computesGitHubsPublishedExampleSignature() {
    assertThat(WebhookSignatures.hmacSha256Hex(SECRET, HELLO)).isEqualTo(HELLO_SIGNATURE);
  }

  @Test
  void acceptsGitHubsPublishedExample() {
    Map<String, String> headers =
        headers(Map.of("x-hub-signature-256", "sha256=" + HELLO_SIGNATURE));
    assertThatCode(() -> WebhookSignatures.verify(ScmKind.GITHUB, headers::get, HELLO, SECRET))
        .doesNotThrowAnyException();
  }

  @Test
  void acceptsCorrectlySignedDeliveriesOfEachScm() {
    byte[] body =
        Webhooks.githubPush("main", "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c")
            .encode()
            .getBytes(StandardCharsets.UTF_8);
    for (Delivery delivery :
        new Delivery[] {
          Webhooks.github("push", body, SECRET),
          Webhooks.gitea("push", body, SECRET),
          Webhooks.gitlab("Push Hook", body, SECRET)
        }) {
      assertThatCode(() -> verify(delivery, SECRET)).as(delivery.scm()).doesNotThrowAnyException();
    }
  }

  @Test
  void rejectsAWrongSecretForEachScmWithoutSayingTheSecret() {
    for (Delivery delivery :
        new Delivery[] {
          Webhooks.github("push", HELLO, "another secret"),
          Webhooks.gitea("push", HELLO, "another secret"),
          Webhooks.gitlab("Push Hook", HELLO, "another secret")
        }) {
      assertThatThrownBy(() -> verify(delivery, SECRET))
          .as(delivery.scm())
          .isInstanceOf(WebhookSignatures.Rejected.class)
          .hasMessageContaining("does not match")
          .hasMessageNotContaining(SECRET)
          .hasMessageNotContaining(WebhookSignatures.hmacSha256Hex(SECRET, HELLO))
          .hasMessageNotContaining("another secret");
    }
  }

  @Test
  void rejectsABodyChangedAfterSigning() {
    Delivery delivery =
        Webhooks.github("push", HELLO, SECRET)
            .withBody("Hello, World?".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> verify(delivery, SECRET))
        .isInstanceOf(WebhookSignatures.Rejected.class);
  }

  @Test
  void rejectsMissingSignatureHeaders() {
    assertThatThrownBy(
            () ->
                verify(
                    Webhooks.github("push", HELLO, SECRET).withoutHeader("X-Hub-Signature-256"),
                    SECRET))
        .isInstanceOf(WebhookSignatures.Rejected.class)
        .hasMessage("the X-Hub-Signature-256 header is missing");
    assertThatThrownBy(
            () ->
                verify(
                    Webhooks.gitea("push", HELLO, SECRET).withoutHeader("X-Gitea-Signature"),
                    SECRET))
        .isInstanceOf(WebhookSignatures.Rejected.class)
        .hasMessage("the X-Gitea-Signature header is missing");
    assertThatThrownBy(
            () ->
                verify(
                    Webhooks.gitlab("Push Hook", HELLO, SECRET).withoutHeader("X-Gitlab-Token"),
                    SECRET))
        .isInstanceOf(WebhookSignatures.Rejected.class)
        .hasMessage("the X-Gitlab-Token header is missing");
  }

  @Test
  void giteaIsNotCheckedAgainstTheGitHubHeaderItAlsoSends() {
    // Gitea sends X-Hub-Signature-256 too; only its own header counts for /webhooks/gitea
    Delivery delivery =
        Webhooks.gitea("push", HELLO, SECRET).withHeader("X-Gitea-Signature", "0".repeat(64));
    assertThatThrownBy(() -> verify(delivery, SECRET))
        .isInstanceOf(WebhookSignatures.Rejected.class)
        .hasMessageContaining("X-Gitea-Signature");
  }

  @Test
  void acceptsUppercaseHexButNothingElseThatIsNotHex() {
    String upper = HELLO_SIGNATURE.toUpperCase(java.util.Locale.ROOT);
    assertThatCode(
            () ->
                WebhookSignatures.verify(
                    ScmKind.GITEA, headers(Map.of("X-Gitea-Signature", upper))::get, HELLO, SECRET))
        .doesNotThrowAnyException();
    for (String bad :
        new String[] {
          HELLO_SIGNATURE.substring(2), // too short
          HELLO_SIGNATURE + "00", // too long
          HELLO_SIGNATURE.substring(1) + "g", // not hex
          HELLO_SIGNATURE.substring(1) + "\u0663", // a non-ASCII digit (Arabic-Indic three)
          "",
        }) {
      assertThatThrownBy(
              () ->
                  WebhookSignatures.verify(
                      ScmKind.GITEA, headers(Map.of("X-Gitea-Signature", bad))::get, HELLO, SECRET))
          .as("signature %s", bad)
          .isInstanceOf(WebhookSignatures.Rejected.class);
    }
  }

  @Test
  void gitHubNeedsTheSha256Prefix() {
    assertThatThrownBy(
            () ->
                WebhookSignatures.verify(
                    ScmKind.GITHUB,
                    headers(Map.of("X-Hub-Signature-256", HELLO_SIGNATURE))::get,
                    HELLO,
                    SECRET))
        .isInstanceOf(WebhookSignatures.Rejected.class)
        .hasMessage("the X-Hub-Signature-256 header does not start with sha256=");
    // the legacy SHA-1 signature alone is not enough
    assertThatThrownBy(
            () ->
                verify(
                    Webhooks.github("push", HELLO, SECRET).withoutHeader("X-Hub-Signature-256"),
                    SECRET))
        .isInstanceOf(WebhookSignatures.Rejected.class);
  }

  @Test
  void gitLabTokenMustBeTheWholeSecret() {
    for (String token : new String[] {SECRET.substring(1), SECRET + " ", SECRET + "x", "x"}) {
      assertThatThrownBy(
              () ->
                  WebhookSignatures.verify(
                      ScmKind.GITLAB, headers(Map.of("X-Gitlab-Token", token))::get, HELLO, SECRET))
          .as("token %s", token)
          .isInstanceOf(WebhookSignatures.Rejected.class);
    }
  }

  @Test
  void refusesToVerifyWithoutASecret() {
    Function<String, String> none = name -> null;
    assertThatThrownBy(() -> WebhookSignatures.verify(ScmKind.GITHUB, none, HELLO, ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WebhookSignatures.verify(ScmKind.GITHUB, none, HELLO, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void verify(Delivery delivery, String secret) throws WebhookSignatures.Rejected {
    WebhookSignatures.verify(
        ScmKind.of(delivery.scm()), headers(delivery.headers())::get, delivery.body(), secret);
  }

  private static Map<String, String> headers(Map<String, String> headers) {
    Map<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    map.putAll(headers);
    return map;
  }
}
