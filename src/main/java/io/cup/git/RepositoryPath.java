package io.cup.git;

import java.util.Optional;

/**
 * The one rule for paths inside a served repository: relative, '/'-separated, no empty, "." or ".."
 * segment, no backslash, no NUL, and never into a {@code .git} directory. Controllers reject bad
 * paths with 400 before they reach a source; this is the defence in depth behind them.
 */
final class RepositoryPath {
  private RepositoryPath() {}

  /** {@code path} when it names a file inside the repository, else empty. */
  static Optional<String> file(String path) {
    return isValid(path) && !path.isEmpty() ? Optional.of(path) : Optional.empty();
  }

  /**
   * {@code dir} as a directory path: "" for the root; one trailing '/' is accepted and dropped.
   * Empty when it could name something outside the repository.
   */
  static Optional<String> directory(String dir) {
    if (dir == null) {
      return Optional.empty();
    }
    String trimmed =
        dir.endsWith("/") && dir.length() > 1 ? dir.substring(0, dir.length() - 1) : dir;
    return isValid(trimmed) ? Optional.of(trimmed) : Optional.empty();
  }

  private static boolean isValid(String path) {
    if (path == null) {
      return false;
    }
    if (path.isEmpty()) {
      return true;
    }
    if (path.startsWith("/") || path.indexOf('\\') >= 0 || path.indexOf('\0') >= 0) {
      return false;
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty()
          || segment.equals(".")
          || segment.equals("..")
          || segment.equalsIgnoreCase(".git")) {
        return false;
      }
    }
    return true;
  }
}
