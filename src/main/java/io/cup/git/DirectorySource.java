package io.cup.git;

import io.cup.bus.FileChange;
import io.cup.bus.SourceKind;
import io.cup.config.ServerConfig;
import io.cup.status.StatusException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectInserter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain local directory as the served repository ({@code --api-source local}, the directory
 * {@link ServerConfig#localPath()}). It has no revisions: every view shows the directory as it is
 * now, with commit id {@value #COMMIT}. File ids are Git blob ids of the bytes, so caches keyed by
 * blob id work the same as for a Git source; directories have no id ({@code null}).
 *
 * <p>Nothing outside the directory is ever read or written: paths are checked lexically, symbolic
 * links are followed only when they stay inside the directory, and a {@code .git} directory is
 * never served. Writes ({@link #apply}) replace each file atomically (temporary file + rename). All
 * methods block: call them from worker threads only.
 */
public final class DirectorySource implements Source {
  /** The commit id of every view of a directory. */
  public static final String COMMIT = "local";

  private static final Logger LOG = LoggerFactory.getLogger(DirectorySource.class);

  private final Path root;

  private DirectorySource(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** The source for {@link ServerConfig#localPath()}; does no I/O. */
  public static DirectorySource create(ServerConfig cfg) {
    String path = cfg.localPath();
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException("no local directory configured (--api-local-path)");
    }
    return of(Paths.get(path));
  }

  /** The source for directory {@code root}; does no I/O. */
  public static DirectorySource of(Path root) {
    return new DirectorySource(Objects.requireNonNull(root, "root"));
  }

  @Override
  public SourceKind kind() {
    return SourceKind.LOCAL;
  }

  /** The served directory (absolute, as configured). */
  public Path root() {
    return root;
  }

  /** Whether the directory exists. */
  public boolean exists() {
    return Files.isDirectory(root);
  }

  /**
   * A view of the directory as it is now. A non-empty {@code revision} is 400 (a directory has no
   * revisions); a missing directory is 503.
   */
  @Override
  public RevisionView view(String revision) {
    if (revision != null && !revision.isBlank()) {
      throw StatusException.badRequest(
          "a local directory source has no revisions (revision " + revision.strip() + ")");
    }
    return new DirectoryView(realRoot());
  }

  /**
   * Writes {@code changes} in place: each file is replaced atomically (written to a temporary file
   * beside it, then renamed), parent directories are created as needed; a delete removes the file
   * and every parent directory it leaves empty, up to (not including) the root. Deleting a missing
   * file does nothing. A path that is invalid or would leave the directory is 400 and nothing is
   * written; a directory where a file should go (or the reverse) is 409.
   */
  public synchronized void apply(List<FileChange> changes) {
    Objects.requireNonNull(changes, "changes");
    for (FileChange change : changes) {
      if (RepositoryPath.file(change.path()).isEmpty()) {
        throw StatusException.badRequest("invalid path " + change.path() + " in the change set");
      }
    }
    Path realRoot = realRoot();
    for (FileChange change : changes) {
      try {
        if (change.isDelete()) {
          delete(realRoot, change.path());
        } else {
          write(realRoot, change.path(), change.content());
        }
      } catch (FileAlreadyExistsException | NotDirectoryException e) {
        throw StatusException.conflict(
            "cannot write " + change.path() + ": a file is in the way of a directory it needs");
      } catch (IOException e) {
        throw StatusException.internal("cannot write " + change.path() + " in " + root, e);
      }
    }
  }

  @Override
  public String toString() {
    return "DirectorySource[" + root + "]";
  }

  // -- writes ----------------------------------------------------------------------------------

  private static void write(Path realRoot, String path, byte[] content) throws IOException {
    String[] segments = path.split("/");
    Path realParent = realRoot;
    // Descend one segment at a time so that nothing is created through a link leading outside.
    for (int i = 0; i < segments.length - 1; i++) {
      Path next = realParent.resolve(segments[i]);
      if (Files.notExists(next, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(next);
        realParent = next;
      } else {
        realParent = inside(realRoot, next, path);
        if (!Files.isDirectory(realParent)) {
          throw new NotDirectoryException(next.toString());
        }
      }
    }
    String name = segments[segments.length - 1];
    Path destination = realParent.resolve(name);
    if (Files.isDirectory(destination, LinkOption.NOFOLLOW_LINKS)) {
      throw StatusException.conflict("cannot write " + path + ": it is a directory");
    }
    Path temp = Files.createTempFile(realParent, "." + name + ".", ".tmp");
    try {
      Files.write(temp, content);
      Files.move(
          temp, destination, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void delete(Path realRoot, String path) throws IOException {
    Path target = realRoot.resolve(path).normalize();
    Path parent = target.getParent();
    if (!Files.isDirectory(parent)) {
      return;
    }
    Path realParent = inside(realRoot, parent, path);
    Path victim = realParent.resolve(target.getFileName().toString());
    if (Files.isDirectory(victim, LinkOption.NOFOLLOW_LINKS)) {
      throw StatusException.conflict("cannot delete " + path + ": it is a directory");
    }
    if (!Files.deleteIfExists(victim)) {
      return;
    }
    for (Path dir = realParent; !dir.equals(realRoot); dir = dir.getParent()) {
      if (!isEmptyDirectory(dir)) {
        break;
      }
      Files.delete(dir);
    }
  }

  /** The real path of {@code dir}, which must be inside {@code realRoot}; 400 otherwise. */
  private static Path inside(Path realRoot, Path dir, String path) throws IOException {
    Path real = dir.toRealPath();
    if (!real.startsWith(realRoot)) {
      throw StatusException.badRequest("path " + path + " leads outside the served directory");
    }
    return real;
  }

  private static boolean isEmptyDirectory(Path dir) throws IOException {
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
      return !children.iterator().hasNext();
    }
  }

  private Path realRoot() {
    try {
      Path real = root.toRealPath();
      if (!Files.isDirectory(real)) {
        throw StatusException.unavailable("the local source " + root + " is not a directory", null);
      }
      return real;
    } catch (NoSuchFileException e) {
      throw StatusException.unavailable(
          "the local source directory " + root + " does not exist", e);
    } catch (IOException e) {
      throw StatusException.unavailable("cannot open the local source directory " + root, e);
    }
  }

  /** The Git blob id of {@code bytes}: what {@code git hash-object} prints for that content. */
  static String blobId(byte[] bytes) {
    return new ObjectInserter.Formatter().idFor(Constants.OBJ_BLOB, bytes).name();
  }

  // -- reads -----------------------------------------------------------------------------------

  /** The directory at the time of each call; "resolved" only in that its root is fixed. */
  static final class DirectoryView implements RevisionView {
    /** Git's order of tree entries: by name bytes, a directory compared as "name/". */
    private static final Comparator<Entry> GIT_ORDER =
        Comparator.comparing(
            (Entry e) -> e.name() + (e.directory() ? "/" : ""),
            (a, b) ->
                compareBytes(
                    a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));

    private final Path realRoot;

    DirectoryView(Path realRoot) {
      this.realRoot = realRoot;
    }

    @Override
    public String commit() {
      return COMMIT;
    }

    @Override
    public Optional<Blob> file(String path) {
      return RepositoryPath.file(path)
          .flatMap(this::resolve)
          .filter(Files::isRegularFile)
          .map(real -> new LocalBlob(real, path));
    }

    @Override
    public List<Entry> list(String dir) {
      Optional<Path> directory =
          RepositoryPath.directory(dir).flatMap(this::resolve).filter(Files::isDirectory);
      if (directory.isEmpty()) {
        return List.of();
      }
      List<Entry> entries = new ArrayList<>();
      try (DirectoryStream<Path> children = Files.newDirectoryStream(directory.get())) {
        for (Path child : children) {
          String name = child.getFileName().toString();
          if (name.equalsIgnoreCase(".git")) {
            continue;
          }
          Optional<Path> real = real(child);
          if (real.isEmpty()) {
            continue;
          }
          if (Files.isDirectory(real.get())) {
            entries.add(new Entry(name, true, null));
          } else if (Files.isRegularFile(real.get())) {
            entries.add(new Entry(name, false, blobId(Files.readAllBytes(real.get()))));
          }
        }
      } catch (IOException e) {
        throw StatusException.internal("cannot list " + dir + " of the local source", e);
      }
      entries.sort(GIT_ORDER);
      return List.copyOf(entries);
    }

    /** When the file at {@code path} was last modified, when it is a file inside the root. */
    Optional<Instant> modified(String path) {
      return RepositoryPath.file(path)
          .flatMap(this::resolve)
          .filter(Files::isRegularFile)
          .flatMap(
              real -> {
                try {
                  return Optional.of(Files.getLastModifiedTime(real).toInstant());
                } catch (IOException e) {
                  return Optional.empty();
                }
              });
    }

    /** The real path of a valid relative {@code path}, when it exists inside the root. */
    private Optional<Path> resolve(String path) {
      return real(path.isEmpty() ? realRoot : realRoot.resolve(path));
    }

    private Optional<Path> real(Path path) {
      try {
        Path real = path.toRealPath();
        if (!real.startsWith(realRoot)) {
          LOG.debug("{} leads outside {}; not served", path, realRoot);
          return Optional.empty();
        }
        return Optional.of(real);
      } catch (IOException e) {
        return Optional.empty();
      }
    }

    @Override
    public String toString() {
      return "DirectoryView[" + realRoot + "]";
    }

    private static int compareBytes(byte[] a, byte[] b) {
      int n = Math.min(a.length, b.length);
      for (int i = 0; i < n; i++) {
        int c = Integer.compare(a[i] & 0xff, b[i] & 0xff);
        if (c != 0) {
          return c;
        }
      }
      return Integer.compare(a.length, b.length);
    }
  }

  /**
   * A file read once, on first use, within the reader's limit; its id is the Git blob id of its
   * bytes, hashed as a stream (a large file is never held to name it).
   */
  private static final class LocalBlob implements RevisionView.Blob {
    private final Path file;
    private final String path;
    private byte[] bytes;
    private String id;

    LocalBlob(Path file, String path) {
      this.file = file;
      this.path = path;
    }

    @Override
    public synchronized String id() {
      if (id == null) {
        if (bytes != null) {
          id = blobId(bytes);
        } else {
          try (java.io.InputStream in = Files.newInputStream(file)) {
            id =
                new ObjectInserter.Formatter()
                    .idFor(Constants.OBJ_BLOB, Files.size(file), in)
                    .name();
          } catch (NoSuchFileException e) {
            throw removed();
          } catch (IOException e) {
            throw unreadable(e);
          }
        }
      }
      return id;
    }

    @Override
    public synchronized long size() {
      if (bytes != null) {
        return bytes.length;
      }
      try {
        return Files.size(file);
      } catch (NoSuchFileException e) {
        throw removed();
      } catch (IOException e) {
        throw unreadable(e);
      }
    }

    @Override
    public synchronized byte[] bytes(long maxBytes) {
      long length = size();
      if (length > maxBytes) {
        throw RevisionView.tooLarge(path, length, maxBytes);
      }
      if (bytes == null) {
        try {
          bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
          throw removed();
        } catch (IOException e) {
          throw unreadable(e);
        }
        if (bytes.length > maxBytes) { // it grew meanwhile
          long read = bytes.length;
          bytes = null;
          throw RevisionView.tooLarge(path, read, maxBytes);
        }
        id = blobId(bytes);
      }
      return bytes;
    }

    private StatusException removed() {
      return StatusException.notFound("file " + path + " was removed while being read");
    }

    private StatusException unreadable(IOException e) {
      return StatusException.internal("cannot read " + path + " of the local source", e);
    }

    @Override
    public String toString() {
      return "LocalBlob[" + path + "]";
    }
  }
}
