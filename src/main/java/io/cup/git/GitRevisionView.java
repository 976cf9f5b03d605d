package io.cup.git;

import io.cup.status.StatusException;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.LargeObjectException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * A read-only view of one commit of a Git repository. The commit's tree is resolved once, when the
 * view is made; {@link #file} descends only the trees along the path and {@link #list} reads one
 * tree. Each tree a lookup passes through is parsed once per view into an index by name ({@link
 * TreeIndex}), so a lookup costs one hash probe per path segment however many entries the trees
 * hold: reading every file of a directory of n entries is O(n), where a fresh tree walk from the
 * root per file was O(n²). Indexed trees and small blobs' bytes are kept in an {@link ObjectCache}
 * by id: the view's own (what one request touched), or, for views made by a clone's {@link
 * GitRevisions}, the clone's shared one, bounded in bytes, so a directory read by request after
 * request is parsed and inflated once. Blob bytes are loaded on demand. Every call opens its own
 * {@link ObjectReader} and closes it, so a view holds no resources and needs no closing.
 *
 * <p>Only regular and executable files are files here: symbolic links and submodules are neither
 * returned by {@link #file} nor listed.
 */
public final class GitRevisionView implements RevisionView {
  private final Repository repository;
  private final ObjectId commit;
  private final ObjectId tree;

  /** Trees and blobs already read (a view's own, or its clone's shared one). */
  private final ObjectCache objects;

  private GitRevisionView(
      Repository repository, ObjectId commit, ObjectId tree, ObjectCache objects) {
    this.repository = repository;
    this.commit = commit.copy();
    this.tree = tree.copy();
    this.objects = objects;
  }

  /** A view of {@code commitId} in {@code repository}; 404 when it is missing or not a commit. */
  public static GitRevisionView of(Repository repository, ObjectId commitId) {
    return of(repository, commitId, ObjectCache.perView());
  }

  /** As {@link #of(Repository, ObjectId)}, reading through {@code objects} (a clone's). */
  static GitRevisionView of(Repository repository, ObjectId commitId, ObjectCache objects) {
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(commitId, "commitId");
    try (RevWalk walk = new RevWalk(repository)) {
      RevCommit parsed = walk.parseCommit(commitId);
      return new GitRevisionView(repository, parsed, parsed.getTree(), objects);
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
    try (ObjectReader reader = repository.newObjectReader()) {
      TreeIndex.Entry entry = find(reader, valid.get());
      if (entry == null || !isFile(entry.mode())) {
        return Optional.empty();
      }
      return Optional.of(new GitBlob(repository, objects, entry.id(), valid.get()));
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
        TreeIndex.Entry entry = find(reader, valid.get());
        if (entry == null || !isTree(entry.mode())) {
          return List.of();
        }
        dirTree = entry.id();
      }
      return index(reader, dirTree).listing();
    } catch (IOException e) {
      throw StatusException.unavailable("cannot list " + valid.get() + " at " + commit(), e);
    }
  }

  @Override
  public String toString() {
    return "GitRevisionView[" + commit() + "]";
  }

  /** The entry at {@code path} (valid, not empty), descending indexed trees; null when none. */
  private TreeIndex.Entry find(ObjectReader reader, String path) throws IOException {
    ObjectId at = tree;
    int from = 0;
    while (true) {
      int slash = path.indexOf('/', from);
      String name = slash < 0 ? path.substring(from) : path.substring(from, slash);
      TreeIndex.Entry entry = index(reader, at).get(name);
      if (slash < 0 || entry == null) {
        return entry;
      }
      if (!isTree(entry.mode())) {
        return null;
      }
      at = entry.id();
      from = slash + 1;
    }
  }

  private TreeIndex index(ObjectReader reader, ObjectId id) throws IOException {
    TreeIndex index = objects.tree(id);
    if (index == null) {
      index = TreeIndex.parse(reader, id);
      objects.putTree(index);
    }
    return index;
  }

  static boolean isTree(int mode) {
    return (mode & FileMode.TYPE_MASK) == FileMode.TYPE_TREE;
  }

  static boolean isFile(int mode) {
    return (mode & FileMode.TYPE_MASK) == FileMode.TYPE_FILE;
  }

  /**
   * A blob whose size is read from its header and whose bytes are read on first use within the
   * reader's limit (and then kept: blobs never change).
   */
  private static final class GitBlob implements Blob {
    private final Repository repository;
    private final ObjectCache objects;
    private final ObjectId id;
    private final String path;
    private volatile byte[] bytes;
    private volatile long size = -1;

    GitBlob(Repository repository, ObjectCache objects, ObjectId id, String path) {
      this.repository = repository;
      this.objects = objects;
      this.id = id.copy();
      this.path = path;
      byte[] kept = objects.blob(id);
      if (kept != null) {
        bytes = kept;
        size = kept.length;
      }
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
        long known = size;
        if (known > maxBytes) {
          throw RevisionView.tooLarge(path, known, maxBytes);
        }
        // one open gives the size (from the object's header) and then the bytes
        try (ObjectReader reader = repository.newObjectReader()) {
          ObjectLoader loader = reader.open(id, Constants.OBJ_BLOB);
          long length = loader.getSize();
          size = length;
          if (length > maxBytes) {
            throw RevisionView.tooLarge(path, length, maxBytes);
          }
          loaded = loader.getCachedBytes((int) Math.min(maxBytes, Integer.MAX_VALUE - 16));
          objects.putBlob(id, loaded);
        } catch (LargeObjectException e) {
          throw RevisionView.tooLarge(path, size, maxBytes);
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
