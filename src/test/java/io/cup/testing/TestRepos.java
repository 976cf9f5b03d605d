package io.cup.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Real bare repositories for tests, written with JGit at the object level (no work tree): create
 * one with a seed commit on {@code main}, add commits as if someone else pushed, read refs and
 * files back, and check the result with {@code git fsck}.
 *
 * <pre>{@code
 * Path remote = TestRepos.createBare(base.resolve("flags.git"), Map.of("a.json", "{}"));
 * ObjectId next = TestRepos.commit(remote, "main", Map.of("b.json", "{}"), Set.of("a.json"), "x");
 * assertThat(TestRepos.fsck(remote).ok()).isTrue();
 * }</pre>
 */
public final class TestRepos {
  /** The branch seeded by {@link #createBare}. */
  public static final String MAIN = "main";

  private static final PersonIdent SOMEONE_ELSE =
      new PersonIdent("Someone Else", "someone@example.test");

  private TestRepos() {}

  /** The outcome of {@code git fsck --full --strict}. */
  public record Fsck(int exitCode, String output) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  /**
   * Creates a bare repository at {@code dir} whose {@code HEAD} points at {@code main}, with one
   * commit holding {@code files} (path → UTF-8 content). Returns {@code dir}.
   */
  public static Path createBare(Path dir, Map<String, String> files) {
    return createBare(dir, MAIN, files);
  }

  /** As {@link #createBare(Path, Map)}, seeding (and pointing HEAD at) branch {@code branch}. */
  public static Path createBare(Path dir, String branch, Map<String, String> files) {
    try (Repository repo = FileRepositoryBuilder.create(dir.toFile())) {
      repo.create(true);
      RefUpdate head = repo.getRefDatabase().newUpdate(Constants.HEAD, false);
      head.link(Constants.R_HEADS + branch);
      writeCommit(repo, branch, null, files, Set.of(), "seed");
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create bare repository " + dir, e);
    }
  }

  /** Creates an empty bare repository (no commit, HEAD → main) at {@code dir}. */
  public static Path createEmptyBare(Path dir) {
    try (Repository repo = FileRepositoryBuilder.create(dir.toFile())) {
      repo.create(true);
      repo.getRefDatabase().newUpdate(Constants.HEAD, false).link(Constants.R_HEADS + MAIN);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create bare repository " + dir, e);
    }
  }

  /**
   * "Someone else pushed": a commit on top of {@code branch} (created from nothing if missing) that
   * writes {@code upserts} (path → UTF-8 content) and removes {@code deletes}. Returns the new
   * commit id.
   */
  public static ObjectId commit(
      Path repoDir,
      String branch,
      Map<String, String> upserts,
      Set<String> deletes,
      String message) {
    try (Repository repo = open(repoDir)) {
      Ref ref = repo.exactRef(Constants.R_HEADS + branch);
      return writeCommit(
          repo, branch, ref == null ? null : ref.getObjectId(), upserts, deletes, message);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot commit to " + branch + " in " + repoDir, e);
    }
  }

  /** Shorthand: a commit on {@code branch} that only writes {@code upserts}. */
  public static ObjectId commit(Path repoDir, String branch, Map<String, String> upserts) {
    return commit(
        repoDir, branch, upserts, Set.of(), "update " + String.join(", ", upserts.keySet()));
  }

  /** Points {@code branch} at {@code commit} (creating it; forced), as a push of a branch would. */
  public static void setBranch(Path repoDir, String branch, ObjectId commit) {
    try (Repository repo = open(repoDir)) {
      RefUpdate update = repo.updateRef(Constants.R_HEADS + branch);
      update.setNewObjectId(commit);
      update.setForceUpdate(true);
      RefUpdate.Result result = update.update();
      if (!isSuccess(result)) {
        throw new IllegalStateException("cannot set " + branch + ": " + result);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot set " + branch + " in " + repoDir, e);
    }
  }

  /** Deletes ref {@code refName} (for example {@code refs/heads/x}) from the repository. */
  public static void deleteRef(Path repoDir, String refName) {
    try (Repository repo = open(repoDir)) {
      RefUpdate update = repo.updateRef(refName);
      update.setForceUpdate(true);
      RefUpdate.Result result = update.delete();
      if (!isSuccess(result)) {
        throw new IllegalStateException("cannot delete " + refName + ": " + result);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + refName + " in " + repoDir, e);
    }
  }

  /** Every ref of the repository (full name → object id), sorted by name; HEAD excluded. */
  public static Map<String, ObjectId> refs(Path repoDir) {
    try (Repository repo = open(repoDir)) {
      Map<String, ObjectId> refs = new TreeMap<>();
      for (Ref ref : repo.getRefDatabase().getRefs()) {
        if (ref.getObjectId() != null) {
          refs.put(ref.getName(), ref.getObjectId());
        }
      }
      return refs;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read refs of " + repoDir, e);
    }
  }

  /** The commit {@code refName} (full name, or short branch name) points at, or null. */
  public static ObjectId ref(Path repoDir, String refName) {
    try (Repository repo = open(repoDir)) {
      Ref ref = repo.findRef(refName);
      return ref == null ? null : ref.getObjectId();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + refName + " of " + repoDir, e);
    }
  }

  /** A file's UTF-8 content at {@code revision} (any rev-parse expression), or null if missing. */
  public static String read(Path repoDir, String revision, String path) {
    return files(repoDir, revision).get(path);
  }

  /** Every file at {@code revision} (path → UTF-8 content), sorted by path. */
  public static Map<String, String> files(Path repoDir, String revision) {
    try (Repository repo = open(repoDir);
        RevWalk walk = new RevWalk(repo)) {
      ObjectId id = repo.resolve(revision);
      if (id == null) {
        throw new IllegalArgumentException("no revision " + revision + " in " + repoDir);
      }
      RevCommit commit = walk.parseCommit(id);
      Map<String, String> files = new TreeMap<>();
      try (TreeWalk tree = new TreeWalk(repo)) {
        tree.addTree(commit.getTree());
        tree.setRecursive(true);
        while (tree.next()) {
          byte[] bytes = repo.open(tree.getObjectId(0)).getBytes();
          files.put(tree.getPathString(), new String(bytes, StandardCharsets.UTF_8));
        }
      }
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + revision + " of " + repoDir, e);
    }
  }

  /** The commit message and parents of {@code revision}, for assertions on history. */
  public static RevCommit parseCommit(Path repoDir, String revision) {
    try (Repository repo = open(repoDir);
        RevWalk walk = new RevWalk(repo)) {
      ObjectId id = repo.resolve(revision);
      if (id == null) {
        throw new IllegalArgumentException("no revision " + revision + " in " + repoDir);
      }
      RevCommit commit = walk.parseCommit(id);
      walk.parseBody(commit);
      return commit;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + revision + " of " + repoDir, e);
    }
  }

  /**
   * Runs the git command line on the repository {@code gitDir} ({@code git --git-dir gitDir args…},
   * no input) and returns its output (standard output and error).
   *
   * @throws IllegalStateException when git exits with another code than 0, naming its output
   */
  public static String gitCli(Path gitDir, String... args) {
    List<String> command =
        new java.util.ArrayList<>(List.of("git", "--git-dir", gitDir.toString()));
    command.addAll(List.of(args));
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      String output;
      try (InputStream in = process.getInputStream()) {
        output = readAll(in);
      }
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("git " + String.join(" ", args) + " did not finish");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "git " + String.join(" ", args) + " exited " + process.exitValue() + ": " + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run git " + String.join(" ", args), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running git", e);
    }
  }

  /**
   * Runs {@code git fsck --full --strict} in {@code repoDir} and returns its exit code and output.
   */
  public static Fsck fsck(Path repoDir) {
    Process process = null;
    try {
      process =
          new ProcessBuilder("git", "fsck", "--full", "--strict", "--no-progress")
              .directory(repoDir.toFile())
              .redirectErrorStream(true)
              .start();
      process.getOutputStream().close();
      String output;
      try (InputStream in = process.getInputStream()) {
        output = readAll(in);
      }
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("git fsck did not finish in " + repoDir);
      }
      return new Fsck(process.exitValue(), output);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run git fsck in " + repoDir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running git fsck", e);
    } finally {
      if (process != null && process.isAlive()) {
        process.destroyForcibly();
      }
    }
  }

  /** Opens an existing repository (bare or not) at {@code repoDir}; the caller closes it. */
  public static Repository open(Path repoDir) throws IOException {
    Path gitDir = Files.isDirectory(repoDir.resolve(".git")) ? repoDir.resolve(".git") : repoDir;
    FileRepository repo = new FileRepository(gitDir.toFile());
    if (!repo.getObjectDatabase().exists()) {
      repo.close();
      throw new IOException("no repository at " + repoDir);
    }
    return repo;
  }

  // -- object-level commit --------------------------------------------------------------------

  private static ObjectId writeCommit(
      Repository repo,
      String branch,
      ObjectId parent,
      Map<String, String> upserts,
      Collection<String> deletes,
      String message)
      throws IOException {
    Objects.requireNonNull(upserts, "upserts");
    Objects.requireNonNull(deletes, "deletes");
    Map<String, ObjectId> blobs = new TreeMap<>();
    Map<String, FileMode> modes = new LinkedHashMap<>();
    try (ObjectInserter inserter = repo.newObjectInserter();
        ObjectReader reader = repo.newObjectReader();
        RevWalk walk = new RevWalk(reader)) {
      if (parent != null) {
        RevCommit parentCommit = walk.parseCommit(parent);
        try (TreeWalk tree = new TreeWalk(reader)) {
          tree.addTree(parentCommit.getTree());
          tree.setRecursive(true);
          while (tree.next()) {
            blobs.put(tree.getPathString(), tree.getObjectId(0));
            modes.put(tree.getPathString(), tree.getFileMode(0));
          }
        }
      }
      for (String path : deletes) {
        blobs.remove(path);
      }
      for (Map.Entry<String, String> file : upserts.entrySet()) {
        byte[] bytes = file.getValue().getBytes(StandardCharsets.UTF_8);
        blobs.put(file.getKey(), inserter.insert(Constants.OBJ_BLOB, bytes));
        modes.putIfAbsent(file.getKey(), FileMode.REGULAR_FILE);
      }
      DirCache index = DirCache.newInCore();
      DirCacheBuilder builder = index.builder();
      for (Map.Entry<String, ObjectId> blob : blobs.entrySet()) {
        DirCacheEntry entry = new DirCacheEntry(blob.getKey());
        entry.setFileMode(modes.getOrDefault(blob.getKey(), FileMode.REGULAR_FILE));
        entry.setObjectId(blob.getValue());
        builder.add(entry);
      }
      builder.finish();
      ObjectId tree = index.writeTree(inserter);

      PersonIdent ident = new PersonIdent(SOMEONE_ELSE, Instant.now(), ZoneOffset.UTC);
      CommitBuilder commit = new CommitBuilder();
      commit.setTreeId(tree);
      if (parent != null) {
        commit.setParentIds(List.of(parent));
      }
      commit.setAuthor(ident);
      commit.setCommitter(ident);
      commit.setMessage(message + "\n");
      ObjectId commitId = inserter.insert(commit);
      inserter.flush();

      RefUpdate update = repo.updateRef(Constants.R_HEADS + branch);
      update.setNewObjectId(commitId);
      update.setExpectedOldObjectId(parent == null ? ObjectId.zeroId() : parent);
      RefUpdate.Result result = update.update();
      if (!isSuccess(result)) {
        throw new IllegalStateException(
            "cannot move " + branch + " to " + commitId.name() + ": " + result);
      }
      return commitId;
    }
  }

  private static boolean isSuccess(RefUpdate.Result result) {
    return switch (result) {
      case NEW, FORCED, FAST_FORWARD, NO_CHANGE -> true;
      default -> false;
    };
  }

  private static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toString(StandardCharsets.UTF_8);
  }
}
