package io.cup.testing.scm;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The pull (merge) requests of the stand-in's one repository, as the SCM keeps them. Not
 * thread-safe by itself: {@link ScmStandIn} holds its lock around every use.
 */
final class PullStore {
  /** One pull or merge request; mutable, only ever touched under the stand-in's lock. */
  static final class Pull {
    final int number;
    final long id;
    final Instant createdAt;
    String title;
    String body;
    final String head;
    String base;
    final List<String> labels = new ArrayList<>();
    boolean open = true;
    boolean merged;
    String mergeSha;
    Instant updatedAt;
    Instant closedAt;
    Instant mergedAt;
    final List<Comment> comments = new ArrayList<>();

    Pull(int number, String head, String base, String title, String body) {
      this.number = number;
      this.id = 1000L + number;
      this.head = head;
      this.base = base;
      this.title = title;
      this.body = body;
      this.createdAt = now();
      this.updatedAt = createdAt;
    }

    /** A stable stand-in for the head commit: the SCM would report the branch's tip. */
    String headSha() {
      return sha1("head:" + head);
    }

    ScmStandIn.PullSnapshot snapshot() {
      return new ScmStandIn.PullSnapshot(
          number,
          head,
          base,
          title,
          body,
          List.copyOf(labels),
          open ? "open" : "closed",
          merged,
          mergeSha,
          comments.stream().map(Comment::body).toList());
    }
  }

  /** A comment (GitHub/Gitea) or note (GitLab) on a pull request. */
  record Comment(long id, String body, Instant createdAt) {}

  private final Map<Integer, Pull> pulls = new LinkedHashMap<>();
  private final Map<String, Long> labelIds = new LinkedHashMap<>();
  private long nextCommentId = 5000;

  Pull open(String head, String base, String title, String body) {
    Pull pull = new Pull(pulls.size() + 1, head, base, title, body);
    pulls.put(pull.number, pull);
    return pull;
  }

  Optional<Pull> get(int number) {
    return Optional.ofNullable(pulls.get(number));
  }

  /** The open pull from {@code head} into {@code base} (or into any base if null), if any. */
  Optional<Pull> openFrom(String head, String base) {
    return pulls.values().stream()
        .filter(p -> p.open && p.head.equals(head) && (base == null || p.base.equals(base)))
        .findFirst();
  }

  /** Matching pulls, newest first, as the SCMs list them by default. */
  List<Pull> list(Predicate<Pull> filter) {
    List<Pull> found = new ArrayList<>(pulls.values().stream().filter(filter).toList());
    found.sort((a, b) -> Integer.compare(b.number, a.number));
    return found;
  }

  List<ScmStandIn.PullSnapshot> snapshots() {
    return pulls.values().stream().map(Pull::snapshot).toList();
  }

  void close(Pull pull) {
    pull.open = false;
    pull.closedAt = now();
    pull.updatedAt = pull.closedAt;
  }

  void reopen(Pull pull) {
    pull.open = true;
    pull.closedAt = null;
    pull.updatedAt = now();
  }

  /** Merges with the given merge commit, or a generated one if null. */
  void merge(Pull pull, String mergeSha) {
    pull.open = false;
    pull.merged = true;
    pull.mergeSha = mergeSha != null ? mergeSha : sha1("merge:" + pull.number + ":" + pull.head);
    pull.mergedAt = now();
    pull.closedAt = pull.mergedAt;
    pull.updatedAt = pull.mergedAt;
  }

  void addLabel(Pull pull, String name) {
    labelId(name);
    if (!pull.labels.contains(name)) {
      pull.labels.add(name);
      pull.updatedAt = now();
    }
  }

  /** The repository's label of that name; created on first use, as GitHub and GitLab do. */
  long labelId(String name) {
    return labelIds.computeIfAbsent(name, n -> 100L + labelIds.size() + 1);
  }

  Optional<String> labelName(long id) {
    return labelIds.entrySet().stream()
        .filter(e -> e.getValue() == id)
        .map(Map.Entry::getKey)
        .findFirst();
  }

  Comment comment(Pull pull, String body) {
    Comment comment = new Comment(nextCommentId++, body, now());
    pull.comments.add(comment);
    pull.updatedAt = comment.createdAt();
    return comment;
  }

  static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS);
  }

  static String sha1(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-1", e);
    }
  }
}
