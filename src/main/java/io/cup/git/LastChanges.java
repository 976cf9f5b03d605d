package io.cup.git;

import io.cup.status.StatusException;
import io.vertx.core.shareddata.Shareable;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * When each file last changed: for a read at commit {@code H}, the commit time of the newest commit
 * on {@code H}'s first-parent history whose diff against its first parent touches the file (a merge
 * counts as the change of everything it brought in: that is when it reached the branch). This is a
 * resource's {@code metadata.creationTimestamp}, and so the AGE of {@code kubectl get}. For a local
 * directory source it is the file's modification time.
 *
 * <p>An index is built per head commit by walking first-parent history newest first with one tree
 * diff per commit, and kept (the {@value #CACHED_HEADS} heads used last). When the head moves, or a
 * proposal branch is read, the walk stops at the first commit that already has an index and only
 * the new commits are diffed: the new index is a small layer over the old one (layers are merged
 * into one map past {@value #MAX_LAYERS} deep).
 *
 * <p>The walk is bounded by a number of commits and a time; a file whose last change lies beyond
 * the bound gets the time of the oldest commit walked (it changed no later than that). Safe for
 * concurrent use: lookups in built indexes never wait; builds run one at a time.
 *
 * <p>Implements {@link Shareable} so the instances of the controller verticle share one per
 * repository (through Vert.x's local shared data, not a static field).
 */
public final class LastChanges implements Shareable {
  public static final int DEFAULT_MAX_COMMITS = 10_000;
  public static final Duration DEFAULT_MAX_WALK = Duration.ofSeconds(10);

  static final int CACHED_HEADS = 16;
  static final int MAX_LAYERS = 32;

  private final int maxCommits;
  private final Duration maxWalk;
  private final ReentrantLock building = new ReentrantLock();

  /** Head → index, least recently used first; guarded by itself. */
  private final Map<ObjectId, Index> indexes =
      new LinkedHashMap<>(CACHED_HEADS * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ObjectId, Index> eldest) {
          return size() > CACHED_HEADS;
        }
      };

  public LastChanges() {
    this(DEFAULT_MAX_COMMITS, DEFAULT_MAX_WALK);
  }

  /**
   * One change: when (the commit time), who (the commit's author name; null when unknown, as for a
   * local directory) and which commit (null for a local directory).
   */
  public record Change(Instant time, String author, String commit) {}

  /** An index bounded to {@code maxCommits} commits and {@code maxWalk} per build. */
  public LastChanges(int maxCommits, Duration maxWalk) {
    if (maxCommits < 1) {
      throw new IllegalArgumentException("maxCommits must be at least 1");
    }
    this.maxCommits = maxCommits;
    this.maxWalk = Objects.requireNonNull(maxWalk, "maxWalk");
  }

  /**
   * When the file at {@code path} last changed as seen from {@code view}; for a null path (a
   * controller that cannot say which file holds a resource), the time of the view's commit. Blocks
   * (Git reads): call it on a worker thread.
   */
  public Instant lastChanged(RevisionView view, String path) {
    return lastChange(view, path).time();
  }

  /**
   * The last change of the file at {@code path} as seen from {@code view}, as {@link #lastChanged}
   * says when, with the commit and its author; for a null path, the view's commit itself. For a
   * file whose last change lies beyond the walk's bound, the oldest commit walked. Blocks (Git
   * reads).
   */
  public Change lastChange(RevisionView view, String path) {
    if (view instanceof GitRevisionView git) {
      Index index = index(git.repository(), git.commitId());
      Commit commit = path == null ? index.head : index.commit(path);
      return new Change(Instant.ofEpochSecond(commit.time), commit.author, commit.id);
    }
    if (view instanceof DirectorySource.DirectoryView directory && path != null) {
      return new Change(directory.modified(path).orElseGet(Instant::now), null, null);
    }
    return new Change(Instant.now(), null, null);
  }

  /** How many heads have an index (tests). */
  int cachedHeads() {
    synchronized (indexes) {
      return indexes.size();
    }
  }

  /** How many commits the index of {@code head} diffed itself, not counting its bases (tests). */
  int commitsWalked(ObjectId head) {
    synchronized (indexes) {
      Index index = indexes.get(head);
      return index == null ? 0 : index.walked;
    }
  }

  private Index cached(ObjectId commit) {
    synchronized (indexes) {
      return indexes.get(commit);
    }
  }

  private Index index(Repository repository, ObjectId head) {
    Index found = cached(head);
    if (found != null) {
      return found;
    }
    building.lock();
    try {
      found = cached(head);
      if (found == null) {
        found = build(repository, head);
        synchronized (indexes) {
          indexes.put(head.copy(), found);
        }
      }
      return found;
    } catch (IOException e) {
      throw StatusException.unavailable("cannot read the history of " + head.name(), e);
    } finally {
      building.unlock();
    }
  }

  private Index build(Repository repository, ObjectId head) throws IOException {
    long deadline = System.nanoTime() + maxWalk.toNanos();
    Map<String, Commit> changed = new HashMap<>();
    Index base = null;
    int walked = 0;
    Commit oldest;
    Commit headCommit;
    try (ObjectReader reader = repository.newObjectReader();
        RevWalk walk = new RevWalk(reader)) {
      RevCommit commit = walk.parseCommit(head);
      headCommit = Commit.of(commit);
      oldest = headCommit;
      while (true) {
        if (walked > 0) {
          base = cached(commit);
          if (base != null) {
            break;
          }
        }
        if (walked >= maxCommits || walked > 0 && System.nanoTime() > deadline) {
          break;
        }
        RevCommit parent =
            commit.getParentCount() == 0 ? null : walk.parseCommit(commit.getParent(0));
        Commit current = walked == 0 ? headCommit : Commit.of(commit);
        diff(reader, parent, commit, current, changed);
        oldest = current;
        walked++;
        if (parent == null) {
          break;
        }
        commit = parent;
      }
    }
    return Index.layer(changed, base, oldest, headCommit, walked);
  }

  /** Records every path that differs between {@code commit} and its first parent. */
  private static void diff(
      ObjectReader reader,
      RevCommit parent,
      RevCommit commit,
      Commit current,
      Map<String, Commit> changed)
      throws IOException {
    try (TreeWalk tree = new TreeWalk(reader)) {
      tree.setRecursive(true);
      tree.setFilter(TreeFilter.ANY_DIFF);
      if (parent == null) {
        tree.addTree(new EmptyTreeIterator());
      } else {
        tree.addTree(parent.getTree());
      }
      tree.addTree(commit.getTree());
      while (tree.next()) {
        // walking newest first: the first commit seen to change a path changed it last
        changed.putIfAbsent(tree.getPathString(), current);
      }
    }
  }

  /**
   * A commit as the index keeps it: its id, commit time and author name. One instance per commit
   * walked, shared by every path it changed.
   */
  private record Commit(String id, long time, String author) {
    static Commit of(RevCommit commit) {
      PersonIdent author = commit.getAuthorIdent();
      return new Commit(commit.name(), commit.getCommitTime(), author.getName());
    }
  }

  /** One head's answer: its own commits' changes over the index of an older head. */
  private static final class Index {
    final Map<String, Commit> changed;
    final Index base;
    final Commit floor;
    final Commit head;
    final int walked;
    final int depth;

    private Index(
        Map<String, Commit> changed, Index base, Commit floor, Commit head, int walked, int depth) {
      this.changed = changed;
      this.base = base;
      this.floor = floor;
      this.head = head;
      this.walked = walked;
      this.depth = depth;
    }

    static Index layer(
        Map<String, Commit> changed, Index base, Commit oldest, Commit head, int walked) {
      if (base == null) {
        return new Index(Map.copyOf(changed), null, oldest, head, walked, 0);
      }
      if (base.depth + 1 < MAX_LAYERS) {
        return new Index(Map.copyOf(changed), base, base.floor, head, walked, base.depth + 1);
      }
      Map<String, Commit> merged = new HashMap<>();
      for (Index i = base; i != null; i = i.base) {
        i.changed.forEach(merged::putIfAbsent);
      }
      merged.putAll(changed);
      return new Index(Map.copyOf(merged), null, base.bottom().floor, head, walked, 0);
    }

    Index bottom() {
      Index i = this;
      while (i.base != null) {
        i = i.base;
      }
      return i;
    }

    Commit commit(String path) {
      for (Index i = this; i != null; i = i.base) {
        Commit commit = i.changed.get(path);
        if (commit != null) {
          return commit;
        }
      }
      return floor;
    }
  }
}
