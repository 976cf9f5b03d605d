package io.cup.git;

import io.cup.bus.FileChange;
import io.cup.status.StatusException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Writes a change set as blobs, trees and one commit on top of a base commit, straight into the
 * object database: no work tree, no index file, no checkout.
 *
 * <p>Only the trees on the changed paths are read and rewritten; every other subtree keeps its id,
 * so the cost grows with the depth and width of the changed directories, not with the size of the
 * repository. A file changed to the same bytes, or a delete of a missing file, changes nothing;
 * when the resulting root tree equals the base's, no commit is written ({@link Result#changed()}).
 *
 * <p>Paths must be relative, '/'-separated, without empty, "." or ".." segments, without a ".git"
 * segment (any case), a backslash or a NUL; anything else is a 400 {@link StatusException} and
 * nothing is written. An upsert below a path that is a file in the base replaces that file with a
 * directory (and the other way round), as {@code git} itself would. When the same path appears
 * twice in a change set, the last change wins. A delete names a file; a directory disappears when
 * its last file is deleted.
 *
 * <p>Safe for concurrent use: every call uses its own reader and inserter.
 */
public final class CommitWriter {
  private final Repository repository;
  private final FreshTrees fresh;

  /** The outcome of a write: the new tree, and the new commit (the base when nothing changed). */
  public record Result(ObjectId commit, ObjectId tree, boolean changed) {}

  public CommitWriter(Repository repository) {
    this(repository, null);
  }

  /**
   * @param fresh where the trees written are also kept for the push that follows (null: nowhere)
   */
  public CommitWriter(Repository repository, FreshTrees fresh) {
    this.repository = Objects.requireNonNull(repository, "repository");
    this.fresh = fresh;
  }

  /**
   * Commits {@code changes} on top of {@code base} ({@code null} for a first commit without
   * parents). When the resulting tree equals the base's, nothing is written and the result carries
   * the base commit with {@code changed == false}.
   *
   * @throws StatusException 400 for a bad path or conflicting changes, 404 when the base is not a
   *     commit of the repository
   * @throws IOException when the object database fails
   */
  public Result commit(
      ObjectId base,
      List<FileChange> changes,
      PersonIdent author,
      PersonIdent committer,
      String message)
      throws IOException {
    Objects.requireNonNull(author, "author");
    Objects.requireNonNull(committer, "committer");
    Objects.requireNonNull(message, "message");
    Directory edits = plan(changes);
    try (ObjectReader reader = repository.newObjectReader();
        ObjectInserter inserter = repository.newObjectInserter();
        LooseTrees trees = new LooseTrees(repository, inserter, fresh)) {
      ObjectId baseTree = base == null ? null : treeOf(reader, base);
      ObjectSink sink = ObjectSink.inserting(inserter, trees);
      ObjectId tree = write(reader, sink, baseTree, edits);
      if (tree == null) {
        tree = sink.tree(new byte[0]);
      }
      if (tree.equals(baseTree)) {
        return new Result(base, baseTree, false);
      }
      CommitBuilder commit = new CommitBuilder();
      commit.setTreeId(tree);
      if (base != null) {
        commit.setParentId(base);
      }
      commit.setAuthor(author);
      commit.setCommitter(committer);
      commit.setEncoding(StandardCharsets.UTF_8);
      commit.setMessage(message);
      ObjectId id = inserter.insert(commit);
      inserter.flush();
      return new Result(id, tree, true);
    }
  }

  /**
   * Whether {@code changes} would change the tree of {@code base}; writes nothing that is not
   * already reachable (only blob and tree ids are computed).
   */
  public boolean changesTree(ObjectId base, List<FileChange> changes) throws IOException {
    Directory edits = plan(changes);
    try (ObjectReader reader = repository.newObjectReader();
        ObjectInserter.Formatter formatter = new ObjectInserter.Formatter()) {
      ObjectId baseTree = base == null ? null : treeOf(reader, base);
      ObjectSink sink = ObjectSink.computing(formatter);
      ObjectId tree = write(reader, sink, baseTree, edits);
      if (tree == null) {
        tree = sink.tree(new byte[0]);
      }
      return !tree.equals(baseTree);
    }
  }

  /**
   * Checks one change-set path and returns it unchanged.
   *
   * @throws StatusException 400 naming the path and what is wrong with it
   */
  public static String validatePath(String path) {
    String problem = pathProblem(path);
    if (problem != null) {
      throw StatusException.badRequest("invalid path \"" + path + "\": " + problem);
    }
    return path;
  }

  private static String pathProblem(String path) {
    if (path == null || path.isEmpty()) {
      return "empty";
    }
    if (path.startsWith("/")) {
      return "absolute (leading '/')";
    }
    if (path.indexOf('\\') >= 0) {
      return "contains a backslash";
    }
    if (path.indexOf('\0') >= 0) {
      return "contains a NUL character";
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty()) {
        return "empty segment";
      }
      if (segment.equals(".") || segment.equals("..")) {
        return "'" + segment + "' segment";
      }
      if (segment.toLowerCase(Locale.ROOT).equals(Constants.DOT_GIT)) {
        return "'.git' segment";
      }
    }
    return null;
  }

  private ObjectId treeOf(ObjectReader reader, ObjectId commit) throws IOException {
    try (RevWalk walk = new RevWalk(reader)) {
      RevCommit parsed = walk.parseCommit(commit);
      return parsed.getTree().getId();
    } catch (MissingObjectException | IncorrectObjectTypeException e) {
      throw StatusException.notFound(
          "base " + commit.name() + " is not a commit of the repository");
    }
  }

  // -- planning: the change set as a tree of edits
  // -------------------------------------------------

  /** The edits below one directory: files by name (content null: delete) and subdirectories. */
  private static final class Directory {
    final Map<String, FileChange> files = new TreeMap<>();
    final Map<String, Directory> directories = new TreeMap<>();
  }

  private static Directory plan(List<FileChange> changes) {
    Objects.requireNonNull(changes, "changes");
    Directory root = new Directory();
    for (FileChange change : changes) {
      String[] segments = validatePath(change.path()).split("/");
      Directory dir = root;
      for (int i = 0; i < segments.length - 1; i++) {
        if (dir.files.containsKey(segments[i])) {
          throw conflicting(change.path(), String.join("/", Arrays.copyOf(segments, i + 1)));
        }
        dir = dir.directories.computeIfAbsent(segments[i], k -> new Directory());
      }
      String name = segments[segments.length - 1];
      if (dir.directories.containsKey(name)) {
        throw conflicting(change.path(), change.path() + "/…");
      }
      dir.files.put(name, change);
    }
    return root;
  }

  private static StatusException conflicting(String path, String other) {
    return StatusException.badRequest(
        "invalid change set: \""
            + path
            + "\" and \""
            + other
            + "\" are both a file and a directory");
  }

  // -- writing: rebuild the trees on the changed paths, bottom up ---------------------------------

  /** One entry of a tree being written that is not in the base tree as it was. */
  private record Entry(byte[] name, FileMode mode, ObjectId id) {}

  /**
   * Writes the tree that results from applying {@code edits} to {@code baseTree} (null: none) and
   * returns its id, or null when it is empty.
   *
   * <p>The base tree is read as bytes and its entries are never decoded: each name is looked up
   * among the edited names as bytes, and the runs of entries no edit touches are copied into the
   * new tree as they are. A directory of n files costs one pass over its bytes, not n names decoded
   * and n entries formatted again (a third of a write's processor time at 1,000 files).
   */
  private static ObjectId write(
      ObjectReader reader, ObjectSink sink, ObjectId baseTree, Directory edits) throws IOException {
    Map<RawName, String> edited = new HashMap<>();
    for (String name : edits.files.keySet()) {
      edited.put(RawName.of(bytes(name)), name);
    }
    for (String name : edits.directories.keySet()) {
      edited.put(RawName.of(bytes(name)), name);
    }
    Map<String, FileChange> files = new TreeMap<>(edits.files);
    Map<String, Directory> directories = new TreeMap<>(edits.directories);
    List<Entry> added = new ArrayList<>();
    RawTree base = RawTree.EMPTY;
    BitSet dropped = new BitSet();
    if (baseTree != null) {
      base = RawTree.parse(reader.open(baseTree, Constants.OBJ_TREE).getCachedBytes());
      RawName probe = new RawName();
      for (int i = 0; i < base.size(); i++) {
        String name = edited.get(probe.of(base.bytes(), base.nameStart(i), base.nameLength(i)));
        if (name == null) {
          continue;
        }
        FileMode mode = base.mode(i);
        FileChange file = files.remove(name);
        Directory dir = directories.remove(name);
        if (file != null) {
          if (file.isDelete() && mode == FileMode.TREE) {
            continue; // a delete names a file: the directory stays as it is
          }
          dropped.set(i); // a file deleted, or a missing file: either way no entry
          if (!file.isDelete()) {
            FileMode fileMode = mode == FileMode.EXECUTABLE_FILE ? mode : FileMode.REGULAR_FILE;
            added.add(new Entry(base.name(i), fileMode, sink.blob(file.content())));
          }
        } else if (dir != null) {
          boolean tree = mode == FileMode.TREE;
          ObjectId sub = write(reader, sink, tree ? base.id(i) : null, dir);
          if (sub != null) {
            dropped.set(i);
            added.add(new Entry(base.name(i), FileMode.TREE, sub));
          } else if (tree) {
            dropped.set(i); // its last file deleted: the directory goes
          }
          // else: only deletes below a file, of files that are not there; the file stays
        }
      }
    }
    for (FileChange file : files.values()) {
      if (!file.isDelete()) {
        String name = file.path().substring(file.path().lastIndexOf('/') + 1);
        added.add(new Entry(bytes(name), FileMode.REGULAR_FILE, sink.blob(file.content())));
      }
    }
    for (Map.Entry<String, Directory> dir : directories.entrySet()) {
      ObjectId sub = write(reader, sink, null, dir.getValue());
      if (sub != null) {
        added.add(new Entry(bytes(dir.getKey()), FileMode.TREE, sub));
      }
    }
    if (added.isEmpty() && dropped.cardinality() == base.size()) {
      return null;
    }
    added.sort(CommitWriter::gitOrder);
    return sink.tree(merged(base, dropped, added));
  }

  /**
   * The bytes of the tree holding {@code base}'s entries but the {@code dropped} ones, and {@code
   * added} (in git's order), all in git's order: runs of kept entries are copied as they are.
   */
  private static byte[] merged(RawTree base, BitSet dropped, List<Entry> added) {
    TreeBytes out = new TreeBytes(base.bytes().length + added.size() * 64);
    int next = 0; // the next added entry
    int runStart = 0; // where the current run of kept entries starts in the base's bytes
    for (int i = 0; i < base.size(); i++) {
      if (next < added.size() && gitOrder(added.get(next), base, i) < 0) {
        out.copy(base.bytes(), runStart, base.start(i) - runStart);
        while (next < added.size() && gitOrder(added.get(next), base, i) < 0) {
          out.entry(added.get(next++));
        }
        runStart = base.start(i);
      }
      if (dropped.get(i)) {
        out.copy(base.bytes(), runStart, base.start(i) - runStart);
        runStart = i + 1 < base.size() ? base.start(i + 1) : base.bytes().length;
      }
    }
    out.copy(base.bytes(), runStart, base.bytes().length - runStart);
    while (next < added.size()) {
      out.entry(added.get(next++));
    }
    return out.toByteArray();
  }

  /**
   * Git's tree order: names compared as bytes, a tree's name as if it ended in '/'. Names in one
   * tree are unique, so the sort is total.
   */
  private static int gitOrder(Entry a, Entry b) {
    return gitOrder(
        a.name(),
        0,
        a.name().length,
        a.mode() == FileMode.TREE,
        b.name(),
        0,
        b.name().length,
        b.mode() == FileMode.TREE);
  }

  private static int gitOrder(Entry a, RawTree base, int i) {
    return gitOrder(
        a.name(),
        0,
        a.name().length,
        a.mode() == FileMode.TREE,
        base.bytes(),
        base.nameStart(i),
        base.nameLength(i),
        base.isTree(i));
  }

  private static int gitOrder(
      byte[] x, int xs, int xn, boolean xTree, byte[] y, int ys, int yn, boolean yTree) {
    int n = Math.min(xn, yn);
    for (int i = 0; i < n; i++) {
      int c = Byte.toUnsignedInt(x[xs + i]) - Byte.toUnsignedInt(y[ys + i]);
      if (c != 0) {
        return c;
      }
    }
    int cx = xn > n ? Byte.toUnsignedInt(x[xs + n]) : xTree ? '/' : 0;
    int cy = yn > n ? Byte.toUnsignedInt(y[ys + n]) : yTree ? '/' : 0;
    return cx - cy;
  }

  /** A tree's bytes being assembled: runs of a base tree's entries copied, new entries written. */
  private static final class TreeBytes {
    private byte[] buffer;
    private int size;

    TreeBytes(int capacity) {
      buffer = new byte[Math.max(capacity, 64)];
    }

    void copy(byte[] from, int start, int length) {
      ensure(length);
      System.arraycopy(from, start, buffer, size, length);
      size += length;
    }

    void entry(Entry entry) {
      ensure(entry.mode().copyToLength() + entry.name().length + 2 + Constants.OBJECT_ID_LENGTH);
      entry.mode().copyTo(buffer, size);
      size += entry.mode().copyToLength();
      buffer[size++] = ' ';
      System.arraycopy(entry.name(), 0, buffer, size, entry.name().length);
      size += entry.name().length;
      buffer[size++] = 0;
      entry.id().copyRawTo(buffer, size);
      size += Constants.OBJECT_ID_LENGTH;
    }

    byte[] toByteArray() {
      return size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
    }

    private void ensure(int more) {
      if (size + more > buffer.length) {
        buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
      }
    }
  }

  /** A name as bytes, for looking up a base tree's names among the edited ones undecoded. */
  private static final class RawName {
    private byte[] bytes;
    private int start;
    private int length;
    private int hash;

    static RawName of(byte[] name) {
      return new RawName().of(name, 0, name.length);
    }

    /** Makes this name the {@code length} bytes at {@code start}: a probe reused per entry. */
    RawName of(byte[] bytes, int start, int length) {
      this.bytes = bytes;
      this.start = start;
      this.length = length;
      int h = 1;
      for (int i = start; i < start + length; i++) {
        h = 31 * h + bytes[i];
      }
      this.hash = h;
      return this;
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof RawName name
          && Arrays.equals(
              bytes, start, start + length, name.bytes, name.start, name.start + name.length);
    }
  }

  /** Where new blobs and trees go: into the object database, or only their ids computed. */
  private interface ObjectSink {
    ObjectId blob(byte[] content) throws IOException;

    ObjectId tree(byte[] tree) throws IOException;

    static ObjectSink inserting(ObjectInserter inserter, LooseTrees trees) {
      return new ObjectSink() {
        @Override
        public ObjectId blob(byte[] content) throws IOException {
          return inserter.insert(Constants.OBJ_BLOB, content);
        }

        @Override
        public ObjectId tree(byte[] tree) throws IOException {
          return trees.insert(tree);
        }
      };
    }

    static ObjectSink computing(ObjectInserter.Formatter formatter) {
      return new ObjectSink() {
        @Override
        public ObjectId blob(byte[] content) {
          return formatter.idFor(Constants.OBJ_BLOB, content);
        }

        @Override
        public ObjectId tree(byte[] tree) {
          return LooseTrees.idFor(tree);
        }
      };
    }
  }

  private static byte[] bytes(String name) {
    return name.getBytes(StandardCharsets.UTF_8);
  }
}
