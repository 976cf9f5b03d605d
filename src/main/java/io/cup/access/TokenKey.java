package io.cup.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * What a bearer token is remembered by: its SHA-256 digest, never the token itself. Computed on
 * every authenticated request, so it is kept cheap: one digest object per thread, and the 32 bytes
 * held as a 32-character string (fast to hash and compare, no hex formatting).
 */
final class TokenKey {
  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("SHA-256 is required of every JVM", e);
            }
          });

  private TokenKey() {}

  /** The key of {@code token}. */
  static String of(String token) {
    return of(token.getBytes(StandardCharsets.UTF_8));
  }

  /** The key of a token's bytes. */
  static String of(byte[] token) {
    MessageDigest digest = SHA_256.get();
    digest.reset();
    return new String(digest.digest(token), StandardCharsets.ISO_8859_1);
  }
}
