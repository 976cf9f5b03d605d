package io.cup.git;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cup.bus.FileChange;
import io.cup.status.StatusException;
import io.cup.testing.TestRepos;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(120)
class CommitWriterTest {
  private static final PersonIdent AUTHOR = new PersonIdent("Cup Test", "cup@test.invalid");

  @TempDir Path dir;
  private Repository repository;
  private CommitWriter writer;

  @BeforeEach
  void init() throws Exception {
    repository = Git.init().setBare(true).setDirectory(dir.toFile()).call().getRepository();
    writer = new CommitWriter(repository);
  }

  @AfterEach
  void close() {
    repository.close();
  }

  @Test
  void addsModifiesAndDeletesFilesOnTopOfTheBase() throws Exception {
    ObjectId base =
        seed(Map.of("a.txt", "a\n", "dir/b.txt", "b\n", "dir/c.txt", "c\n", "z/keep", "k\n"));

    CommitWriter.Result result =
        writer.commit(
            base,
            List.of(
                FileChange.upsert("a.txt", bytes("a2\n")),
                FileChange.upsert("dir/new.txt", bytes("new\n")),
                FileChange.delete("dir/c.txt")),
            AUTHOR,
            AUTHOR,
            "feat: update things");

    assertThat(result.changed()).isTrue();
    assertThat(files(result.commit()))
        .containsExactlyEntriesOf(
            sorted(
                Map.of(
                    "a.txt", "a2\n", "dir/b.txt", "b\n", "dir/new.txt", "new\n", "z/keep", "k\n")));
    try (RevWalk walk = new RevWalk(repository)) {
      RevCommit commit = walk.parseCommit(result.commit());
      assertThat(commit.getParents()).extracting(RevCommit::getId).containsExactly(base);
      assertThat(commit.getFullMessage()).isEqualTo("feat: update things");
      assertThat(commit.getAuthorIdent().getEmailAddress()).isEqualTo("cup@test.invalid");
      assertThat(commit.getTree().getId()).isEqualTo(result.tree());
    }
    assertThat(gitCli("ls-tree", "-r", "--name-only", result.commit().name()))
        .isEqualTo("a.txt\ndir/b.txt\ndir/new.txt\nz/keep\n");
    fsck();
  }

  @Test
  void createsNestedNewDirectories() throws Exception {
    ObjectId base = seed(Map.of("README", "r\n"));

    CommitWriter.Result result =
        writer.commit(
            base,
            List.of(FileChange.upsert("x/y/z/flag.json", bytes("{}\n"))),
            AUTHOR,
            AUTHOR,
            "add");

    assertThat(files(result.commit()))
        .containsExactlyEntriesOf(sorted(Map.of("README", "r\n", "x/y/z/flag.json", "{}\n")));
    fsck();
  }

  @Test
  void deletingTheLastFileOfADirectoryRemovesTheDirectory() throws Exception {
    ObjectId base = seed(Map.of("keep.txt", "k\n", "gone/deeper/only.txt", "o\n"));

    CommitWriter.Result result =
        writer.commit(
            base, List.of(FileChange.delete("gone/deeper/only.txt")), AUTHOR, AUTHOR, "remove");

    assertThat(gitCli("ls-tree", "-r", "-t", "--name-only", result.commit().name()))
        .isEqualTo("keep.txt\n");
    fsck();
  }

  @Test
  void deletingEveryFileLeavesTheEmptyTree() throws Exception {
    ObjectId base = seed(Map.of("only/file", "x\n"));

    CommitWriter.Result result =
        writer.commit(base, List.of(FileChange.delete("only/file")), AUTHOR, AUTHOR, "empty");

    assertThat(result.tree().name()).isEqualTo(Constants.EMPTY_TREE_ID.name());
    fsck();
  }

  @Test
  void sameBytesAndMissingDeletesLeaveTheTreeUnchanged() throws Exception {
    ObjectId base = seed(Map.of("a.txt", "a\n", "dir/b.txt", "b\n"));
    List<FileChange> noOps =
        List.of(
            FileChange.upsert("dir/b.txt", bytes("b\n")),
            FileChange.delete("missing.txt"),
            FileChange.delete("dir/missing/deeper.txt"));

    CommitWriter.Result result = writer.commit(base, noOps, AUTHOR, AUTHOR, "nothing");

    assertThat(result.changed()).isFalse();
    assertThat(result.commit()).isEqualTo(base);
    assertThat(writer.changesTree(base, noOps)).isFalse();
    assertThat(writer.changesTree(base, List.of(FileChange.delete("dir"))))
        .as("a delete names a file, not a directory")
        .isFalse();
    assertThat(writer.changesTree(base, List.of(FileChange.upsert("a.txt", bytes("A\n")))))
        .isTrue();
  }

  @Test
  void changesTreeWritesNoObjects() throws Exception {
    ObjectId base = seed(Map.of("a.txt", "a\n"));
    String content = "never stored " + System.nanoTime() + "\n";

    boolean changes =
        writer.changesTree(base, List.of(FileChange.upsert("new/file.txt", bytes(content))));

    assertThat(changes).isTrue();
    ObjectId blob = new ObjectInserter.Formatter().idFor(Constants.OBJ_BLOB, bytes(content));
    assertThat(repository.getObjectDatabase().has(blob)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "/etc/passwd",
        "../outside",
        "a/../../b",
        "a//b",
        "a/",
        "./a",
        "a/./b",
        ".git/config",
        "sub/.GIT/hooks/pre-commit",
        "a\\b",
        "nul\0byte"
      })
  void hostilePathsAreRefusedWith400AndWriteNothing(String path) throws Exception {
    ObjectId base = seed(Map.of("a.txt", "a\n"));
    byte[] content = bytes("hostile " + path.length() + " " + System.nanoTime());

    assertThatThrownBy(
            () ->
                writer.commit(
                    base,
                    List.of(FileChange.upsert("ok.txt", content), FileChange.upsert(path, content)),
                    AUTHOR,
                    AUTHOR,
                    "bad"))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.code()).isEqualTo(400);
              assertThat(e.getMessage()).startsWith("invalid path");
            });
    ObjectId blob = new ObjectInserter.Formatter().idFor(Constants.OBJ_BLOB, content);
    assertThat(repository.getObjectDatabase().has(blob)).isFalse();
  }

  @Test
  void aPathThatIsBothFileAndDirectoryInOneChangeSetIsRefused() throws Exception {
    ObjectId base = seed(Map.of("a.txt", "a\n"));

    assertThatThrownBy(
            () ->
                writer.commit(
                    base,
                    List.of(
                        FileChange.upsert("x", bytes("file")),
                        FileChange.upsert("x/y", bytes("nested"))),
                    AUTHOR,
                    AUTHOR,
                    "bad"))
        .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(400));
  }

  @Test
  void anUnknownBaseIs404() {
    ObjectId unknown = ObjectId.fromString("0123456789abcdef0123456789abcdef01234567");

    assertThatThrownBy(() -> writer.commit(unknown, List.of(), AUTHOR, AUTHOR, "x"))
        .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(404));
  }

  @Test
  void aFileAndADirectoryReplaceEachOther() throws Exception {
    ObjectId base = seed(Map.of("was-file", "f\n", "was-dir/x", "x\n", "was-dir/y/z", "z\n"));

    CommitWriter.Result result =
        writer.commit(
            base,
            List.of(
                FileChange.upsert("was-file/now/nested", bytes("n\n")),
                FileChange.upsert("was-dir", bytes("now a file\n"))),
            AUTHOR,
            AUTHOR,
            "swap");

    assertThat(files(result.commit()))
        .containsExactlyEntriesOf(
            sorted(Map.of("was-file/now/nested", "n\n", "was-dir", "now a file\n")));
    fsck();
  }

  @Test
  void entriesAreWrittenInGitTreeOrder() throws Exception {
    ObjectId base = seed(Map.of("foo/inside", "i\n", "foo.txt", "t\n"));

    CommitWriter.Result result =
        writer.commit(
            base,
            List.of(
                FileChange.upsert("foo-bar", bytes("1\n")),
                FileChange.upsert("foo0", bytes("2\n")),
                FileChange.upsert("foo/inside2", bytes("3\n")),
                FileChange.upsert("fo", bytes("4\n")),
                FileChange.upsert("ünïcode/ß.json", bytes("5\n"))),
            AUTHOR,
            AUTHOR,
            "ordering");

    assertThat(files(result.commit())).hasSize(7);
    // git fsck --strict fails on "treeNotSorted" when entries are out of order
    fsck();
  }

  @Test
  void anExecutableFileStaysExecutableWhenChanged() throws Exception {
    ObjectId base = seed(Map.of("run.sh", "#!/bin/sh\n"));
    ObjectId executableBase = rewriteMode(base, "run.sh", FileMode.EXECUTABLE_FILE);

    CommitWriter.Result result =
        writer.commit(
            executableBase,
            List.of(FileChange.upsert("run.sh", bytes("#!/bin/sh\necho hi\n"))),
            AUTHOR,
            AUTHOR,
            "script");

    assertThat(gitCli("ls-tree", result.commit().name(), "run.sh")).startsWith("100755 blob ");
  }

  @Test
  void aFirstCommitWithoutBaseHasNoParent() throws Exception {
    CommitWriter.Result result =
        writer.commit(
            null, List.of(FileChange.upsert("a/b.json", bytes("{}"))), AUTHOR, AUTHOR, "init");

    try (RevWalk walk = new RevWalk(repository)) {
      assertThat(walk.parseCommit(result.commit()).getParentCount()).isZero();
    }
    assertThat(files(result.commit())).containsExactlyEntriesOf(Map.of("a/b.json", "{}"));
  }

  @Test
  void aChangeInABigTreeReusesEveryUntouchedSubtree() throws Exception {
    Map<String, String> seedFiles = new LinkedHashMap<>();
    for (int ns = 0; ns < 100; ns++) {
      for (int i = 0; i < 1000; i++) {
        seedFiles.put(
            "ns-" + ns + "/sub-" + (i % 10) + "/flag-" + i + ".json", "{\"i\":" + i + "}\n");
      }
    }
    ObjectId base = seed(seedFiles);

    CommitWriter.Result result =
        writer.commit(
            base,
            List.of(
                FileChange.upsert("ns-7/sub-3/flag-3.json", bytes("{\"i\":-3}\n")),
                FileChange.upsert("ns-7/sub-3/flag-new.json", bytes("{}\n"))),
            AUTHOR,
            AUTHOR,
            "one flag");

    Map<String, ObjectId> before = subtrees(base);
    Map<String, ObjectId> after = subtrees(result.commit());
    assertThat(after.keySet()).isEqualTo(before.keySet());
    for (String path : before.keySet()) {
      boolean onChangedPath = path.equals("ns-7") || path.equals("ns-7/sub-3");
      if (onChangedPath) {
        assertThat(after.get(path)).as(path).isNotEqualTo(before.get(path));
      } else {
        assertThat(after.get(path)).as(path).isEqualTo(before.get(path));
      }
    }
    assertThat(gitCli("diff", "--name-status", base.name(), result.commit().name()))
        .isEqualTo("M\tns-7/sub-3/flag-3.json\nA\tns-7/sub-3/flag-new.json\n");
  }

  // -- helpers ------------------------------------------------------------------------------------

  @Test
  void aDeleteBelowAFileChangesNothing() throws Exception {
    ObjectId base = seed(Map.of("config", "c\n", "other.txt", "o\n"));

    CommitWriter.Result result =
        writer.commit(base, List.of(FileChange.delete("config/nested/x")), AUTHOR, AUTHOR, "none");

    assertThat(result.changed()).isFalse();
    assertThat(files(result.commit())).containsEntry("config", "c\n");
  }

  /**
   * Random change sets on random trees whose names sort in git's tricky ways ("a" as a file and as
   * a directory, "a.txt", "a-b", "a0"): the tree written equals the tree git builds from the
   * expected files (JGit's DirCache), byte for byte, so the kept entries copied as they are and the
   * new ones land where git's order puts them.
   */
  @Test
  void randomChangeSetsGiveTheTreeGitBuildsFromTheExpectedFiles() throws Exception {
    java.util.Random random = new java.util.Random(20261208);
    String[] names = {"a", "a.txt", "a-b", "a0", "b", "ab", "z", "ä"};
    for (int round = 0; round < 150; round++) {
      Map<String, String> files = new TreeMap<>();
      for (int i = random.nextInt(12); i >= 0; i--) {
        putFile(files, randomPath(random, names), "v" + random.nextInt(3) + "\n");
      }
      ObjectId base = seed(files);
      List<FileChange> changes = new java.util.ArrayList<>();
      Map<String, String> expected = new TreeMap<>(files);
      for (int i = random.nextInt(4); i >= 0; i--) {
        String path = randomPath(random, names);
        if (random.nextInt(3) == 0) {
          changes.add(FileChange.delete(path));
          expected.remove(path);
        } else {
          String content = "w" + random.nextInt(3) + "\n";
          changes.add(FileChange.upsert(path, bytes(content)));
          putFile(expected, path, content);
        }
      }
      CommitWriter.Result result;
      try {
        result = writer.commit(base, changes, AUTHOR, AUTHOR, "round " + round);
      } catch (StatusException e) {
        // a change set naming one path as a file and as a directory is refused as a whole
        assertThat(e.getMessage()).contains("are both a file and a directory");
        continue;
      }
      if (expected.isEmpty()) {
        assertThat(files(result.commit())).isEmpty();
        continue;
      }
      assertThat(result.tree())
          .as("round %d: %s on %s", round, changes, files)
          .isEqualTo(treeOf(seed(expected)));
    }
    fsck();
  }

  private static String randomPath(java.util.Random random, String[] names) {
    StringBuilder path = new StringBuilder(names[random.nextInt(names.length)]);
    for (int depth = random.nextInt(3); depth > 0; depth--) {
      path.append('/').append(names[random.nextInt(names.length)]);
    }
    return path.toString();
  }

  /** An upsert as CommitWriter applies it: a file in the way becomes a directory, and back. */
  private static void putFile(Map<String, String> files, String path, String content) {
    files.keySet().removeIf(existing -> existing.startsWith(path + "/"));
    for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
      files.remove(path.substring(0, slash));
    }
    files.put(path, content);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  private static Map<String, String> sorted(Map<String, String> map) {
    return new TreeMap<>(map);
  }

  /** Seeds a root commit through JGit's index, a code path independent of CommitWriter. */
  private ObjectId seed(Map<String, String> files) throws IOException {
    DirCache index = DirCache.newInCore();
    DirCacheBuilder builder = index.builder();
    try (ObjectInserter inserter = repository.newObjectInserter()) {
      for (Map.Entry<String, String> file : new TreeMap<>(files).entrySet()) {
        DirCacheEntry entry = new DirCacheEntry(file.getKey());
        entry.setFileMode(FileMode.REGULAR_FILE);
        entry.setObjectId(inserter.insert(Constants.OBJ_BLOB, bytes(file.getValue())));
        builder.add(entry);
      }
      builder.finish();
      return commitTree(inserter, index.writeTree(inserter));
    }
  }

  private ObjectId rewriteMode(ObjectId commit, String path, FileMode mode) throws IOException {
    DirCache index;
    try (var reader = repository.newObjectReader()) {
      index = DirCache.read(reader, treeOf(commit));
    }
    for (int i = 0; i < index.getEntryCount(); i++) {
      if (index.getEntry(i).getPathString().equals(path)) {
        index.getEntry(i).setFileMode(mode);
      }
    }
    try (ObjectInserter inserter = repository.newObjectInserter()) {
      return commitTree(inserter, index.writeTree(inserter));
    }
  }

  private ObjectId commitTree(ObjectInserter inserter, ObjectId tree) throws IOException {
    CommitBuilder commit = new CommitBuilder();
    commit.setTreeId(tree);
    commit.setAuthor(AUTHOR);
    commit.setCommitter(AUTHOR);
    commit.setMessage("seed");
    ObjectId id = inserter.insert(commit);
    inserter.flush();
    return id;
  }

  private ObjectId treeOf(ObjectId commit) throws IOException {
    try (RevWalk walk = new RevWalk(repository)) {
      return walk.parseCommit(commit).getTree().getId();
    }
  }

  private Map<String, String> files(ObjectId commit) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (TreeWalk walk = new TreeWalk(repository)) {
      walk.addTree(treeOf(commit));
      walk.setRecursive(true);
      while (walk.next()) {
        byte[] content = repository.open(walk.getObjectId(0)).getBytes();
        files.put(walk.getPathString(), new String(content, UTF_8));
      }
    }
    return files;
  }

  private Map<String, ObjectId> subtrees(ObjectId commit) throws IOException {
    Map<String, ObjectId> trees = new TreeMap<>();
    try (TreeWalk walk = new TreeWalk(repository)) {
      walk.addTree(treeOf(commit));
      while (walk.next()) {
        if (walk.isSubtree()) {
          trees.put(walk.getPathString(), walk.getObjectId(0));
          if (walk.getDepth() == 0) {
            walk.enterSubtree();
          }
        }
      }
    }
    return trees;
  }

  private void fsck() throws Exception {
    gitCli("fsck", "--strict", "--no-dangling");
  }

  private String gitCli(String... args) {
    return TestRepos.gitCli(dir, args);
  }
}
