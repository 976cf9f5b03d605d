package io.cup.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.cup.config.ServerConfig;
import io.cup.testing.TestConfigs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/** Server configurations for the git and fetcher tests. */
public final class GitTesting {
  private GitTesting() {}

  /** A git-source configuration for {@code remote}, cloning under {@code dataDir}. */
  public static ServerConfig gitConfig(
      String remote, Path dataDir, String branch, long pollMillis) {
    return TestConfigs.git(remote, dataDir)
        .gitBranch(branch)
        .pollInterval(Duration.ofMillis(pollMillis))
        .build();
  }

  /** A git-source configuration with the remote's HEAD branch and no polling to speak of. */
  public static ServerConfig gitConfig(String remote, Path dataDir) {
    return gitConfig(remote, dataDir, null, 3_600_000L);
  }

  /** A local-source configuration serving {@code dir}. */
  public static ServerConfig localConfig(Path dir, Path dataDir) {
    return TestConfigs.local(dir, dataDir).build();
  }

  /** A {@code file://} URL for a local bare repository. */
  public static String fileUrl(Path repo) {
    return "file://" + repo.toAbsolutePath();
  }

  /** What {@code git hash-object} says for {@code content}: the id a blob must have. */
  public static String hashObject(String content) throws Exception {
    Process process = new ProcessBuilder("git", "hash-object", "--stdin").start();
    try (var in = process.getOutputStream()) {
      in.write(content.getBytes(StandardCharsets.UTF_8));
    }
    String id = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(process.waitFor()).isZero();
    return id;
  }
}
