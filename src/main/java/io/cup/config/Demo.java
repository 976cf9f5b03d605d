package io.cup.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * The {@code --demo} setup: a real Git remote and a resource configuration under {@code
 * <data-dir>/demo/}, so a newcomer gets a working API with nothing to prepare.
 *
 * <ul>
 *   <li>{@code origin.git}: a bare repository (branch {@code main}, HEAD → main) whose seed commit
 *       holds Flipt feature flags and segments in Flipt's declarative format, one {@code
 *       features.yml} per namespace ({@code default} and {@code production});
 *   <li>{@code resources/}: the definitions of {@code Flag} and {@code Segment}, the example WASM
 *       controller {@code flipt} ({@code flipt.wasm}, built from {@code controllers/flipt}) and a
 *       binding for both (the same files as {@code conf/resources/}).
 * </ul>
 *
 * Both are shipped on the classpath under {@code demo/} and created only when absent: a demo that
 * already exists, with the proposals made against it, is reused untouched.
 */
public final class Demo {
  public static final String BRANCH = "main";
  public static final PersonIdent SEED_AUTHOR = new PersonIdent("Cup", "cup@localhost");
  static final String PACKAGED_REPOSITORY = "demo/repository";
  static final String PACKAGED_RESOURCES = "demo/resources";

  private Demo() {}

  /** {@code <data-dir>/demo}. */
  public static Path directory(Path dataDir) {
    return dataDir.resolve("demo");
  }

  /** The bare repository the demo serves. */
  public static Path origin(Path dataDir) {
    return directory(dataDir).resolve("origin.git");
  }

  /** The demo's resource configuration directory. */
  public static Path resources(Path dataDir) {
    return directory(dataDir).resolve("resources");
  }

  /** {@code file:///…/demo/origin.git}, the remote URL the fetcher clones. */
  public static String originUrl(Path dataDir) {
    String uri = origin(dataDir).toAbsolutePath().normalize().toUri().toString();
    return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
  }

  /**
   * Creates the demo repository and resource configuration where they are missing. Each is built in
   * a temporary sibling and moved into place, so an interrupted run leaves nothing half made.
   * Blocking (JGit, file I/O).
   *
   * @return whether the repository was created by this call
   */
  public static boolean prepare(Path dataDir) {
    try {
      Files.createDirectories(directory(dataDir));
      if (!Files.exists(resources(dataDir))) {
        createAtomically(resources(dataDir), Demo::writeResources);
      }
      if (Files.exists(origin(dataDir))) {
        return false;
      }
      createAtomically(origin(dataDir), Demo::writeRepository);
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("creating the demo under " + directory(dataDir), e);
    }
  }

  private interface Writer {
    void write(Path target) throws IOException;
  }

  private static void createAtomically(Path target, Writer writer) throws IOException {
    Path temporary =
        Files.createTempDirectory(target.getParent(), target.getFileName() + ".partial-");
    try {
      writer.write(temporary);
      try {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target);
      }
    } finally {
      deleteTree(temporary);
    }
  }

  private static void writeResources(Path dir) throws IOException {
    for (Map.Entry<String, byte[]> file : PackagedFiles.read(PACKAGED_RESOURCES).entrySet()) {
      Path target = dir.resolve(file.getKey());
      Files.createDirectories(target.getParent());
      Files.write(target, file.getValue());
    }
  }

  /** A bare repository with one seed commit on {@code main}, written without a work tree. */
  private static void writeRepository(Path gitDir) throws IOException {
    try (Repository repository =
        new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setBare().build()) {
      repository.create(true);
      RefUpdate head = repository.updateRef(Constants.HEAD);
      head.link(Constants.R_HEADS + BRANCH);

      ObjectId commit;
      try (ObjectInserter inserter = repository.newObjectInserter()) {
        DirCache index = DirCache.newInCore();
        DirCacheBuilder builder = index.builder();
        for (Map.Entry<String, byte[]> file : PackagedFiles.read(PACKAGED_REPOSITORY).entrySet()) {
          DirCacheEntry entry = new DirCacheEntry(file.getKey());
          entry.setFileMode(FileMode.REGULAR_FILE);
          entry.setObjectId(inserter.insert(Constants.OBJ_BLOB, file.getValue()));
          builder.add(entry);
        }
        builder.finish();
        CommitBuilder seed = new CommitBuilder();
        seed.setTreeId(index.writeTree(inserter));
        seed.setAuthor(SEED_AUTHOR);
        seed.setCommitter(SEED_AUTHOR);
        seed.setMessage(
            "Seed the Cup demo\n\nFlags and segments of a fictional shop in namespaces default"
                + " and production.\n");
        commit = inserter.insert(seed);
        inserter.flush();
      }

      RefUpdate main = repository.updateRef(Constants.R_HEADS + BRANCH);
      main.setNewObjectId(commit);
      main.setExpectedOldObjectId(ObjectId.zeroId());
      main.setRefLogMessage("demo: seed", false);
      RefUpdate.Result result = main.update();
      switch (result) {
        case NEW -> {}
        case FORCED,
            FAST_FORWARD,
            NO_CHANGE,
            LOCK_FAILURE,
            REJECTED,
            REJECTED_CURRENT_BRANCH,
            REJECTED_MISSING_OBJECT,
            REJECTED_OTHER_REASON,
            IO_FAILURE,
            NOT_ATTEMPTED,
            RENAMED ->
            throw new IOException(
                "could not create branch " + BRANCH + " of " + gitDir + ": " + result);
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
