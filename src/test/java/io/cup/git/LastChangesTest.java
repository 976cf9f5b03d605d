package io.cup.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.MergeCommand;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LastChanges} on real repositories, with commit times set by the test. */
class LastChangesTest {
  private static final long T0 = 1_700_000_000L;

  @TempDir Path dir;
  private Git git;
  private final List<String> written = new ArrayList<>();

  @BeforeEach
  void init() throws Exception {
    git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
  }

  @AfterEach
  void close() {
    git.close();
  }

  @Test
  void eachFileGetsTheTimeOfTheLastCommitThatChangedIt() throws Exception {
    for (int i = 0; i < 200; i++) {
      write("default/flag-" + i + ".json", "{\"v\": 0}");
    }
    commit(T0, "many files in one directory");
    for (int i = 0; i < 60; i++) {
      write("default/flag-" + i + ".json", "{\"v\": 1}");
      commit(T0 + 100 + i, "change " + i);
    }
    write("default/flag-7.json", "{\"v\": 2}");
    RevCommit head = commit(T0 + 1000, "flag-7 again");

    LastChanges changes = new LastChanges();
    GitRevisionView view = view(head);

    assertThat(changes.lastChanged(view, "default/flag-0.json")).isEqualTo(at(T0 + 100));
    assertThat(changes.lastChanged(view, "default/flag-59.json")).isEqualTo(at(T0 + 159));
    assertThat(changes.lastChanged(view, "default/flag-7.json")).isEqualTo(at(T0 + 1000));
    assertThat(changes.lastChanged(view, "default/flag-60.json")).isEqualTo(at(T0));
    assertThat(changes.lastChanged(view, "default/flag-199.json")).isEqualTo(at(T0));
    assertThat(changes.lastChanged(view, null))
        .as("no path: the head's time")
        .isEqualTo(at(T0 + 1000));
  }

  @Test
  void anOlderCommitIsAnsweredAsOfItsOwnHistory() throws Exception {
    write("a.json", "1");
    RevCommit first = commit(T0, "a");
    write("a.json", "2");
    RevCommit second = commit(T0 + 10, "a again");

    LastChanges changes = new LastChanges();

    assertThat(changes.lastChanged(view(second), "a.json")).isEqualTo(at(T0 + 10));
    assertThat(changes.lastChanged(view(first), "a.json")).isEqualTo(at(T0));
  }

  @Test
  void aMergeChangesWhatItBringsInAtTheMergesTime() throws Exception {
    write("main.json", "1");
    write("side.json", "1");
    commit(T0, "base");
    git.branchCreate().setName("side").call();
    write("main.json", "2");
    commit(T0 + 10, "main moves");
    git.checkout().setName("side").call();
    write("side.json", "2");
    commit(T0 + 20, "side moves");
    git.checkout().setName("main").call();
    git.merge()
        .include(git.getRepository().resolve("refs/heads/side"))
        .setFastForward(MergeCommand.FastForwardMode.NO_FF)
        .setCommit(false)
        .call();
    RevCommit merge = commit(T0 + 30, "merge side");
    assertThat(merge.getParentCount()).isEqualTo(2);

    LastChanges changes = new LastChanges();
    GitRevisionView view = view(merge);

    assertThat(changes.lastChanged(view, "side.json"))
        .as("it reached main with the merge")
        .isEqualTo(at(T0 + 30));
    assertThat(changes.lastChanged(view, "main.json")).isEqualTo(at(T0 + 10));
  }

  @Test
  void aMovedHeadDiffsOnlyTheNewCommits() throws Exception {
    write("a.json", "1");
    write("b.json", "1");
    commit(T0, "a and b");
    for (int i = 0; i < 20; i++) {
      write("c.json", String.valueOf(i));
      commit(T0 + 1 + i, "c " + i);
    }
    RevCommit before = head();
    LastChanges changes = new LastChanges();
    assertThat(changes.lastChanged(view(before), "a.json")).isEqualTo(at(T0));
    assertThat(changes.commitsWalked(before)).isEqualTo(21);

    write("a.json", "2");
    commit(T0 + 100, "a");
    write("d.json", "1");
    RevCommit after = commit(T0 + 200, "d");

    assertThat(changes.lastChanged(view(after), "a.json")).isEqualTo(at(T0 + 100));
    assertThat(changes.lastChanged(view(after), "b.json")).isEqualTo(at(T0));
    assertThat(changes.lastChanged(view(after), "c.json")).isEqualTo(at(T0 + 20));
    assertThat(changes.lastChanged(view(after), "d.json")).isEqualTo(at(T0 + 200));
    assertThat(changes.commitsWalked(after)).as("only the two new commits").isEqualTo(2);
    assertThat(changes.lastChanged(view(before), "a.json")).isEqualTo(at(T0));
  }

  @Test
  void manyMovesStayCorrectOnceLayersAreMerged() throws Exception {
    write("a.json", "0");
    RevCommit first = commit(T0, "a");
    LastChanges changes = new LastChanges();
    assertThat(changes.lastChanged(view(first), "a.json")).isEqualTo(at(T0));
    for (int i = 1; i <= LastChanges.MAX_LAYERS + 5; i++) {
      write("f" + i + ".json", "1");
      RevCommit head = commit(T0 + i, "f" + i);
      assertThat(changes.lastChanged(view(head), "f" + i + ".json")).isEqualTo(at(T0 + i));
      assertThat(changes.commitsWalked(head)).isEqualTo(1);
    }
    GitRevisionView last = view(head());
    assertThat(changes.lastChanged(last, "a.json")).isEqualTo(at(T0));
    assertThat(changes.lastChanged(last, "f1.json")).isEqualTo(at(T0 + 1));
    assertThat(changes.lastChanged(last, "f20.json")).isEqualTo(at(T0 + 20));
    assertThat(changes.cachedHeads()).isLessThanOrEqualTo(16);
  }

  @Test
  void aBoundedWalkGivesUnreachedFilesTheOldestWalkedTime() throws Exception {
    write("old.json", "1");
    commit(T0, "old");
    for (int i = 1; i <= 10; i++) {
      write("new.json", String.valueOf(i));
      commit(T0 + i, "new " + i);
    }

    LastChanges changes = new LastChanges(3, Duration.ofMinutes(1));
    GitRevisionView view = view(head());

    assertThat(changes.lastChanged(view, "new.json")).isEqualTo(at(T0 + 10));
    assertThat(changes.lastChanged(view, "old.json"))
        .as("beyond the bound: the oldest of the three commits walked")
        .isEqualTo(at(T0 + 8));
  }

  @Test
  void concurrentReadersGetTheSameAnswers() throws Exception {
    for (int i = 0; i < 30; i++) {
      write("f" + i + ".json", "1");
      commit(T0 + i, "f" + i);
    }
    LastChanges changes = new LastChanges();
    GitRevisionView view = view(head());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Instant>> answers = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        String path = "f" + (i % 30) + ".json";
        answers.add(pool.submit(() -> changes.lastChanged(view, path)));
      }
      for (int i = 0; i < answers.size(); i++) {
        assertThat(answers.get(i).get(2, TimeUnit.MINUTES)).isEqualTo(at(T0 + (i % 30)));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(changes.cachedHeads()).isEqualTo(1);
  }

  @Test
  void aLocalDirectoryAnswersWithTheFilesModificationTime() throws Exception {
    Path file = dir.resolve("default/a.json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "{}");
    Files.setLastModifiedTime(file, FileTime.from(at(T0 + 42)));

    RevisionView view = DirectorySource.of(dir).view(null);

    assertThat(new LastChanges().lastChanged(view, "default/a.json")).isEqualTo(at(T0 + 42));
  }

  // ------------------------------------------------------------------ helpers

  private void write(String path, String content) throws IOException {
    Path file = dir.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    written.add(path);
  }

  private RevCommit commit(long epochSecond, String message) throws Exception {
    if (!written.isEmpty()) {
      var add = git.add();
      written.forEach(add::addFilepattern);
      add.call();
      written.clear();
    }
    PersonIdent ident =
        new PersonIdent(
            "t",
            "t@example.test",
            java.util.Date.from(at(epochSecond)),
            TimeZone.getTimeZone("UTC"));
    return git.commit().setMessage(message).setAuthor(ident).setCommitter(ident).call();
  }

  private RevCommit head() throws IOException {
    try (org.eclipse.jgit.revwalk.RevWalk walk =
        new org.eclipse.jgit.revwalk.RevWalk(git.getRepository())) {
      return walk.parseCommit(git.getRepository().resolve("refs/heads/main"));
    }
  }

  private GitRevisionView view(ObjectId commit) {
    return GitRevisionView.of(git.getRepository(), commit);
  }

  private static Instant at(long epochSecond) {
    return Instant.ofEpochSecond(epochSecond);
  }
}
