package io.cup.controllers;

import io.cup.bus.HistoryEntry;
import io.cup.bus.HistoryPage;
import io.cup.controllers.Controller.Target;
import io.cup.git.FirstParentWalk;
import io.cup.git.RevisionView;
import io.cup.git.UnifiedDiff;
import io.cup.status.StatusException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The history of one resource: the commits of a head's first-parent history at which the resource,
 * as its controller reads it, differs from the first parent. Plain blocking code for a controller
 * worker.
 *
 * <p>The controller is asked only where the answer can change. Each read records the paths it
 * looked at ({@link RecordingView}: the files it read and the directories it listed, the guest's
 * too, whatever the controller); a controller is a function of what it reads, so when none of those
 * paths differs between a commit and its parent, the resource is the same at both and the commit is
 * passed over with two tree lookups per path. Only a commit that touches them reads the resource
 * again at the parent and compares: a commit that changes another flag of the same {@code
 * features.yml} is read and found equal.
 *
 * <p>One walk is bounded by a number of commits and a time, as {@link io.cup.git.LastChanges}'s
 * walk is; where it stops, the page says where to resume ({@link HistoryPage#next()}), so a bound
 * makes pages shorter, never the history.
 */
final class ResourceHistory {
  static final int DEFAULT_MAX_COMMITS = 10_000;
  static final Duration DEFAULT_MAX_WALK = Duration.ofSeconds(10);

  /** The most bytes of one entry's diff. */
  static final int DIFF_LIMIT = 256 * 1024;

  private final int maxCommits;
  private final Duration maxWalk;

  ResourceHistory() {
    this(DEFAULT_MAX_COMMITS, DEFAULT_MAX_WALK);
  }

  ResourceHistory(int maxCommits, Duration maxWalk) {
    if (maxCommits < 1) {
      throw new IllegalArgumentException("maxCommits must be at least 1");
    }
    this.maxCommits = maxCommits;
    this.maxWalk = Objects.requireNonNull(maxWalk, "maxWalk");
  }

  /**
   * Up to {@code limit} entries of {@code target}'s history as seen from {@code head}, starting at
   * commit {@code from} of that history (null: the head). 404 when {@code head} has no history (a
   * local directory), and for a first page that found nothing of a resource that does not exist at
   * the head.
   */
  HistoryPage page(
      Controller controller, Target target, RevisionView head, String from, int limit) {
    if (limit < 1) {
      throw StatusException.badRequest("limit must be at least 1");
    }
    String start = from == null ? head.commit() : from;
    try (FirstParentWalk walk =
        FirstParentWalk.from(head, start)
            .orElseThrow(
                () ->
                    StatusException.notFound(
                        "a local directory has no history: serve a Git repository to read the"
                            + " history of "
                            + describe(target)))) {
      long deadline = System.nanoTime() + maxWalk.toNanos();
      List<HistoryEntry> entries = new ArrayList<>();
      Optional<FirstParentWalk.Step> step = walk.next();
      Reading now = step.isPresent() ? read(controller, target, step.get().view()) : null;
      boolean existed = now != null && now.resource != null;
      String next = null;
      int walked = 0;
      while (step.isPresent()) {
        FirstParentWalk.Step current = step.get();
        if (entries.size() >= limit
            || walked >= maxCommits
            || walked > 0 && System.nanoTime() > deadline) {
          next = current.commit();
          break;
        }
        walked++;
        List<String> changed = current.changed(now.paths);
        if (current.parent() == null || !changed.isEmpty()) {
          RevisionView parentView = current.parentView();
          Reading before =
              parentView == null ? Reading.NOTHING : read(controller, target, parentView);
          if (!Objects.equals(before.resource, now.resource)) {
            entries.add(entry(current, before, now, changed));
            existed = true;
          }
          now = before;
        }
        step = walk.next();
      }
      if (from == null && !existed) {
        throw StatusException.notFound(
            describe(target)
                + " not found, neither at "
                + head.commit()
                + " nor in the "
                + walked
                + " commit(s) of history before it that were read");
      }
      return new HistoryPage(head.commit(), entries, next, next == null && walk.cut());
    }
  }

  /** The resource at {@code view} (null when absent) and the paths the controller read. */
  private static Reading read(Controller controller, Target target, RevisionView view) {
    RecordingView recording = new RecordingView(view);
    JsonObject resource;
    try {
      resource = controller.get(target, recording).orElse(null);
    } catch (StatusException e) {
      // not found (a guest's exit 2), or unreadable then (a broken file): absent at that commit
      resource = null;
    }
    return new Reading(resource, recording.paths());
  }

  private static HistoryEntry entry(
      FirstParentWalk.Step step, Reading before, Reading after, List<String> changed) {
    String change =
        before.resource == null ? "created" : after.resource == null ? "deleted" : "modified";
    String path = path(changed, before, after);
    return new HistoryEntry(
        step.commit(),
        rfc3339(step.commitTime()),
        step.authorName(),
        step.authorEmail(),
        step.message(),
        change,
        path,
        UnifiedDiff.ofDocument(path, yaml(before.resource), yaml(after.resource), DIFF_LIMIT));
  }

  /** The file the change is in: a file the controller read that changed, else what changed. */
  private static String path(List<String> changed, Reading before, Reading after) {
    for (String path : changed) {
      if (before.files.contains(path) || after.files.contains(path)) {
        return path;
      }
    }
    if (!changed.isEmpty()) {
      return changed.get(0);
    }
    // a root commit: the files the resource was read from
    return after.files.isEmpty() ? "" : after.files.iterator().next();
  }

  private static String yaml(JsonObject resource) {
    return resource == null
        ? null
        : new String(ResourceCodec.YAML.encode(resource), StandardCharsets.UTF_8);
  }

  private static String rfc3339(Instant time) {
    return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
        time.truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC));
  }

  private static String describe(Target target) {
    return target.plural() + "." + target.group() + " \"" + target.name() + "\"";
  }

  /** What one read saw: the resource or null, every path read, and the files among them. */
  private record Reading(JsonObject resource, Set<String> paths, Set<String> files) {
    static final Reading NOTHING = new Reading(null, Set.of(), Set.of());

    Reading(JsonObject resource, RecordingView.Paths read) {
      this(resource, read.all(), read.files());
    }
  }

  /** A view that records the paths read through it: files looked up, directories listed. */
  static final class RecordingView implements RevisionView {
    private final RevisionView view;
    private final Set<String> looked = new LinkedHashSet<>();
    private final Set<String> files = new LinkedHashSet<>();
    private final Set<String> directories = new LinkedHashSet<>();

    RecordingView(RevisionView view) {
      this.view = view;
    }

    /** Every path read (looked up or listed), and the files among them that were there. */
    record Paths(Set<String> all, Set<String> files) {}

    Paths paths() {
      Set<String> all = new LinkedHashSet<>(looked);
      all.addAll(directories);
      return new Paths(
          Collections.unmodifiableSet(all),
          Collections.unmodifiableSet(new LinkedHashSet<>(files)));
    }

    @Override
    public String commit() {
      return view.commit();
    }

    @Override
    public Optional<Blob> file(String path) {
      String normalized = normalized(path);
      looked.add(normalized);
      Optional<Blob> found = view.file(path);
      if (found.isPresent()) {
        files.add(normalized);
      }
      return found;
    }

    @Override
    public List<Entry> list(String dir) {
      directories.add(normalized(dir));
      return view.list(dir);
    }

    private static String normalized(String path) {
      String p = path == null ? "" : path;
      while (p.startsWith("/")) {
        p = p.substring(1);
      }
      while (p.endsWith("/")) {
        p = p.substring(0, p.length() - 1);
      }
      return p.equals(".") ? "" : p;
    }
  }
}
