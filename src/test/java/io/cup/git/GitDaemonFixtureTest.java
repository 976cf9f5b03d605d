package io.cup.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cup.testing.GitDaemon;
import io.cup.testing.TestRepos;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.RefSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The test fixtures themselves: a real git daemon that stops and comes back on its port. */
@Timeout(60)
class GitDaemonFixtureTest {
  @TempDir Path served;
  @TempDir Path work;

  @Test
  void servesClonesAndPushesAndComesBackOnTheSamePort() throws Exception {
    Path remote = TestRepos.createBare(served.resolve("flags.git"), Map.of("a/b.json", "{}\n"));
    try (GitDaemon daemon = GitDaemon.serve(served)) {
      assertThat(daemon.url("flags.git"))
          .isEqualTo("git://127.0.0.1:" + daemon.port() + "/flags.git");
      try (Git clone =
          Git.cloneRepository()
              .setURI(daemon.url("flags.git"))
              .setBare(true)
              .setDirectory(work.resolve("clone.git").toFile())
              .call()) {
        assertThat(TestRepos.read(work.resolve("clone.git"), "main", "a/b.json")).isEqualTo("{}\n");

        // push a new branch back through receive-pack
        ObjectId local =
            TestRepos.commit(
                work.resolve("clone.git"), "topic", Map.of("c.txt", "c"), Set.of(), "c");
        clone.push().setRefSpecs(new RefSpec("refs/heads/topic:refs/heads/topic")).call();
        assertThat(TestRepos.ref(remote, "refs/heads/topic")).isEqualTo(local);

        int port = daemon.port();
        daemon.stop();
        assertThat(daemon.isRunning()).isFalse();
        assertThatThrownBy(() -> clone.fetch().setRemote(daemon.url("flags.git")).call())
            .isInstanceOf(TransportException.class);

        daemon.start();
        assertThat(daemon.port()).isEqualTo(port);
        ObjectId pushed = TestRepos.commit(remote, "main", Map.of("d.txt", "d"));
        clone.fetch().setRefSpecs(new RefSpec("+refs/heads/*:refs/heads/*")).call();
        assertThat(TestRepos.ref(work.resolve("clone.git"), "main")).isEqualTo(pushed);
      }
    }
    assertThat(TestRepos.fsck(remote).ok()).as(TestRepos.fsck(remote).output()).isTrue();
    assertThat(TestRepos.files(remote, "main")).containsOnlyKeys("a/b.json", "d.txt");
  }
}
