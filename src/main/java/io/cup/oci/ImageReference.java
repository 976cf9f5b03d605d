package io.cup.oci;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reference to an artifact in an OCI registry: {@code registry/repository:tag}, {@code
 * registry/repository@sha256:…} or both ({@code :tag@sha256:…}, where the digest wins and the tag
 * is only a label). The registry is always named (a host with a dot or a port, or {@code
 * localhost}): Cup has no default registry, so a reference means the same everywhere.
 *
 * @param registry host, or host:port
 * @param repository the repository path, lower case
 * @param tag the tag, or null
 * @param digest the digest, or null; at least one of tag and digest is set
 */
public record ImageReference(String registry, String repository, String tag, Digest digest) {
  private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
  private static final Pattern REPOSITORY = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern HOST =
      Pattern.compile(
          "(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
              + "|\\[[0-9A-Fa-f:.]+\\])(?::([0-9]{1,5}))?");

  public ImageReference {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(repository, "repository");
    if (tag == null && digest == null) {
      throw new IllegalArgumentException("a reference needs a tag or a digest");
    }
  }

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  public static ImageReference parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty image reference");
    }
    String rest = text.strip();
    Digest digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = Digest.parse(rest.substring(at + 1));
      rest = rest.substring(0, at);
    }
    int slash = rest.indexOf('/');
    if (slash <= 0) {
      throw new IllegalArgumentException(
          "\"" + text + "\" does not name a registry (registry/repository:tag)");
    }
    String registry = rest.substring(0, slash);
    Matcher host = HOST.matcher(registry);
    if (!(registry.contains(".") || registry.contains(":") || registry.equals("localhost"))
        || !host.matches()) {
      throw new IllegalArgumentException(
          "\""
              + text
              + "\" does not start with a registry host (a name with a dot or a port, or"
              + " localhost), as in ghcr.io/team/controller:1.0");
    }
    if (host.group(1) != null && Integer.parseInt(host.group(1)) > 65_535) {
      throw new IllegalArgumentException("\"" + text + "\": port out of range");
    }
    String path = rest.substring(slash + 1);
    String tag = null;
    int colon = path.lastIndexOf(':');
    if (colon >= 0) {
      tag = path.substring(colon + 1);
      path = path.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw new IllegalArgumentException("\"" + text + "\": \"" + tag + "\" is not a valid tag");
      }
    }
    if (!REPOSITORY.matcher(path).matches()) {
      throw new IllegalArgumentException(
          "\"" + text + "\": \"" + path + "\" is not a valid repository (lower case, a-z0-9._-/)");
    }
    if (tag == null && digest == null) {
      throw new IllegalArgumentException(
          "\"" + text + "\" names neither a tag (:1.0) nor a digest (@sha256:…)");
    }
    return new ImageReference(registry.toLowerCase(Locale.ROOT), path, tag, digest);
  }

  /** The tag or digest to ask the registry's manifest endpoint for: the digest when known. */
  public String manifestReference() {
    return digest != null ? digest.toString() : tag;
  }

  /** The same repository at {@code digest} (the tag kept as a label). */
  public ImageReference at(Digest pinned) {
    return new ImageReference(registry, repository, tag, pinned);
  }

  /** The same repository at tag {@code other}, without a digest. */
  public ImageReference withTag(String other) {
    return new ImageReference(registry, repository, other, null);
  }

  /** {@code registry/repository}, without tag or digest. */
  public String name() {
    return registry + "/" + repository;
  }

  @Override
  public String toString() {
    return name() + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
  }
}
