package io.cup.scm;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks that a webhook delivery was sent by the SCM that holds the shared secret, before anything
 * in it is read:
 *
 * <ul>
 *   <li>GitHub: {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, raw body)>};
 *   <li>Gitea: {@code X-Gitea-Signature: <hex HMAC-SHA256(secret, raw body)>}, no prefix;
 *   <li>GitLab: {@code X-Gitlab-Token: <the secret itself>}.
 * </ul>
 *
 * <p>Every comparison is of fixed-length digests with {@link MessageDigest#isEqual}, which looks at
 * every byte: the time taken says nothing about how much of a guess was right. A GitLab token is
 * compared through its SHA-256, so not even its length shows. Neither the secret nor the expected
 * signature ever appears in a {@link Rejected} message.
 */
public final class WebhookSignatures {
  /** GitHub's signature header. */
  public static final String GITHUB_HEADER = "X-Hub-Signature-256";

  /** Gitea's signature header. */
  public static final String GITEA_HEADER = "X-Gitea-Signature";

  /** GitLab's secret token header. */
  public static final String GITLAB_HEADER = "X-Gitlab-Token";

  private static final String GITHUB_PREFIX = "sha256=";
  private static final int SHA256_BYTES = 32;

  private WebhookSignatures() {}

  /** A delivery whose signature is missing or wrong; the message says which, never the secret. */
  public static final class Rejected extends Exception {
    private static final long serialVersionUID = 1L;

    Rejected(String message) {
      super(message);
    }
  }

  /**
   * Verifies a delivery from {@code scm}.
   *
   * @param headers the request's headers by name, looked up case-insensitively by the caller
   * @param body the raw request body, exactly as received
   * @param secret the configured webhook secret, not blank
   * @throws Rejected when the signature header is missing, malformed or does not match
   */
  public static void verify(
      ScmKind scm, Function<String, String> headers, byte[] body, String secret) throws Rejected {
    Objects.requireNonNull(body, "body");
    if (secret == null || secret.isEmpty()) {
      throw new IllegalArgumentException("no webhook secret to verify with");
    }
    switch (scm) {
      case GITHUB -> verifyHmac(GITHUB_HEADER, GITHUB_PREFIX, headers, body, secret);
      case GITEA -> verifyHmac(GITEA_HEADER, "", headers, body, secret);
      case GITLAB -> verifyToken(headers, secret);
    }
  }

  /**
   * The lowercase hex HMAC-SHA256 of {@code body} under {@code secret}, as GitHub and Gitea send.
   */
  public static String hmacSha256Hex(String secret, byte[] body) {
    return HexFormat.of().formatHex(hmacSha256(secret, body));
  }

  private static void verifyHmac(
      String header, String prefix, Function<String, String> headers, byte[] body, String secret)
      throws Rejected {
    String value = headers.apply(header);
    if (value == null || value.isBlank()) {
      throw new Rejected("the " + header + " header is missing");
    }
    value = value.strip();
    if (!value.startsWith(prefix)) {
      throw new Rejected("the " + header + " header does not start with " + prefix);
    }
    byte[] given = decodeDigest(value.substring(prefix.length()));
    if (given == null) {
      throw new Rejected(
          "the " + header + " header is not " + prefix + "<64 hexadecimal digits of HMAC-SHA256>");
    }
    if (!MessageDigest.isEqual(hmacSha256(secret, body), given)) {
      throw new Rejected("the " + header + " signature does not match the body");
    }
  }

  private static void verifyToken(Function<String, String> headers, String secret) throws Rejected {
    String value = headers.apply(GITLAB_HEADER);
    if (value == null || value.isEmpty()) {
      throw new Rejected("the " + GITLAB_HEADER + " header is missing");
    }
    // digests of equal length, so neither the content nor the length of the secret shows in time
    if (!MessageDigest.isEqual(sha256(value), sha256(secret))) {
      throw new Rejected("the " + GITLAB_HEADER + " header does not match the secret");
    }
  }

  /** The 32 bytes of a hex SHA-256 digest; null for anything else (wrong length, not ASCII hex). */
  private static byte[] decodeDigest(String hex) {
    if (hex.length() != SHA256_BYTES * 2) {
      return null;
    }
    for (int i = 0; i < hex.length(); i++) {
      char c = hex.charAt(i);
      boolean digit = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!digit) {
        return null;
      }
    }
    return HexFormat.of().parseHex(hex);
  }

  private static byte[] hmacSha256(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      // every Java platform has HmacSHA256
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
