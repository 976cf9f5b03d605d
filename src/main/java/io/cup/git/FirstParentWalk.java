package io.cup.git;

import io.cup.status.StatusException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The first-parent history of one commit, newest first, one {@link Step} (a commit and its first
 * parent) at a time, as {@link LastChanges} walks it: a merge counts as the change of everything it
 * brought in. Each step says cheaply whether given paths differ between the commit and its parent
 * ({@link Step#changed}: only the trees along each path are read). Blocks (JGit): worker threads
 * only. Not safe for concurrent use; close it when done.
 */
public final class FirstParentWalk implements AutoCloseable {
  private final Repository repository;
  private final ObjectReader reader;
  private final RevWalk walk;
  private RevCommit next;
  private boolean cut;

  private FirstParentWalk(Repository repository, ObjectId start) throws IOException {
    this.repository = repository;
    this.reader = repository.newObjectReader();
    this.walk = new RevWalk(reader);
    this.next = walk.parseCommit(start);
  }

  /**
   * The walk from {@code start} (a commit of {@code view}'s repository) down; empty when the view
   * has no history (a local directory). 404 when {@code start} is not a commit there.
   */
  public static Optional<FirstParentWalk> from(RevisionView view, String start) {
    if (!(view instanceof GitRevisionView git)) {
      return Optional.empty();
    }
    ObjectId id;
    try {
      id = ObjectId.fromString(Objects.requireNonNull(start, "start"));
    } catch (IllegalArgumentException e) {
      throw StatusException.badRequest("not a commit id: " + start);
    }
    try {
      return Optional.of(new FirstParentWalk(git.repository(), id));
    } catch (MissingObjectException e) {
      throw StatusException.notFound("commit " + start + " not found");
    } catch (IOException e) {
      throw StatusException.unavailable("cannot read commit " + start, e);
    }
  }

  /** The next commit, newest first; empty past the root (or where the history was cut). */
  public Optional<Step> next() {
    RevCommit commit = next;
    if (commit == null) {
      return Optional.empty();
    }
    try {
      RevCommit parent = null;
      if (commit.getParentCount() > 0) {
        try {
          parent = walk.parseCommit(commit.getParent(0));
        } catch (MissingObjectException e) {
          cut = true; // a shallow clone: the history ends here
        }
      }
      next = parent;
      walk.parseBody(commit);
      return Optional.of(new Step(commit, parent));
    } catch (IOException e) {
      throw StatusException.unavailable("cannot read the history at " + commit.name(), e);
    }
  }

  /** Whether the walk ended at a commit whose parent the clone does not have (shallow). */
  public boolean cut() {
    return cut;
  }

  @Override
  public void close() {
    walk.close();
    reader.close();
  }

  /** One commit of the walk and its first parent (null for a root commit). */
  public final class Step {
    private final RevCommit commit;
    private final RevCommit parent;

    private Step(RevCommit commit, RevCommit parent) {
      this.commit = commit;
      this.parent = parent;
    }

    public String commit() {
      return commit.name();
    }

    /** The first parent's id, or null for a root commit. */
    public String parent() {
      return parent == null ? null : parent.name();
    }

    /** The commit's view. */
    public RevisionView view() {
      return GitRevisionView.of(repository, commit);
    }

    /** The first parent's view, or null for a root commit (nothing existed before it). */
    public RevisionView parentView() {
      return parent == null ? null : GitRevisionView.of(repository, parent);
    }

    public String authorName() {
      return author().getName();
    }

    public String authorEmail() {
      return author().getEmailAddress();
    }

    /** When the commit was made: when it reached the branch, as {@link LastChanges} counts. */
    public Instant commitTime() {
      return Instant.ofEpochSecond(commit.getCommitTime());
    }

    /** The full commit message. */
    public String message() {
      return commit.getFullMessage();
    }

    private PersonIdent author() {
      return commit.getAuthorIdent();
    }

    /**
     * Those of {@code paths} (files or directories, "" the root) whose entry differs between the
     * parent and the commit (added, removed, or another object), in the order given.
     */
    public List<String> changed(Collection<String> paths) {
      List<String> changed = new ArrayList<>();
      try {
        for (String path : paths) {
          if (!Objects.equals(entry(parent, path), entry(commit, path))) {
            changed.add(path);
          }
        }
      } catch (IOException e) {
        throw StatusException.unavailable("cannot compare " + commit.name() + " to its parent", e);
      }
      return changed;
    }

    /** The object id (and mode) at {@code path} in {@code at}, or null when nothing is there. */
    private String entry(RevCommit at, String path) throws IOException {
      if (at == null) {
        return null;
      }
      if (path.isEmpty()) {
        return at.getTree().name();
      }
      try (TreeWalk tree = TreeWalk.forPath(reader, path, at.getTree())) {
        return tree == null ? null : tree.getObjectId(0).name() + " " + tree.getRawMode(0);
      }
    }
  }
}
