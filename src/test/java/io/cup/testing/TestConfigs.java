package io.cup.testing;

import io.cup.config.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Server configurations for tests, through {@link ServerConfig#builder()}: on loopback, port 0
 * (pick one with {@code .port(…)} when the test calls the server), author {@value #AUTHOR_NAME}
 * {@code <}{@value #AUTHOR_EMAIL}{@code >}, proposals in the source repository ({@code local} SCM),
 * polling hourly (set {@code .pollInterval(…)} when a test waits for a fetch). Each method returns
 * a builder, so a test states only what it is about and ends with {@code .build()}.
 */
public final class TestConfigs {
  public static final String AUTHOR_NAME = "Cup Test";
  public static final String AUTHOR_EMAIL = "cup@test.invalid";

  /** Polling hourly: a test that needs a fetch asks for one or sets a shorter interval. */
  public static final Duration HOURLY = Duration.ofHours(1);

  private TestConfigs() {}

  /** A Git source cloning {@code remote} under {@code dataDir}. */
  public static ServerConfig.Builder git(String remote, Path dataDir) {
    return defaults(dataDir).gitRepo(remote);
  }

  /** A local source serving the directory {@code dir}, with its data under {@code dataDir}. */
  public static ServerConfig.Builder local(Path dir, Path dataDir) {
    return defaults(dataDir).source("local").localPath(dir);
  }

  /** The demo, created under {@code dataDir}. */
  public static ServerConfig.Builder demo(Path dataDir) {
    return defaults(dataDir).demo(true);
  }

  private static ServerConfig.Builder defaults(Path dataDir) {
    return ServerConfig.builder()
        .host("127.0.0.1")
        .port(0)
        .dataDir(dataDir)
        .author(AUTHOR_NAME, AUTHOR_EMAIL)
        .pollInterval(HOURLY);
  }
}
