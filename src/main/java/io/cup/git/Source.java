package io.cup.git;

import io.cup.bus.SourceKind;

/**
 * The repository Cup serves, as seen by readers: read only. {@link GitSource} is a bare clone of a
 * remote (owned by a {@link GitClone}); {@link DirectorySource} a plain local directory. One
 * instance per server, made by the launcher and handed to the verticles that read; safe for
 * concurrent use.
 */
public interface Source {
  /**
   * Resolves {@code revision} once and returns a view of it. {@code null} or empty means the
   * tracked branch head; otherwise a branch name, a full or abbreviated commit id, or a proposal id
   * (its branch {@code cup/proposal/<id>}). Unknown revision: 404 StatusException; no clone yet:
   * 503.
   */
  RevisionView view(String revision);

  /** A Git clone or a local directory. */
  SourceKind kind();
}
