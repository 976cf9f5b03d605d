package io.cup.git;

import io.cup.config.ServerConfig;
import io.cup.testing.GitDaemon;
import io.cup.testing.TestRepos;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixture of the clone and revision tests: a bare remote seeded with a few files ({@link
 * #SEED}) under {@link #served}, served by {@code git daemon} on loopback, and a data directory for
 * the clone. The clone a test makes with {@link #cloned} is closed after it.
 */
abstract class SeededRemote {
  static final Map<String, String> SEED =
      Map.of(
          "README.md", "# flags\n",
          "default/flipt.io-v1alpha1-Flag-a.json", "{\"name\":\"a\"}\n",
          "default/flipt.io-v1alpha1-Flag-b.json", "{\"name\":\"b\"}\n",
          "other/nested/deep.txt", "deep\n");

  @TempDir Path served;
  @TempDir Path data;
  GitDaemon daemon;
  Path remote;
  GitClone source;

  @BeforeEach
  void seed() {
    remote = TestRepos.createBare(served.resolve("flags.git"), SEED);
    daemon = GitDaemon.serve(served);
  }

  @AfterEach
  void cleanUp() {
    if (source != null) {
      source.close();
    }
    daemon.close();
  }

  /** Clones (or opens) {@code cfg}'s remote; the test's clone until the next call. */
  GitClone cloned(ServerConfig cfg) {
    source = GitClone.create(cfg);
    source.cloneOrOpen();
    return source;
  }
}
