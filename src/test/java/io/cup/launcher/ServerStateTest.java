package io.cup.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cup.bus.SourceKind;
import io.cup.config.ResourceConfiguration;
import io.cup.config.ResourceConfigurationLoader;
import io.cup.config.ServerConfig;
import io.cup.git.DirectorySource;
import io.cup.git.GitSource;
import io.cup.git.GitTesting;
import io.cup.testing.TestRepos;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The state one server's verticles share: one source per server, made from the configuration. */
@Timeout(60)
class ServerStateTest {
  private static final ResourceConfiguration RESOURCES =
      ResourceConfigurationLoader.load(Path.of("conf/resources"));

  @TempDir Path dir;

  @Test
  void aServerHasOneSourceAndTwoServersShareNothing() {
    Path remote = TestRepos.createBare(dir.resolve("a.git"), Map.of("x", "x"));
    ServerConfig cfg = GitTesting.gitConfig(GitTesting.fileUrl(remote), dir.resolve("data"));

    try (ServerState one = ServerState.of(cfg, RESOURCES);
        ServerState other = ServerState.of(cfg, RESOURCES)) {
      assertThat(one.source()).isInstanceOf(GitSource.class).isSameAs(one.source());
      assertThat(other.source()).isNotSameAs(one.source());
    }

    ServerConfig local = GitTesting.localConfig(dir.resolve("served"), dir.resolve("data"));
    try (ServerState state = ServerState.of(local, RESOURCES)) {
      assertThat(state.source()).isInstanceOf(DirectorySource.class).isSameAs(state.source());
      assertThat(state.source().kind()).isEqualTo(SourceKind.LOCAL);
    }
  }

  @Test
  void makesCupsVerticlesAndLeavesOthersToVertx() {
    ServerConfig local = GitTesting.localConfig(dir.resolve("served"), dir.resolve("data"));
    try (ServerState state = ServerState.of(local, RESOURCES)) {
      for (String verticle :
          java.util.List.of(
              "io.cup.fetcher.FetcherVerticle",
              "io.cup.controllers.ControllerVerticle",
              "io.cup.proposals.PublisherVerticle",
              "io.cup.proposals.ReconcilerVerticle",
              "io.cup.api.ApiVerticle")) {
        assertThat(state.verticle(verticle)).as(verticle).isPresent();
        assertThat(state.verticle(verticle).orElseThrow().get()).isNotNull();
      }
      assertThat(state.verticle(RecordingVerticle.class.getName())).isEmpty();
    }
  }

  @Test
  void anExistingCloneIsOpenedAheadAndClosedWithWhatServesIt() {
    Path remote = TestRepos.createBare(dir.resolve("a.git"), Map.of("x", "x"));
    ServerConfig cfg = GitTesting.gitConfig(GitTesting.fileUrl(remote), dir.resolve("data"));
    ServerState.ServedRepository none = ServerState.ServedRepository.of(cfg);
    none.openAhead();
    assertThat(none.git().isOpen()).as("no clone yet: the fetcher clones").isFalse();
    none.git().cloneOrOpen();
    none.close();

    ServerState.ServedRepository served = ServerState.ServedRepository.of(cfg);
    served.openAhead();
    assertThat(served.git().isOpen()).isTrue();
    served.close();
    assertThat(served.git().isOpen()).isFalse();
  }

  @Test
  void aCloneThatCannotBeOpenedAheadIsLeftToTheFetcher() throws Exception {
    Path remote = TestRepos.createBare(dir.resolve("a.git"), Map.of("x", "x"));
    ServerConfig cfg = GitTesting.gitConfig(GitTesting.fileUrl(remote), dir.resolve("data"));
    Files.createDirectories(cfg.repositoryDir());
    Files.writeString(cfg.repositoryDir().resolve("not-git"), "x");

    try (ServerState.ServedRepository served = ServerState.ServedRepository.of(cfg)) {
      served.openAhead();
      assertThat(served.git().isOpen()).isFalse();
      assertThatThrownBy(served.git()::open).hasMessageContaining("is not a Git repository");
    }
  }

  @Test
  void refusesAnUnknownSourceOrAMissingSetting() {
    ServerConfig local = GitTesting.localConfig(dir, dir);
    ServerConfig unknown =
        ServerConfig.fromJson(new JsonObject().put("source", "svn").put("dataDir", dir.toString()));
    assertThatThrownBy(() -> ServerState.of(unknown, RESOURCES))
        .hasMessageContaining("unknown source svn");
    ServerConfig noRemote =
        ServerConfig.fromJson(new JsonObject().put("source", "git").put("dataDir", dir.toString()));
    assertThatThrownBy(() -> ServerState.of(noRemote, RESOURCES))
        .hasMessageContaining("--api-git-repo");
    ServerConfig noPath =
        ServerConfig.fromJson(
            new JsonObject().put("source", "local").put("dataDir", dir.toString()));
    assertThatThrownBy(() -> ServerState.of(noPath, RESOURCES))
        .hasMessageContaining("--api-local-path");
    assertThat(ServerState.of(local, RESOURCES).source()).isInstanceOf(DirectorySource.class);
  }
}
