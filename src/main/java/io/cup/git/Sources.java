package io.cup.git;

import io.cup.config.ServerConfig;
import java.nio.file.Paths;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one {@link Source} per served repository per JVM: every verticle that reads or writes the
 * repository gets the same instance (and so the same fetch lock and open repository). Keyed by the
 * clone directory of a Git source and by the path of a local one.
 */
public final class Sources {
  private static final Map<String, GitClone> CLONES = new ConcurrentHashMap<>();
  private static final Map<String, DirectorySource> SOURCES = new ConcurrentHashMap<>();

  private Sources() {}

  /** The source {@code cfg} serves: {@link #git} for "git", {@link #directory} for "local". */
  public static Source open(ServerConfig cfg) {
    String kind = cfg.source() == null ? "git" : cfg.source();
    return switch (kind) {
      case "git" -> git(cfg).revisions();
      case "local" -> directory(cfg);
      default ->
          throw new IllegalArgumentException("unknown source " + kind + " (expected git or local)");
    };
  }

  /** The shared Git source of {@code cfg}'s remote (not cloned or opened by this call). */
  public static GitClone git(ServerConfig cfg) {
    String key = "git:" + cfg.repositoryDir().toAbsolutePath().normalize();
    return CLONES.computeIfAbsent(key, k -> GitClone.create(cfg));
  }

  /** The shared source of {@code cfg}'s local directory. */
  public static DirectorySource directory(ServerConfig cfg) {
    if (cfg.localPath() == null || cfg.localPath().isBlank()) {
      throw new IllegalArgumentException("no local directory configured (--api-local-path)");
    }
    String key = "local:" + Paths.get(cfg.localPath()).toAbsolutePath().normalize();
    return SOURCES.computeIfAbsent(key, k -> DirectorySource.create(cfg));
  }

  /**
   * For tests only: forgets every shared source and closes the Git repositories they opened, so the
   * next test starts from nothing. Never call it while a server is running in the JVM.
   */
  public static void forgetAll() {
    CLONES
        .values()
        .removeIf(
            clone -> {
              clone.close();
              return true;
            });
    SOURCES.clear();
  }
}
