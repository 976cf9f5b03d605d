package io.cup.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Names the on-disk clone of a remote: readable last path segment plus a hash of the URL. */
final class RepositoryNames {
  private RepositoryNames() {}

  static String directoryFor(String url) {
    if (url == null || url.isBlank()) {
      return "none";
    }
    String trimmed = url.replaceAll("/+$", "");
    String last = trimmed.substring(trimmed.lastIndexOf('/') + 1).replaceAll("\\.git$", "");
    last = last.replaceAll("[^A-Za-z0-9._-]", "_");
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
      return last + "-" + HexFormat.of().formatHex(digest, 0, 6) + ".git";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
