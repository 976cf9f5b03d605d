package io.cup.oci;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest as OCI writes it, {@code sha256:<64 lower-case hex digits>}. Only SHA-256 is
 * accepted: it is what registries and the OCI image spec require every implementation to support,
 * and one algorithm keeps the cache's paths simple.
 */
public record Digest(String hex) {
  private static final Pattern SHA256 = Pattern.compile("[a-f0-9]{64}");

  public Digest {
    if (hex == null || !SHA256.matcher(hex).matches()) {
      throw new IllegalArgumentException("not a sha256 digest: " + hex);
    }
  }

  /**
   * Parses {@code sha256:…}.
   *
   * @throws IllegalArgumentException for another algorithm or a malformed digest
   */
  public static Digest parse(String text) {
    if (text == null || !text.startsWith("sha256:")) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not a sha256 digest (sha256:<64 hex digits>)");
    }
    String hex = text.substring("sha256:".length());
    if (!SHA256.matcher(hex).matches()) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not a sha256 digest (sha256:<64 lower-case hex digits>)");
    }
    return new Digest(hex);
  }

  /** The digest of {@code bytes}. */
  public static Digest of(byte[] bytes) {
    return new Digest(HexFormat.of().formatHex(sha256().digest(bytes)));
  }

  /** The digest of the file {@code file}, read in full (blocking). */
  public static Digest of(Path file) throws IOException {
    MessageDigest md = sha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = in.read(buffer)) > 0) {
        md.update(buffer, 0, n);
      }
    }
    return new Digest(HexFormat.of().formatHex(md.digest()));
  }

  /** Whether {@code bytes} hash to this digest. */
  public boolean matches(byte[] bytes) {
    return MessageDigest.isEqual(HexFormat.of().parseHex(hex), sha256().digest(bytes));
  }

  /** The tag cosign stores this digest's signature under: {@code sha256-<hex>.sig}. */
  public String signatureTag() {
    return "sha256-" + hex + ".sig";
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "sha256:" + hex;
  }
}
