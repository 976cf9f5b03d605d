package io.cup.git;

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

  /** A file: its id (the Git blob id, stable for the same bytes) and its bytes, read on demand. */
  interface Blob {
    String id();

    byte[] bytes();
  }

  /** One child of a directory. */
  record Entry(String name, boolean directory, String id) {}
}
