package io.cup.controllers;

import io.cup.bus.SourceKind;
import io.cup.git.RevisionView;
import io.cup.git.Source;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * {@code metadata.resourceVersion}, as Kubernetes clients expect it: opaque, set on every read,
 * compared for equality to detect a stale write, never stored in a file.
 *
 * <p>With a Git source it is the full id of the commit the resource was read at: the same for every
 * resource of one read, and a point a watch can start from ({@code ?watch=true&resourceVersion=}).
 * A write that names it is accepted only while the resource is still as it was at that commit. A
 * local directory has no history, so there it is a hash of the resource's content ({@code h}
 * followed by 20 hex digits).
 */
public final class ResourceVersions {
  public static final String FIELD = "resourceVersion";

  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
  private static final Pattern CONTENT_HASH = Pattern.compile("h[0-9a-f]{20}");

  private ResourceVersions() {}

  /** Whether versions from {@code source} are commit ids (a Git source). */
  public static boolean isCommit(Source source) {
    return source.kind() == SourceKind.GIT;
  }

  /** Whether {@code version} has the shape of the versions {@code source} issues. */
  public static boolean isWellFormed(Source source, String version) {
    return (isCommit(source) ? COMMIT : CONTENT_HASH).matcher(version).matches();
  }

  /** Whether {@code version} has the shape of a commit id. */
  public static boolean isCommitId(String version) {
    return version != null && COMMIT.matcher(version).matches();
  }

  /** The version of {@code resource} as read at {@code view}. */
  public static String of(Source source, RevisionView view, JsonObject resource) {
    if (isCommit(source)) {
      return view.commit();
    }
    return contentHash(resource);
  }

  /** The version a local directory gives {@code resource}: a hash of its content. */
  public static String contentHash(JsonObject resource) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(without(resource).encode().getBytes(StandardCharsets.UTF_8));
      return "h" + HexFormat.of().formatHex(digest, 0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * {@code resource} without {@code metadata.resourceVersion} nor any other field the server sets
   * on reads ({@link ServerFields#METADATA}): two reads of one stored state compare equal. A copy
   * only when it had one.
   */
  public static JsonObject without(JsonObject resource) {
    return ServerFields.without(resource);
  }
}
