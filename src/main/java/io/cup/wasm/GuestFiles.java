package io.cup.wasm;

import io.cup.bus.FileChange;
import io.cup.git.RevisionView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The guest's file system: the repository tree at one revision as {@code /}, built lazily (a file
 * is looked up by its path, reading only the trees along it; a blob is read when the guest reads
 * the file; a directory is listed when the guest lists it), with a copy-on-write overlay that holds
 * every change the guest makes and turns them into {@link FileChange}s at the end.
 *
 * <p>Nothing here touches the host: there are no symbolic links (Git symlink entries are not part
 * of a {@link RevisionView}, and the guest cannot make one), paths are resolved inside this tree
 * only, and {@code ..} above {@code /} is refused. Read-only views refuse every change with EROFS.
 * Failures are {@link WasiError}s carrying the errno the guest sees.
 */
final class GuestFiles {
  /**
   * The largest repository file a guest may read: a larger one fails the call with 413 naming the
   * file, before anything of it is loaded (the guest could not hold it in its memory anyway).
   */
  static final long MAX_READ_BYTES = 16L * 1024 * 1024;

  private final RevisionView base;
  private final boolean writable;
  private final long maxFileBytes;
  private final Dir root;
  private long fileBytes;
  private long nextInode = 1;

  /**
   * @param maxFileBytes how many bytes the files the guest creates or changes may hold together;
   *     beyond it a write fails with EFBIG
   */
  GuestFiles(RevisionView base, boolean writable, long maxFileBytes) {
    this.base = base;
    this.writable = writable;
    this.maxFileBytes = maxFileBytes;
    this.root = new Dir(this, "");
  }

  /** A failed file-system operation: the errno WASI returns to the guest. */
  static final class WasiError extends RuntimeException {
    final int errno;

    WasiError(int errno) {
      super("errno " + errno, null, false, false);
      this.errno = errno;
    }
  }

  // -- nodes ------------------------------------------------------------------------------------

  /** A file or a directory of the guest's tree. */
  abstract static sealed class Node permits Dir, File {
    final long inode;

    Node(GuestFiles files) {
      this.inode = files.nextInode++;
    }
  }

  /** What the base revision has at a path. */
  private record BaseEntry(Kind kind, RevisionView.Blob blob) {
    enum Kind {
      NONE,
      FILE,
      DIRECTORY
    }

    static final BaseEntry NONE = new BaseEntry(Kind.NONE, null);
    static final BaseEntry DIRECTORY = new BaseEntry(Kind.DIRECTORY, null);
  }

  /** One name in a directory: what the base has there (once known) and what is there now. */
  private static final class Slot {
    BaseEntry base;
    Node current;

    Slot(BaseEntry base, Node current) {
      this.base = base;
      this.current = current;
    }
  }

  /**
   * A directory. One that {@code inheritsBase} stands where the base has a directory and takes
   * every name it has not seen yet from the base; a new directory (or one the guest moved, which is
   * read in full first) knows all its names.
   */
  static final class Dir extends Node {
    private final GuestFiles files;
    private final String basePath;
    private boolean inheritsBase;
    private boolean listed;
    private final Map<String, Slot> slots = new TreeMap<>();

    private Dir(GuestFiles files, String basePath) {
      super(files);
      this.files = files;
      this.basePath = basePath;
      this.inheritsBase = basePath != null;
      this.listed = basePath == null;
    }

    private Slot slot(String name) {
      Slot slot = slots.get(name);
      if (slot == null && inheritsBase && !listed) {
        BaseEntry entry = files.probe(join(basePath, name));
        slot = new Slot(entry, files.nodeFor(entry, join(basePath, name)));
        slots.put(name, slot);
      }
      return slot;
    }

    /** The node called {@code name} here, or null. */
    Node child(String name) {
      Slot slot = slot(name);
      return slot == null ? null : slot.current;
    }

    /** Every name here with its node, in name order. */
    List<Map.Entry<String, Node>> children() {
      listFully();
      List<Map.Entry<String, Node>> children = new ArrayList<>();
      slots.forEach(
          (name, slot) -> {
            if (slot.current != null) {
              children.add(Map.entry(name, slot.current));
            }
          });
      return children;
    }

    private void listFully() {
      if (listed) {
        return;
      }
      for (RevisionView.Entry entry : files.base.list(basePath)) {
        if (!slots.containsKey(entry.name())) {
          String path = join(basePath, entry.name());
          BaseEntry baseEntry =
              entry.directory()
                  ? BaseEntry.DIRECTORY
                  : new BaseEntry(BaseEntry.Kind.FILE, files.lazyBlob(path, entry.id()));
          slots.put(entry.name(), new Slot(baseEntry, files.nodeFor(baseEntry, path)));
        }
      }
      listed = true;
    }

    /** Reads this directory and everything below it, so that it no longer depends on its place. */
    private void detachFromBase() {
      listFully();
      for (Slot slot : slots.values()) {
        if (slot.current instanceof Dir dir) {
          dir.detachFromBase();
        }
      }
      inheritsBase = false;
    }

    private void put(String name, Node node) {
      Slot slot = slot(name);
      if (slot == null) {
        slots.put(name, new Slot(null, node));
      } else {
        slot.current = node;
      }
    }
  }

  /** A regular file: its bytes come from a base blob until the guest changes them. */
  static final class File extends Node {
    private final GuestFiles files;
    private final RevisionView.Blob origin;
    private byte[] data;
    private int size;
    private boolean modified;

    private File(GuestFiles files, RevisionView.Blob origin) {
      super(files);
      this.files = files;
      this.origin = origin;
      if (origin == null) {
        data = new byte[0];
        modified = true;
      }
    }

    private void load() {
      if (data == null) {
        data = origin.bytes(MAX_READ_BYTES);
        size = data.length;
      }
    }

    /** The size, from the blob's header while the guest has not read the file. */
    long size() {
      return data == null ? origin.size() : size;
    }

    /** Up to {@code length} bytes from {@code position}; fewer at the end of the file. */
    byte[] read(long position, int length) {
      load();
      if (position >= size) {
        return new byte[0];
      }
      int from = (int) position;
      return Arrays.copyOfRange(data, from, from + (int) Math.min(length, size - position));
    }

    void write(long position, byte[] bytes) {
      if (position < 0 || position > MAX_FILE - (long) bytes.length) {
        throw new WasiError(Wasi.EFBIG);
      }
      own();
      long end = position + bytes.length;
      if (end > size) {
        grow(end);
      }
      System.arraycopy(bytes, 0, data, (int) position, bytes.length);
    }

    void setSize(long newSize) {
      own();
      if (newSize < size) {
        Arrays.fill(data, (int) newSize, size, (byte) 0);
        files.fileBytes -= size - newSize;
        size = (int) newSize;
      } else if (newSize > size) {
        grow(newSize);
      }
    }

    /** Copy on write: the base bytes are shared (and cached by the view), never changed. */
    private void own() {
      load();
      if (!modified) {
        files.charge(size);
        data = data.clone();
        modified = true;
      }
    }

    private void grow(long newSize) {
      files.charge(newSize - size);
      if (newSize > data.length) {
        data = Arrays.copyOf(data, (int) Math.max(newSize, Math.min(data.length * 2L, MAX_FILE)));
      }
      size = (int) newSize;
    }

    byte[] content() {
      load();
      return Arrays.copyOf(data, size);
    }
  }

  private static final int MAX_FILE = Integer.MAX_VALUE - 16;

  private void charge(long bytes) {
    if (fileBytes + bytes > maxFileBytes || fileBytes + bytes > MAX_FILE) {
      throw new WasiError(Wasi.EFBIG);
    }
    fileBytes += bytes;
  }

  // -- lookups ----------------------------------------------------------------------------------

  Dir root() {
    return root;
  }

  boolean writable() {
    return writable;
  }

  /**
   * {@code raw}, a path the guest gave relative to the directory at {@code dir}, as the segments of
   * a path from {@code /}: "." and empty segments dropped, ".." applied inside the tree.
   *
   * @throws WasiError ENOTCAPABLE for an absolute path or one that climbs above {@code /}, ENOENT
   *     for an empty path, EINVAL for a NUL byte
   */
  static List<String> resolve(List<String> dir, String raw) {
    if (raw.isEmpty()) {
      throw new WasiError(Wasi.ENOENT);
    }
    if (raw.startsWith("/")) {
      throw new WasiError(Wasi.ENOTCAPABLE);
    }
    if (raw.indexOf('\0') >= 0) {
      throw new WasiError(Wasi.EINVAL);
    }
    List<String> path = new ArrayList<>(dir);
    for (String segment : raw.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        if (path.isEmpty()) {
          throw new WasiError(Wasi.ENOTCAPABLE);
        }
        path.remove(path.size() - 1);
      } else {
        path.add(segment);
      }
    }
    return path;
  }

  /** The node at {@code path}, or null when its last segment does not exist. */
  Node lookup(List<String> path) {
    Node node = root;
    for (String segment : path) {
      if (node == null) {
        throw new WasiError(Wasi.ENOENT);
      }
      if (!(node instanceof Dir dir)) {
        throw new WasiError(Wasi.ENOTDIR);
      }
      node = dir.child(segment);
    }
    return node;
  }

  /** The node at {@code path}; ENOENT when there is none. */
  Node existing(List<String> path) {
    Node node = lookup(path);
    if (node == null) {
      throw new WasiError(Wasi.ENOENT);
    }
    return node;
  }

  /** The directory holding {@code path} (which must not be {@code /}). */
  private Dir parent(List<String> path) {
    if (path.isEmpty()) {
      throw new WasiError(Wasi.EBUSY);
    }
    Node parent = existing(path.subList(0, path.size() - 1));
    if (!(parent instanceof Dir dir)) {
      throw new WasiError(Wasi.ENOTDIR);
    }
    return dir;
  }

  private static String last(List<String> path) {
    return path.get(path.size() - 1);
  }

  // -- changes ----------------------------------------------------------------------------------

  private void requireWritable() {
    if (!writable) {
      throw new WasiError(Wasi.EROFS);
    }
  }

  /** Checks a name the guest creates: one a Git tree can hold outside {@code .git}. */
  private static String creatable(String name) {
    if (name.equalsIgnoreCase(".git") || name.indexOf('\\') >= 0) {
      throw new WasiError(Wasi.EPERM);
    }
    if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
      throw new WasiError(Wasi.ENAMETOOLONG);
    }
    return name;
  }

  /**
   * Opens the file at {@code path} as path_open does with {@code oflags}; {@code writes} tells
   * whether the descriptor will write. Returns the file or directory opened.
   */
  Node open(List<String> path, int oflags, boolean writes) {
    boolean create = (oflags & Wasi.O_CREAT) != 0;
    boolean truncate = (oflags & Wasi.O_TRUNC) != 0;
    if ((create || truncate || writes) && !writable) {
      Node existing = lookup(path);
      if (existing == null && !create) {
        throw new WasiError(Wasi.ENOENT);
      }
      throw new WasiError(existing instanceof Dir && !create ? Wasi.EISDIR : Wasi.EROFS);
    }
    Node node = lookup(path);
    if (node == null) {
      if (!create) {
        throw new WasiError(Wasi.ENOENT);
      }
      if ((oflags & Wasi.O_DIRECTORY) != 0) {
        throw new WasiError(Wasi.EINVAL);
      }
      Dir dir = parent(path);
      File file = new File(this, null);
      dir.put(creatable(last(path)), file);
      return file;
    }
    if (create && (oflags & Wasi.O_EXCL) != 0) {
      throw new WasiError(Wasi.EEXIST);
    }
    if (node instanceof Dir) {
      if (writes || truncate) {
        throw new WasiError(Wasi.EISDIR);
      }
      return node;
    }
    if ((oflags & Wasi.O_DIRECTORY) != 0) {
      throw new WasiError(Wasi.ENOTDIR);
    }
    if (truncate) {
      ((File) node).setSize(0);
    }
    return node;
  }

  void createDirectory(List<String> path) {
    requireWritable();
    if (path.isEmpty() || lookup(path) != null) {
      throw new WasiError(Wasi.EEXIST);
    }
    Dir dir = parent(path);
    dir.put(creatable(last(path)), new Dir(this, null));
  }

  void removeDirectory(List<String> path) {
    requireWritable();
    Node node = existing(path);
    if (!(node instanceof Dir dir)) {
      throw new WasiError(Wasi.ENOTDIR);
    }
    if (path.isEmpty()) {
      throw new WasiError(Wasi.EBUSY);
    }
    if (!dir.children().isEmpty()) {
      throw new WasiError(Wasi.ENOTEMPTY);
    }
    parent(path).put(last(path), null);
  }

  void unlinkFile(List<String> path) {
    requireWritable();
    Node node = existing(path);
    if (node instanceof Dir) {
      throw new WasiError(Wasi.EISDIR);
    }
    parent(path).put(last(path), null);
  }

  void rename(List<String> from, List<String> to) {
    requireWritable();
    Node node = existing(from);
    if (from.isEmpty() || to.isEmpty()) {
      throw new WasiError(Wasi.EBUSY);
    }
    if (from.equals(to)) {
      return;
    }
    Dir target = parent(to);
    Node replaced = lookup(to);
    if (node instanceof Dir dir) {
      if (to.size() > from.size() && to.subList(0, from.size()).equals(from)) {
        throw new WasiError(Wasi.EINVAL);
      }
      if (replaced instanceof File) {
        throw new WasiError(Wasi.ENOTDIR);
      }
      if (replaced instanceof Dir other && !other.children().isEmpty()) {
        throw new WasiError(Wasi.ENOTEMPTY);
      }
      dir.detachFromBase();
    } else if (replaced instanceof Dir) {
      throw new WasiError(Wasi.EISDIR);
    }
    String name = creatable(last(to));
    parent(from).put(last(from), null);
    target.put(name, node);
  }

  /**
   * Every difference between the base revision and the tree now, in path order: an upsert for each
   * file created or whose bytes changed, a delete for each base file that is gone (also the files
   * of a removed directory). Empty directories are not recorded: Git has none.
   */
  List<FileChange> changes() {
    List<FileChange> changes = new ArrayList<>();
    diff(root, "", changes);
    return changes;
  }

  private void diff(Dir dir, String path, List<FileChange> changes) {
    if (!dir.inheritsBase) {
      // a new or moved directory knows all its names: base files it lacks are gone
      for (RevisionView.Entry entry : base.list(path)) {
        if (!dir.slots.containsKey(entry.name())) {
          removed(join(path, entry.name()), entry.directory(), changes);
        }
      }
    }
    for (Map.Entry<String, Slot> named : dir.slots.entrySet()) {
      String childPath = join(path, named.getKey());
      Slot slot = named.getValue();
      if (slot.base == null) {
        slot.base = probe(childPath);
      }
      BaseEntry was = slot.base;
      Node now = slot.current;
      if (now == null) {
        if (was.kind() != BaseEntry.Kind.NONE) {
          removed(childPath, was.kind() == BaseEntry.Kind.DIRECTORY, changes);
        }
      } else if (now instanceof File file) {
        if (was.kind() == BaseEntry.Kind.DIRECTORY) {
          removed(childPath, true, changes);
        }
        if (!sameContent(file, was)) {
          changes.add(FileChange.upsert(childPath, file.content()));
        }
      } else {
        if (was.kind() == BaseEntry.Kind.FILE) {
          changes.add(FileChange.delete(childPath));
        }
        diff((Dir) now, childPath, changes);
      }
    }
  }

  private static boolean sameContent(File file, BaseEntry was) {
    if (was.kind() != BaseEntry.Kind.FILE) {
      return false;
    }
    if (!file.modified && file.origin != null && file.origin.id().equals(was.blob().id())) {
      return true;
    }
    return file.content().length == was.blob().size()
        && Arrays.equals(file.content(), was.blob().bytes(MAX_READ_BYTES));
  }

  /** Deletes for the base file at {@code path}, or every base file below the directory there. */
  private void removed(String path, boolean directory, List<FileChange> changes) {
    if (!directory) {
      changes.add(FileChange.delete(path));
      return;
    }
    for (RevisionView.Entry entry : base.list(path)) {
      removed(join(path, entry.name()), entry.directory(), changes);
    }
  }

  // -- base -------------------------------------------------------------------------------------

  private BaseEntry probe(String path) {
    Optional<RevisionView.Blob> blob = base.file(path);
    if (blob.isPresent()) {
      return new BaseEntry(BaseEntry.Kind.FILE, blob.get());
    }
    return base.list(path).isEmpty() ? BaseEntry.NONE : BaseEntry.DIRECTORY;
  }

  private Node nodeFor(BaseEntry entry, String path) {
    return switch (entry.kind()) {
      case NONE -> null;
      case FILE -> new File(this, entry.blob());
      case DIRECTORY -> new Dir(this, path);
    };
  }

  /** A base blob known by id from a listing; its bytes are looked up only when read. */
  private RevisionView.Blob lazyBlob(String path, String id) {
    return new RevisionView.Blob() {
      private RevisionView.Blob blob;

      @Override
      public String id() {
        return id;
      }

      @Override
      public long size() {
        return blob().size();
      }

      @Override
      public byte[] bytes(long maxBytes) {
        return blob().bytes(maxBytes);
      }

      private RevisionView.Blob blob() {
        if (blob == null) {
          blob =
              base.file(path)
                  .orElseThrow(() -> new IllegalStateException("blob of " + path + " vanished"));
        }
        return blob;
      }
    };
  }

  private static String join(String dir, String name) {
    return dir.isEmpty() ? name : dir + "/" + name;
  }

  @Override
  public String toString() {
    return "GuestFiles[" + base.commit() + (writable ? " writable" : " read-only") + "]";
  }
}
