package io.cup.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cup.testing.TestRepos;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class GitRevisionViewTest {
  @TempDir Path dir;

  /**
   * A commit of 100 top-level entries of which only the path to one file exists in the object
   * database: 98 subtrees and one blob are ids of objects that are not there. Reading that one
   * file, or listing the root, must succeed; anything that walks the whole tree fails on the first
   * missing object (checked below, so the test can tell the difference).
   */
  @Test
  void readingOneFileTouchesOnlyTheTreesOnItsPath() throws Exception {
    Path repoDir = TestRepos.createEmptyBare(dir.resolve("sparse.git"));
    ObjectId commit;
    try (Repository repo = TestRepos.open(repoDir);
        ObjectInserter inserter = repo.newObjectInserter()) {
      ObjectId blob =
          inserter.insert(
              Constants.OBJ_BLOB, "{\"name\":\"x\"}\n".getBytes(StandardCharsets.UTF_8));
      TreeFormatter leaf = new TreeFormatter();
      leaf.append("x.json", FileMode.REGULAR_FILE, blob);
      ObjectId leafTree = inserter.insert(leaf);
      TreeFormatter middle = new TreeFormatter();
      middle.append("b", FileMode.TREE, leafTree);
      ObjectId middleTree = inserter.insert(middle);

      TreeFormatter root = new TreeFormatter();
      root.append("a", FileMode.TREE, middleTree);
      for (int i = 0; i < 98; i++) {
        root.append(String.format("d%02d", i), FileMode.TREE, missingId("tree " + i));
      }
      root.append("z.json", FileMode.REGULAR_FILE, missingId("blob"));
      ObjectId rootTree = inserter.insert(root);

      CommitBuilder builder = new CommitBuilder();
      PersonIdent ident = new PersonIdent("t", "t@example.test");
      builder.setTreeId(rootTree);
      builder.setAuthor(ident);
      builder.setCommitter(ident);
      builder.setMessage("sparse\n");
      commit = inserter.insert(builder);
      inserter.flush();

      // the check can fail: a full walk of this tree hits a missing object
      try (TreeWalk full = new TreeWalk(repo)) {
        full.addTree(rootTree);
        full.setRecursive(true);
        assertThatThrownBy(
                () -> {
                  while (full.next()) {
                    // walking
                  }
                })
            .isInstanceOf(MissingObjectException.class);
      }

      GitRevisionView view = GitRevisionView.of(repo, commit);
      RevisionView.Blob x = view.file("a/b/x.json").orElseThrow();
      assertThat(new String(x.bytes(Long.MAX_VALUE), StandardCharsets.UTF_8))
          .isEqualTo("{\"name\":\"x\"}\n");
      assertThat(x.id()).isEqualTo(blob.name());
      assertThat(view.list("")).hasSize(100);
      assertThat(view.list("a/b")).extracting(RevisionView.Entry::name).containsExactly("x.json");
      assertThat(view.file("a/b/missing.json")).isEmpty();
      // the blob of z.json is missing, but its entry is found without loading it
      assertThat(view.file("z.json")).map(RevisionView.Blob::id).contains(missingId("blob").name());
      assertThat(view.commit()).isEqualTo(commit.name());
    }
  }

  @Test
  void symbolicLinksAndSubmodulesAreNotFiles() throws Exception {
    Path repoDir = TestRepos.createEmptyBare(dir.resolve("links.git"));
    try (Repository repo = TestRepos.open(repoDir);
        ObjectInserter inserter = repo.newObjectInserter()) {
      ObjectId target =
          inserter.insert(Constants.OBJ_BLOB, "/etc/passwd".getBytes(StandardCharsets.UTF_8));
      ObjectId file = inserter.insert(Constants.OBJ_BLOB, "ok".getBytes(StandardCharsets.UTF_8));
      TreeFormatter root = new TreeFormatter();
      root.append("file.txt", FileMode.EXECUTABLE_FILE, file);
      root.append("link", FileMode.SYMLINK, target);
      root.append("module", FileMode.GITLINK, missingId("submodule commit"));
      ObjectId tree = inserter.insert(root);
      CommitBuilder builder = new CommitBuilder();
      PersonIdent ident = new PersonIdent("t", "t@example.test");
      builder.setTreeId(tree);
      builder.setAuthor(ident);
      builder.setCommitter(ident);
      builder.setMessage("links\n");
      ObjectId commit = inserter.insert(builder);
      inserter.flush();

      GitRevisionView view = GitRevisionView.of(repo, commit);
      assertThat(view.file("file.txt")).isPresent();
      assertThat(view.file("link")).isEmpty();
      assertThat(view.file("module")).isEmpty();
      assertThat(view.list("")).extracting(RevisionView.Entry::name).isEqualTo(List.of("file.txt"));
    }
  }

  @Test
  void aMissingCommitIsNotFound() throws Exception {
    Path repoDir = TestRepos.createBare(dir.resolve("r.git"), Map.of("a", "a"));
    try (Repository repo = TestRepos.open(repoDir)) {
      assertThatThrownBy(() -> GitRevisionView.of(repo, missingId("commit")))
          .isInstanceOfSatisfying(
              io.cup.status.StatusException.class, e -> assertThat(e.code()).isEqualTo(404));
    }
  }

  private static ObjectId missingId(String seed) {
    return new ObjectInserter.Formatter()
        .idFor(Constants.OBJ_BLOB, ("not stored: " + seed).getBytes(StandardCharsets.UTF_8));
  }

  /** A blob's size comes from its header; its bytes are read only within the reader's limit. */
  @Test
  void aBlobOverTheReadersLimitIs413NamingPathAndSizeAndIsNotLoaded() {
    byte[] big = new byte[3 * 1024 * 1024];
    java.util.Arrays.fill(big, (byte) 'x');
    Path repoDir =
        TestRepos.createBare(
            dir.resolve("big.git"),
            Map.of("big.json", new String(big, StandardCharsets.UTF_8), "small.json", "{}\n"));
    try (Repository repo = TestRepos.open(repoDir)) {
      GitRevisionView view = GitRevisionView.of(repo, repo.resolve("refs/heads/main"));
      RevisionView.Blob blob = view.file("big.json").orElseThrow();
      assertThat(blob.size()).isEqualTo(big.length);
      assertThatThrownBy(() -> blob.bytes(1024 * 1024))
          .isInstanceOfSatisfying(
              io.cup.status.StatusException.class,
              e -> {
                assertThat(e.code()).isEqualTo(413);
                assertThat(e.getMessage())
                    .contains("big.json")
                    .contains(String.valueOf(big.length))
                    .contains(String.valueOf(1024 * 1024));
              });
      assertThat(blob.bytes(big.length)).hasSize(big.length);
      RevisionView.Blob small = view.file("small.json").orElseThrow();
      assertThatThrownBy(() -> small.bytes(2)).hasMessageContaining("small.json is 3 bytes");
      assertThat(small.bytes(3)).hasSize(3);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
