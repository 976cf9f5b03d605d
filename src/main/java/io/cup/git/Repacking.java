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
 * <p>The owner runs it after a fetch, outside the fetch lock and one at a time ({@link
 * GitClone#repackIfDue}), as {@code git gc --auto} runs beside other git commands: a repack can
 * take seconds, and writers that create local refs (which need the lock) must not wait for it. That
 * is safe as it is for git: readers keep reading (a pack is deleted only once superseded, and JGit
 * rescans); a pack a fetch writes meanwhile is not among the packs the repack replaces; refs are
 * packed under their own lock files, a loose ref removed only when unchanged; recent unreferenced
 * objects are kept ({@code gc.pruneExpire}, two weeks), so a proposal commit being written
 * meanwhile stays. JGit's own automatic gc, which a fetch would run under the lock, is turned off
 * ({@link #configure}). A failure is logged, never fails the fetch.
 */
final class Repacking {
  /** More packs than this and the clone is repacked ({@code gc.autopacklimit}'s default). */
  static final int MAX_PACKS = 50;

  /** More loose objects than this and the clone is repacked ({@code gc.auto}'s default). */
  static final int MAX_LOOSE_OBJECTS = 6_700;

  /** The delta search window of a repack ({@code pack.window}). */
  static final int DELTA_WINDOW = 3;

  private static final Logger LOG = LoggerFactory.getLogger(Repacking.class);

  private Repacking() {}

  /**
   * Cup's settings for repacking, in the clone's config: a superseded pack goes at once ({@code
   * gc.prunePackExpire=now}, JGit keeps it an hour by default), or every later fetch would find too
   * many packs and repack again; and JGit's automatic gc at the end of a fetch is off ({@code
   * gc.auto=0}, {@code gc.autopacklimit=0}): it would run under the fetch lock, and Cup repacks by
   * {@link #ifNeeded} instead; no bitmaps ({@code pack.buildBitmaps=false}); and a delta search
   * window of {@value #DELTA_WINDOW} objects ({@code pack.window}, git's 10). Returns whether
   * {@code config} changed (the caller saves it).
   */
  static boolean configure(StoredConfig config) {
    boolean changed = false;
    if (!"now".equals(config.getString("gc", null, "prunePackExpire"))) {
      config.setString("gc", null, "prunePackExpire", "now");
      changed = true;
    }
    for (String key : new String[] {"auto", "autopacklimit"}) {
      if (config.getInt("gc", key, -1) != 0) {
        config.setInt("gc", null, key, 0);
        changed = true;
      }
    }
    // no reachability bitmaps: they speed up serving fetches, and nobody fetches from the clone,
    // while building them with thousands of proposal refs took a third of a repack (a clone of
    // 2,041 refs and 7,140 loose objects: 3.0-4.7 s with, 2.4-2.5 s without)
    if (config.getBoolean("pack", "buildbitmaps", true)) {
      config.setBoolean("pack", null, "buildbitmaps", false);
      changed = true;
    }
    // a repack reuses the deltas of the packs it replaces and searches only for the loose objects:
    // those are the trees of the proposals written here, each differing from its neighbours in an
    // entry or two, so any of three neighbours gives the delta the best of ten would (the push's
    // window, RemotePush#DELTA_WINDOW), and the search was most of a repack's processor time
    if (config.getInt("pack", "window", 10) != DELTA_WINDOW) {
      config.setInt("pack", null, "window", DELTA_WINDOW);
      changed = true;
    }
    return changed;
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
