package io.cup.git;

import java.util.Objects;
import org.eclipse.jgit.lib.ObjectId;

/**
 * What one fetch did to the tracked branch: its commit {@code before} and {@code after} the fetch
 * (either null while the branch has no commit locally).
 */
public record FetchOutcome(String branch, ObjectId before, ObjectId after) {
  /** Whether the tracked branch points at another commit than before the fetch. */
  public boolean moved() {
    return !Objects.equals(before, after);
  }
}
