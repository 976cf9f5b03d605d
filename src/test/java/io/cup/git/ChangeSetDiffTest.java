package io.cup.git;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.cup.bus.ChangeSet;
import io.cup.bus.FileChange;
import java.nio.file.Files;
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

/**
 * A dry run's diff, computed without committing, must be exactly what {@code git diff} shows once
 * the change set is committed: checked against {@link UnifiedDiff} of the real commit, for a Git
 * revision and for a local directory.
 */
@Timeout(60)
class ChangeSetDiffTest {
  private static final PersonIdent AUTHOR = new PersonIdent("Cup Test", "cup@test.invalid");

  @TempDir Path dir;
  private Repository repository;
  private CommitWriter writer;

  @BeforeEach
  void init() throws Exception {
    repository =
        Git.init()
            .setBare(true)
            .setDirectory(dir.resolve("repo.git").toFile())
            .call()
            .getRepository();
    writer = new CommitWriter(repository);
  }

  @AfterEach
  void close() {
    repository.close();
  }

  @Test
  void isWhatGitDiffShowsAfterTheCommit() throws Exception {
    ObjectId base =
        writer
            .commit(
                null,
                List.of(
                    FileChange.upsert(
                        "default/flag.json", "{\n  \"on\": false\n}\n".getBytes(UTF_8)),
                    FileChange.upsert("default/same.json", "{}\n".getBytes(UTF_8)),
                    FileChange.upsert("old.txt", "one\ntwo\n".getBytes(UTF_8)),
                    FileChange.upsert("tail.txt", "no newline".getBytes(UTF_8)),
                    FileChange.upsert("blob.bin", new byte[] {0, 1, 2, 3})),
                AUTHOR,
                AUTHOR,
                "base")
            .commit();
    ChangeSet changes =
        new ChangeSet(
            base.name(),
            List.of(
                FileChange.upsert("default/flag.json", "{\n  \"on\": true\n}\n".getBytes(UTF_8)),
                FileChange.upsert("default/same.json", "{}\n".getBytes(UTF_8)),
                FileChange.upsert("a-new/file.yaml", "key: value\n".getBytes(UTF_8)),
                FileChange.upsert("tail.txt", "no newline, still".getBytes(UTF_8)),
                FileChange.upsert("blob.bin", new byte[] {0, 1, 2, 4}),
                FileChange.delete("old.txt")));

    String dryRun = ChangeSetDiff.of(GitRevisionView.of(repository, base), changes, 1 << 20);
    ObjectId head = writer.commit(base, changes.changes(), AUTHOR, AUTHOR, "head").commit();
    String committed = new UnifiedDiff(repository).between(base, head);

    assertThat(dryRun).isEqualTo(committed);
    assertThat(dryRun)
        .contains("+  \"on\": true")
        .contains("\\ No newline at end of file")
        .contains("+++ b/blob.bin\nBinary files differ\n")
        .contains("deleted file mode 100644")
        .doesNotContain("same.json");
  }

  /** Files over the limit are neither loaded nor diffed line by line: Git's "Binary" line. */
  @Test
  void aFileOverTheLimitIsShownAsBinaryLikeUnifiedDiff() throws Exception {
    byte[] big = "line\n".repeat(UnifiedDiff.MAX_FILE_BYTES / 5 + 1).getBytes(UTF_8);
    byte[] bigger = (new String(big, UTF_8) + "more\n").getBytes(UTF_8);
    ObjectId base =
        writer
            .commit(
                null,
                List.of(
                    FileChange.upsert("big.txt", big),
                    FileChange.upsert("gone.txt", big),
                    FileChange.upsert("same.txt", big)),
                AUTHOR,
                AUTHOR,
                "base")
            .commit();
    ChangeSet changes =
        new ChangeSet(
            base.name(),
            List.of(
                FileChange.upsert("big.txt", bigger),
                FileChange.delete("gone.txt"),
                FileChange.upsert("new.txt", bigger),
                FileChange.upsert("same.txt", big)));

    String dryRun = ChangeSetDiff.of(GitRevisionView.of(repository, base), changes, 1 << 20);
    ObjectId head = writer.commit(base, changes.changes(), AUTHOR, AUTHOR, "head").commit();

    assertThat(dryRun).isEqualTo(new UnifiedDiff(repository).between(base, head));
    assertThat(dryRun)
        .contains("+++ b/big.txt\nBinary files differ\n")
        .contains("+++ /dev/null\nBinary files differ\n")
        .doesNotContain("same.txt")
        .doesNotContain("+line");
  }

  @Test
  void aLocalDirectoryGivesTheSameDiffAsItsGitTwin() throws Exception {
    Path local = Files.createDirectories(dir.resolve("local"));
    Files.createDirectories(local.resolve("default"));
    Files.writeString(local.resolve("default/flag.json"), "{\n  \"on\": false\n}\n");
    ObjectId base =
        writer
            .commit(
                null,
                List.of(
                    FileChange.upsert(
                        "default/flag.json", "{\n  \"on\": false\n}\n".getBytes(UTF_8))),
                AUTHOR,
                AUTHOR,
                "base")
            .commit();
    ChangeSet changes =
        new ChangeSet(
            null,
            List.of(
                FileChange.upsert("default/flag.json", "{\n  \"on\": true\n}\n".getBytes(UTF_8))));

    String fromDirectory = ChangeSetDiff.of(DirectorySource.of(local).view(null), changes, 1 << 20);
    ObjectId head = writer.commit(base, changes.changes(), AUTHOR, AUTHOR, "head").commit();

    assertThat(fromDirectory).isEqualTo(new UnifiedDiff(repository).between(base, head));
  }

  @Test
  void aLongDiffIsCutAtALineAndSaysSo() throws Exception {
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 2_000; i++) {
      big.append("line ").append(i).append('\n');
    }
    ChangeSet changes =
        new ChangeSet(null, List.of(FileChange.upsert("big.txt", big.toString().getBytes(UTF_8))));
    ObjectId base =
        writer
            .commit(
                null,
                List.of(FileChange.upsert("keep.txt", "k\n".getBytes(UTF_8))),
                AUTHOR,
                AUTHOR,
                "base")
            .commit();

    String diff = ChangeSetDiff.of(GitRevisionView.of(repository, base), changes, 1_000);

    assertThat(diff.length()).isLessThan(1_100);
    assertThat(diff).endsWith(UnifiedDiff.TRUNCATED + " the diff is longer than 1000 bytes\n");
    String body = diff.substring(0, diff.indexOf(UnifiedDiff.TRUNCATED));
    assertThat(body).endsWith("\n");
  }
}
