package io.cup.git;

import io.cup.status.StatusException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.LargeObjectException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * A read-only view of one commit of a Git repository. The commit's tree is resolved once, when the
 * view is made; {@link #file} descends only the trees along the path (a lookup in a repository of
 * 100,000 files costs the path's depth, not the tree's size) and {@link #list} reads one tree. Blob
 * bytes are loaded on demand. Every call opens its own {@link ObjectReader} and closes it, so a
 * view holds no resources and needs no closing.
 *
 * <p>Only regular and executable files are files here: symbolic links and submodules are neither
 * returned by {@link #file} nor listed.
 */
public final class GitRevisionView implements RevisionView {
  private final Repository repository;
  private final ObjectId commit;
  private final ObjectId tree;

  private GitRevisionView(Repository repository, ObjectId commit, ObjectId tree) {
    this.repository = repository;
    this.commit = commit.copy();
    this.tree = tree.copy();
  }

  /** A view of {@code commitId} in {@code repository}; 404 when it is missing or not a commit. */
  public static GitRevisionView of(Repository repository, ObjectId commitId) {
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(commitId, "commitId");
    try (RevWalk walk = new RevWalk(repository)) {
      RevCommit parsed = walk.parseCommit(commitId);
      return new GitRevisionView(repository, parsed, parsed.getTree());
    } catch (MissingObjectException | IncorrectObjectTypeException e) {
      throw StatusException.notFound("revision " + commitId.name() + " not found");
    } catch (IOException e) {
      throw StatusException.unavailable("cannot read commit " + commitId.name(), e);
    }
  }

  @Override
  public String commit() {
    return commit.name();
  }

  /** The commit id as an object id. */
  public ObjectId commitId() {
    return commit;
  }

  /** The repository the commit is read from (for indexes over its history). */
  Repository repository() {
    return repository;
  }

  /** The id of the commit's root tree. */
  public ObjectId treeId() {
    return tree;
  }

  @Override
  public Optional<Blob> file(String path) {
    Optional<String> valid = RepositoryPath.file(path);
    if (valid.isEmpty()) {
      return Optional.empty();
    }
    try (ObjectReader reader = repository.newObjectReader();
        TreeWalk walk = TreeWalk.forPath(reader, valid.get(), tree)) {
      if (walk == null || !isFile(walk.getRawMode(0))) {
        return Optional.empty();
      }
      return Optional.of(new GitBlob(repository, walk.getObjectId(0), valid.get()));
    } catch (IOException e) {
      throw StatusException.unavailable("cannot read " + valid.get() + " at " + commit(), e);
    }
  }

  @Override
  public List<Entry> list(String dir) {
    Optional<String> valid = RepositoryPath.directory(dir);
    if (valid.isEmpty()) {
      return List.of();
    }
    try (ObjectReader reader = repository.newObjectReader()) {
      ObjectId dirTree = tree;
      if (!valid.get().isEmpty()) {
        try (TreeWalk walk = TreeWalk.forPath(reader, valid.get(), tree)) {
          if (walk == null || !isTree(walk.getRawMode(0))) {
            return List.of();
          }
          dirTree = walk.getObjectId(0);
        }
      }
      List<Entry> entries = new ArrayList<>();
      CanonicalTreeParser parser = new CanonicalTreeParser(null, reader, dirTree);
      for (; !parser.eof(); parser.next()) {
        int mode = parser.getEntryRawMode();
        boolean directory = isTree(mode);
        if (directory || isFile(mode)) {
          entries.add(
              new Entry(parser.getEntryPathString(), directory, parser.getEntryObjectId().name()));
        }
      }
      return List.copyOf(entries);
    } catch (IOException e) {
      throw StatusException.unavailable("cannot list " + valid.get() + " at " + commit(), e);
    }
  }

  @Override
  public String toString() {
    return "GitRevisionView[" + commit() + "]";
  }

  private static boolean isTree(int mode) {
    return (mode & FileMode.TYPE_MASK) == FileMode.TYPE_TREE;
  }

  private static boolean isFile(int mode) {
    return (mode & FileMode.TYPE_MASK) == FileMode.TYPE_FILE;
  }

  /**
   * A blob whose size is read from its header and whose bytes are read on first use within the
   * reader's limit (and then kept: blobs never change).
   */
  private static final class GitBlob implements Blob {
    private final Repository repository;
    private final ObjectId id;
    private final String path;
    private volatile byte[] bytes;
    private volatile long size = -1;

    GitBlob(Repository repository, ObjectId id, String path) {
      this.repository = repository;
      this.id = id.copy();
      this.path = path;
    }

    @Override
    public String id() {
      return id.name();
    }

    @Override
    public long size() {
      long known = size;
      if (known < 0) {
        try (ObjectReader reader = repository.newObjectReader()) {
          known = reader.getObjectSize(id, Constants.OBJ_BLOB);
        } catch (IOException e) {
          throw StatusException.unavailable("cannot read blob " + id.name() + " of " + path, e);
        }
        size = known;
      }
      return known;
    }

    @Override
    public byte[] bytes(long maxBytes) {
      byte[] loaded = bytes;
      if (loaded == null) {
        long length = size();
        if (length > maxBytes) {
          throw RevisionView.tooLarge(path, length, maxBytes);
        }
        try (ObjectReader reader = repository.newObjectReader()) {
          loaded =
              reader
                  .open(id, Constants.OBJ_BLOB)
                  .getCachedBytes((int) Math.min(maxBytes, Integer.MAX_VALUE - 16));
        } catch (LargeObjectException e) {
          throw RevisionView.tooLarge(path, length, maxBytes);
        } catch (IOException e) {
          throw StatusException.unavailable("cannot read blob " + id.name() + " of " + path, e);
        }
        bytes = loaded;
      } else if (loaded.length > maxBytes) {
        throw RevisionView.tooLarge(path, loaded.length, maxBytes);
      }
      return loaded;
    }

    @Override
    public String toString() {
      return "Blob[" + path + " " + id.name() + "]";
    }
  }
}
