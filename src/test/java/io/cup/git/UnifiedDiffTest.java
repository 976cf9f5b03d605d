package io.cup.git;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.cup.bus.FileChange;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class UnifiedDiffTest {
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
  void showsAddsChangesAndDeletesWithPrefixedPaths() throws Exception {
    ObjectId base =
        commit(
            null,
            FileChange.upsert("default/flag.json", "{\n  \"on\": false\n}\n".getBytes(UTF_8)),
            FileChange.upsert("old.txt", "old\n".getBytes(UTF_8)));
    ObjectId head =
        commit(
            base,
            FileChange.upsert("default/flag.json", "{\n  \"on\": true\n}\n".getBytes(UTF_8)),
            FileChange.upsert("new.txt", "new\n".getBytes(UTF_8)),
            FileChange.delete("old.txt"));

    String diff = new UnifiedDiff(repository).between(base, head);

    String flag = blobId(base, "default/flag.json") + ".." + blobId(head, "default/flag.json");
    assertThat(diff)
        .isEqualTo(
            "diff --git a/default/flag.json b/default/flag.json\n"
                + "index "
                + flag
                + " 100644\n"
                + "--- a/default/flag.json\n"
                + "+++ b/default/flag.json\n"
                + "@@ -1,3 +1,3 @@\n"
                + " {\n"
                + "-  \"on\": false\n"
                + "+  \"on\": true\n"
                + " }\n"
                + "diff --git a/new.txt b/new.txt\n"
                + "new file mode 100644\n"
                + "index 0000000.."
                + blobId(head, "new.txt")
                + "\n"
                + "--- /dev/null\n"
                + "+++ b/new.txt\n"
                + "@@ -0,0 +1 @@\n"
                + "+new\n"
                + "diff --git a/old.txt b/old.txt\n"
                + "deleted file mode 100644\n"
                + "index "
                + blobId(base, "old.txt")
                + "..0000000\n"
                + "--- a/old.txt\n"
                + "+++ /dev/null\n"
                + "@@ -1 +0,0 @@\n"
                + "-old\n");
    assertThat(new UnifiedDiff(repository).of(head)).isEqualTo(diff);
  }

  @Test
  void aRootCommitDiffsAgainstTheEmptyTree() throws Exception {
    ObjectId root = commit(null, FileChange.upsert("a.txt", "a\n".getBytes(UTF_8)));

    String diff = new UnifiedDiff(repository).of(root);

    assertThat(diff)
        .startsWith("diff --git a/a.txt b/a.txt\nnew file mode 100644\n")
        .endsWith("+a\n");
  }

  @Test
  void sameTreeIsAnEmptyDiff() throws Exception {
    ObjectId base = commit(null, FileChange.upsert("a.txt", "a\n".getBytes(UTF_8)));

    assertThat(new UnifiedDiff(repository).between(base, base)).isEmpty();
  }

  @Test
  void aLongDiffIsCutAtALineAndSaysSo() throws Exception {
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      big.append("line ").append(i).append('\n');
    }
    ObjectId base = commit(null, FileChange.upsert("keep.txt", "k\n".getBytes(UTF_8)));
    ObjectId head = commit(base, FileChange.upsert("big.txt", big.toString().getBytes(UTF_8)));

    String diff = new UnifiedDiff(repository, 4096).between(base, head);

    assertThat(diff.getBytes(UTF_8).length).isLessThan(4096 + 100);
    assertThat(diff).startsWith("diff --git a/big.txt b/big.txt\n");
    String[] lines = diff.split("\n");
    assertThat(lines[lines.length - 1])
        .isEqualTo(UnifiedDiff.TRUNCATED + " the diff is longer than 4096 bytes");
    assertThat(lines[lines.length - 2]).matches("\\+line \\d+");
    assertThat(new UnifiedDiff(repository).between(base, head))
        .doesNotContain(UnifiedDiff.TRUNCATED)
        .endsWith("+line 4999\n");
  }

  private ObjectId commit(ObjectId base, FileChange... changes) throws Exception {
    return writer.commit(base, List.of(changes), AUTHOR, AUTHOR, "change").commit();
  }

  private String blobId(ObjectId commit, String path) throws Exception {
    try (var walk =
        org.eclipse.jgit.treewalk.TreeWalk.forPath(
            repository, path, repository.parseCommit(commit).getTree())) {
      return walk.getObjectId(0).abbreviate(7).name();
    }
  }
}
