package io.cup.git;

import io.cup.status.StatusException;
import java.util.List;
import java.util.Optional;

/**
 * A read-only view of the repository at one revision, resolved once. Paths are relative to the
 * repository root and '/'-separated. Implementations read lazily: nothing is loaded until asked
 * for. Views are safe to use from one thread at a time.
 */
public interface RevisionView {
  /** The commit id the view was resolved to (for a local directory source: "local"). */
  String commit();

  /** A file's content and id, or empty when there is no file at {@code path}. */
  Optional<Blob> file(String path);

  /** The direct children of directory {@code dir} ("" is the root); empty when it is missing. */
  List<Entry> list(String dir);

  /**
   * A file: its id (the Git blob id, stable for the same bytes), its size, and its bytes, read on
   * demand and only up to a limit the reader names, so no file in a repository makes Cup load more
   * than it means to.
   */
  interface Blob {
    String id();

    /** The size in bytes, known without loading the content (Git: the object header). */
    long size();

    /**
     * The content; {@link RevisionView#tooLarge 413} naming the path and size, with nothing loaded,
     * when the file is larger than {@code maxBytes}.
     */
    byte[] bytes(long maxBytes);
  }

  /** The 413 of a file larger than the limit a reader put on it. */
  static StatusException tooLarge(String path, long size, long maxBytes) {
    return StatusException.tooLarge(
        "file " + path + " is " + size + " bytes, larger than the limit of " + maxBytes + " bytes");
  }

  /** One child of a directory. */
  record Entry(String name, boolean directory, String id) {}
}
