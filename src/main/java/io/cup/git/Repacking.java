package io.cup.git;

import java.util.Properties;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.JGitInternalException;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cup's upkeep of its clone, through JGit's public {@link
 * org.eclipse.jgit.api.GarbageCollectCommand GarbageCollectCommand}. Every fetch that brings
 * objects leaves one more pack file in the clone, and reads look through every pack (and keep each
 * pack's index in the heap): after some hundred moves a long-running server slows down and grows.
 * As {@code git gc --auto} would, {@link #ifNeeded} repacks the clone once it holds more than
 * {@value #MAX_PACKS} packs or {@value #MAX_LOOSE_OBJECTS} loose objects (git's defaults of {@code
 * gc.autopacklimit} and {@code gc.auto}, here Cup's own thresholds), and does nothing otherwise.
 *
 * <p>The owner runs it under the fetch lock ({@link GitClone}), so no fetch or local ref update
 * races it; readers keep reading (a pack is deleted only once superseded, and JGit rescans). Recent
 * unreferenced objects are kept ({@code gc.pruneExpire}, two weeks), so a proposal commit being
 * written meanwhile is safe. A failure is logged, never fails the fetch.
 */
final class Repacking {
  /** More packs than this and the clone is repacked ({@code gc.autopacklimit}'s default). */
  static final int MAX_PACKS = 50;

  /** More loose objects than this and the clone is repacked ({@code gc.auto}'s default). */
  static final int MAX_LOOSE_OBJECTS = 6_700;

  private static final Logger LOG = LoggerFactory.getLogger(Repacking.class);

  private Repacking() {}

  /**
   * Cup's settings for repacking, in the clone's config: a superseded pack goes at once ({@code
   * gc.prunePackExpire=now}, JGit keeps it an hour by default), or every later fetch would find too
   * many packs and repack again. Returns whether {@code config} changed (the caller saves it).
   */
  static boolean configure(StoredConfig config) {
    if ("now".equals(config.getString("gc", null, "prunePackExpire"))) {
      return false;
    }
    config.setString("gc", null, "prunePackExpire", "now");
    return true;
  }

  /** Repacks {@code repo} when it holds too many packs or loose objects; logs what it did. */
  static void ifNeeded(Repository repo, String remoteUrl) {
    try (Git git = Git.wrap(repo)) {
      Properties before = git.gc().getStatistics();
      long packs = number(before, "numberOfPackFiles");
      long loose = number(before, "numberOfLooseObjects");
      if (packs <= MAX_PACKS && loose <= MAX_LOOSE_OBJECTS) {
        return;
      }
      long started = System.nanoTime();
      Properties after = git.gc().call();
      LOG.info(
          "repacked the clone of {}: {} packs -> {}, {} loose objects -> {} in {} ms",
          remoteUrl,
          packs,
          number(after, "numberOfPackFiles"),
          loose,
          number(after, "numberOfLooseObjects"),
          (System.nanoTime() - started) / 1_000_000);
    } catch (GitAPIException | JGitInternalException e) {
      if (Thread.currentThread().isInterrupted()) {
        return;
      }
      LOG.warn("could not repack the clone of {}: {}", remoteUrl, e.getMessage());
    }
  }

  private static long number(Properties statistics, String key) {
    Object value = statistics.get(key);
    return value instanceof Number n ? n.longValue() : 0;
  }
}
