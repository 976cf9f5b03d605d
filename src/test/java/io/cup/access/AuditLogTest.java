package io.cup.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuditLogTest {
  private static final Duration APPEARS_WITHIN = Duration.ofSeconds(2);
  private static final UserInfo ALICE =
      UserInfo.authenticated("alice", "u-1", List.of("flag-editors"), null);

  @TempDir Path dir;

  @Test
  void oneEventIsOneJsonLineWithEveryField() throws Exception {
    Path file = dir.resolve("audit.log");
    Instant received = Instant.parse("2026-12-07T04:05:06.123456789Z");
    Instant completed = Instant.parse("2026-12-07T04:05:06.200Z");
    AuditEvent event =
        AuditEvent.of(
            new RequestAttributes(
                ALICE,
                "update",
                true,
                "",
                "flipt.io",
                "v1",
                "flags",
                "status",
                "default",
                "checkout"),
            "/apis/flipt.io/v1/namespaces/default/flags/checkout/status?dryRun=All",
            List.of("10.0.0.7", "192.168.1.1"),
            "kubectl/v1.31",
            received,
            completed,
            403,
            "Forbidden",
            "flags.flipt.io \"checkout\" is forbidden",
            Map.of(
                AuditEvent.DECISION,
                AuditEvent.FORBID,
                AuditEvent.REASON,
                "no rule allows it",
                AuditEvent.PROPOSAL,
                "p-42"));

    try (AuditLog log = AuditLog.open(file.toString())) {
      log.record(event);
    }

    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(1);
    JsonObject json = new JsonObject(lines.get(0));
    assertThat(json.getString("kind")).isEqualTo("Event");
    assertThat(json.getString("apiVersion")).isEqualTo("audit.k8s.io/v1");
    assertThat(json.getString("level")).isEqualTo("Metadata");
    assertThat(json.getString("auditID"))
        .isEqualTo(event.auditId())
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(json.getString("stage")).isEqualTo("ResponseComplete");
    assertThat(json.getString("requestURI"))
        .isEqualTo("/apis/flipt.io/v1/namespaces/default/flags/checkout/status?dryRun=All");
    assertThat(json.getString("verb")).isEqualTo("update");
    assertThat(json.getJsonObject("user").getMap())
        .isEqualTo(
            Map.of(
                "username",
                "alice",
                "uid",
                "u-1",
                "groups",
                List.of("flag-editors", UserInfo.AUTHENTICATED)));
    assertThat(json.getJsonArray("sourceIPs"))
        .isEqualTo(new JsonArray(List.of("10.0.0.7", "192.168.1.1")));
    assertThat(json.getString("userAgent")).isEqualTo("kubectl/v1.31");
    assertThat(json.getJsonObject("objectRef").getMap())
        .isEqualTo(
            Map.of(
                "resource", "flags",
                "namespace", "default",
                "name", "checkout",
                "apiGroup", "flipt.io",
                "apiVersion", "v1",
                "subresource", "status"));
    assertThat(json.getJsonObject("responseStatus").getMap())
        .isEqualTo(
            Map.of(
                "metadata",
                Map.of(),
                "status",
                "Failure",
                "reason",
                "Forbidden",
                "message",
                "flags.flipt.io \"checkout\" is forbidden",
                "code",
                403));
    assertThat(json.getString("requestReceivedTimestamp")).isEqualTo("2026-12-07T04:05:06.123456Z");
    assertThat(json.getString("stageTimestamp")).isEqualTo("2026-12-07T04:05:06.200000Z");
    assertThat(json.getJsonObject("annotations").getMap())
        .isEqualTo(
            Map.of(
                "authorization.k8s.io/decision", "forbid",
                "authorization.k8s.io/reason", "no rule allows it",
                "cup.flipt.io/proposal", "p-42"));
    assertThat(json.fieldNames())
        .containsExactlyInAnyOrder(
            "kind",
            "apiVersion",
            "level",
            "auditID",
            "stage",
            "requestURI",
            "verb",
            "user",
            "sourceIPs",
            "userAgent",
            "objectRef",
            "responseStatus",
            "requestReceivedTimestamp",
            "stageTimestamp",
            "annotations");
    if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
    }
  }

  @Test
  void aSuccessHasOnlyItsCodeAndANonResourceRequestHasNoObjectRef() throws Exception {
    AuditEvent event =
        AuditEvent.of(
            RequestAttributes.nonResource(UserInfo.ANONYMOUS, "get", "/metrics"),
            "/metrics",
            List.of("127.0.0.1"),
            null,
            Instant.EPOCH,
            Instant.EPOCH,
            200,
            null,
            null,
            null);

    JsonObject json = new JsonObject(event.toJson().encode());

    assertThat(json.getJsonObject("responseStatus"))
        .isEqualTo(new JsonObject().put("metadata", new JsonObject()).put("code", 200));
    assertThat(json.containsKey("objectRef")).isFalse();
    assertThat(json.containsKey("userAgent")).isFalse();
    assertThat(json.containsKey("annotations")).isFalse();
    assertThat(json.getJsonObject("user").getMap())
        .isEqualTo(
            Map.of("username", "system:anonymous", "groups", List.of("system:unauthenticated")));
    assertThat(json.getString("stageTimestamp")).isEqualTo("1970-01-01T00:00:00.000000Z");
  }

  @Test
  void aClusterScopedObjectLeavesOutTheEmptyFields() throws Exception {
    AuditEvent event =
        AuditEvent.of(
            RequestAttributes.resource(ALICE, "merge", "flipt.io", "v1", "proposals", "", "p-1"),
            "/apis/flipt.io/v1/proposals/p-1/merge",
            List.of("::1"),
            "curl/8",
            Instant.EPOCH,
            Instant.EPOCH,
            200,
            null,
            null,
            Map.of(AuditEvent.DECISION, AuditEvent.ALLOW));

    assertThat(event.toJson().getJsonObject("objectRef").getMap())
        .isEqualTo(
            Map.of(
                "resource",
                "proposals",
                "name",
                "p-1",
                "apiGroup",
                "flipt.io",
                "apiVersion",
                "v1"));
    assertThat(event.toJson().getString("verb")).isEqualTo("merge");
  }

  @Test
  void eightThreadsWriteEveryEventOnceAndNoLineIsCut() throws Exception {
    Path file = dir.resolve("nested/deeper/audit.log");
    int threads = 8;
    int perThread = 5_000;
    Set<String> expected = new HashSet<>();
    AuditLog log = AuditLog.open(file.toString());
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<List<String>>> ids = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        ids.add(
            pool.submit(
                () -> {
                  go.await(1, TimeUnit.MINUTES);
                  List<String> mine = new ArrayList<>(perThread);
                  for (int i = 0; i < perThread; i++) {
                    AuditEvent event = event("t" + thread + "-" + i);
                    mine.add(event.auditId());
                    log.record(event);
                  }
                  return mine;
                }));
      }
      go.countDown();
      for (Future<List<String>> f : ids) {
        expected.addAll(f.get(30, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
      log.close();
    }

    List<String> lines = Files.readAllLines(file);
    assertThat(expected).hasSize(threads * perThread);
    assertThat(lines).hasSize(threads * perThread);
    Set<String> seen = new HashSet<>();
    for (String line : lines) {
      JsonObject json = new JsonObject(line); // throws on a cut or interleaved line
      assertThat(seen.add(json.getString("auditID"))).as("written once").isTrue();
    }
    assertThat(seen).isEqualTo(expected);
  }

  @Test
  void eventsStillQueuedAtCloseAreOnDiskWhenCloseReturns() throws Exception {
    Path file = dir.resolve("audit.log");
    AuditLog log = AuditLog.open(file.toString());
    int count = 20_000;
    for (int i = 0; i < count; i++) {
      log.record(event("n-" + i));
    }
    log.close();
    log.close(); // idempotent

    assertThat(Files.readAllLines(file)).hasSize(count);
  }

  @Test
  void anEventRecordedAfterCloseIsNotWritten() throws Exception {
    Path file = dir.resolve("audit.log");
    AuditLog log = AuditLog.open(file.toString());
    log.record(event("before"));
    log.close();
    log.record(event("after"));
    log.close();

    assertThat(Files.readAllLines(file)).hasSize(1).allMatch(l -> l.contains("/before"));
  }

  @Test
  void theFileIsAppendedToAcrossOpens() throws Exception {
    Path file = dir.resolve("audit.log");
    try (AuditLog log = AuditLog.open(file.toString())) {
      log.record(event("first"));
    }
    try (AuditLog log = AuditLog.open(file.toString())) {
      log.record(event("second"));
    }

    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(2);
    assertThat(new JsonObject(lines.get(0)).getString("requestURI")).endsWith("/first");
    assertThat(new JsonObject(lines.get(1)).getString("requestURI")).endsWith("/second");
  }

  @Test
  void aLineAppearsWithoutClose() throws Exception {
    Path file = dir.resolve("audit.log");
    try (AuditLog log = AuditLog.open(file.toString())) {
      AuditEvent event = event("soon");
      log.record(event);

      List<String> lines = awaitLines(file, l -> !l.isEmpty());

      assertThat(lines).hasSize(1);
      assertThat(new JsonObject(lines.get(0)).getString("auditID")).isEqualTo(event.auditId());
    }
  }

  @Test
  void dashWritesToStandardOutput() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    AuditEvent event = event("stdout");
    try (PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      try (AuditLog log = AuditLog.open("-")) {
        log.record(event);
      }
    } finally {
      System.setOut(original);
    }

    // anything else the process printed meanwhile (a console log line) is on lines of its own
    List<JsonObject> events =
        captured
            .toString(StandardCharsets.UTF_8)
            .lines()
            .filter(l -> l.startsWith("{\"kind\":\"Event\""))
            .map(JsonObject::new)
            .toList();
    assertThat(events).hasSize(1);
    assertThat(events.get(0).getString("auditID")).isEqualTo(event.auditId());
  }

  @Test
  void aFailedWriteIsRetriedWithoutLosingOrDoublingALine() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AtomicInteger failuresLeft = new AtomicInteger(1);
    OutputStream disk =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public synchronized void write(byte[] b, int off, int len) throws IOException {
            if (failuresLeft.getAndDecrement() > 0) {
              throw new IOException("No space left on device");
            }
            out.write(b, off, len);
          }
        };
    double failedBefore = AuditMetrics.WRITE_FAILURES.count();
    AuditEvent event = event("retried");
    try (AuditLog log = AuditLogWriter.toStream(disk, "full disk")) {
      log.record(event);

      long deadline = System.nanoTime() + APPEARS_WITHIN.toNanos();
      while (!captured(disk, out).contains(event.auditId())) {
        assertThat(System.nanoTime() - deadline).as("written within 2 s").isNegative();
        LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
      }
    }

    assertThat(captured(disk, out).lines()).hasSize(1);
    assertThat(AuditMetrics.WRITE_FAILURES.count()).isGreaterThan(failedBefore);
  }

  @Test
  void closeGivesUpOnALogThatCannotBeWrittenAndCountsTheLoss() throws Exception {
    OutputStream broken =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("No space left on device");
          }
        };
    double lostBefore = AuditMetrics.LOST.count();
    AuditLog log = AuditLogWriter.toStream(broken, "broken disk");
    log.record(event("a"));
    log.record(event("b"));

    log.close(); // returns: does not retry forever

    assertThat(AuditMetrics.LOST.count() - lostBefore).isEqualTo(2.0);
  }

  private static String captured(OutputStream lock, ByteArrayOutputStream out) {
    synchronized (lock) {
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void noPathIsNoAuditLog() throws Exception {
    assertThat(AuditLog.open(null)).isSameAs(AuditLog.NONE);
    assertThat(AuditLog.open(" ")).isSameAs(AuditLog.NONE);
    AuditLog.NONE.record(event("nowhere"));
    AuditLog.NONE.close();
  }

  private static AuditEvent event(String name) {
    Instant now = Instant.now();
    return AuditEvent.of(
        RequestAttributes.resource(ALICE, "get", "flipt.io", "v1", "flags", "default", name),
        "/apis/flipt.io/v1/namespaces/default/flags/" + name,
        List.of("127.0.0.1"),
        "test",
        now,
        now,
        200,
        null,
        null,
        Map.of(AuditEvent.DECISION, AuditEvent.ALLOW));
  }

  /** The file's complete lines once one matches, polled until {@link #APPEARS_WITHIN}. */
  private static List<String> awaitLines(Path file, Predicate<String> wanted) throws IOException {
    long deadline = System.nanoTime() + APPEARS_WITHIN.toNanos();
    while (true) {
      if (Files.exists(file)) {
        String text = Files.readString(file);
        int end = text.lastIndexOf('\n');
        List<String> lines = end < 0 ? List.of() : text.substring(0, end + 1).lines().toList();
        if (lines.stream().anyMatch(wanted)) {
          return lines;
        }
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("no matching line in " + file + " within " + APPEARS_WITHIN);
      }
      LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
    }
  }
}
