package io.cup.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cup.config.ServerConfig;
import io.cup.testing.TestRepos;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class SourcesTest {
  @TempDir Path dir;

  @AfterEach
  void forget() {
    Sources.forgetAll();
  }

  @Test
  void sharesOneSourcePerRepository() {
    Path remote = TestRepos.createBare(dir.resolve("a.git"), Map.of("x", "x"));
    ServerConfig cfg = GitTesting.gitConfig(GitTesting.fileUrl(remote), dir.resolve("data"));
    ServerConfig sameRepoOtherPoll =
        GitTesting.gitConfig(GitTesting.fileUrl(remote), dir.resolve("data"), null, 5);
    ServerConfig otherData = GitTesting.gitConfig(GitTesting.fileUrl(remote), dir.resolve("d2"));

    GitClone git = Sources.git(cfg);
    assertThat(Sources.open(cfg)).isSameAs(git.revisions());
    assertThat(Sources.git(sameRepoOtherPoll)).isSameAs(git);
    assertThat(Sources.git(otherData)).isNotSameAs(git);

    ServerConfig local = GitTesting.localConfig(dir.resolve("served"), dir.resolve("data"));
    DirectorySource directory = Sources.directory(local);
    assertThat(Sources.open(local)).isSameAs(directory);
    assertThat(directory.kind()).isEqualTo("local");
  }

  @Test
  void forgetAllClosesAndForgets() {
    Path remote = TestRepos.createBare(dir.resolve("a.git"), Map.of("x", "x"));
    ServerConfig cfg = GitTesting.gitConfig(GitTesting.fileUrl(remote), dir.resolve("data"));
    GitClone git = Sources.git(cfg);
    git.cloneOrOpen();
    assertThat(git.isOpen()).isTrue();

    Sources.forgetAll();

    assertThat(git.isOpen()).isFalse();
    assertThat(Sources.git(cfg)).isNotSameAs(git);
  }

  @Test
  void refusesAnUnknownSourceOrAMissingSetting() {
    ServerConfig local = GitTesting.localConfig(dir, dir);
    ServerConfig unknown =
        new ServerConfig(
            null,
            0,
            "svn",
            null,
            "local",
            null,
            1,
            null,
            null,
            dir.toString(),
            "a",
            "b",
            null,
            null,
            false,
            1);
    assertThatThrownBy(() -> Sources.open(unknown)).hasMessageContaining("unknown source svn");
    ServerConfig noRemote =
        new ServerConfig(
            null,
            0,
            "git",
            null,
            "local",
            null,
            1,
            null,
            null,
            dir.toString(),
            "a",
            "b",
            null,
            null,
            false,
            1);
    assertThatThrownBy(() -> Sources.open(noRemote)).hasMessageContaining("--api-git-repo");
    ServerConfig noPath =
        new ServerConfig(
            null,
            0,
            "local",
            null,
            "local",
            null,
            1,
            null,
            null,
            dir.toString(),
            "a",
            "b",
            null,
            null,
            false,
            1);
    assertThatThrownBy(() -> Sources.open(noPath)).hasMessageContaining("--api-local-path");
    assertThat(Sources.open(local)).isInstanceOf(DirectorySource.class);
  }
}
