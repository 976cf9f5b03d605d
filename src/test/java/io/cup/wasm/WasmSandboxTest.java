package io.cup.wasm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cup.git.GitRevisionView;
import io.cup.status.StatusException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Hostile guests: each fails its own call with a clear status, and leaves nothing stuck. */
@Timeout(120)
class WasmSandboxTest {
  private static final Duration WALL_TIME = Duration.ofSeconds(1);

  @TempDir Path dir;
  @TempDir Path repoDir;
  @TempDir Path host;
  private TestRepository repo;
  private GitRevisionView view;

  @BeforeEach
  void init() throws Exception {
    repo = new TestRepository(repoDir);
    view = repo.commit(Map.of("ok.txt", "ok\n"));
  }

  @AfterEach
  void close() {
    repo.close();
  }

  private WasmRunner runner(String module, WasmModule.Execution execution, WasmLimits limits) {
    return new WasmRunner(GuestModules.load(module, dir, execution), module, limits);
  }

  private static StatusException failure(Runnable call) {
    return catchThrowableOfType(StatusException.class, call::run);
  }

  @ParameterizedTest
  @EnumSource(WasmModule.Execution.class)
  void aSpinningGuestIsStoppedAtItsDeadlineAndTheThreadServesTheNextCall(
      WasmModule.Execution execution) {
    WasmLimits limits = new WasmLimits(WALL_TIME, 64L << 20, 16L << 20);
    WasmRunner spin = runner("spin", execution, limits);
    WasmRunner echo = runner("echo", execution, limits);

    StatusException e = failure(() -> spin.run(view, GuestCall.get("Flag", "default", "x")));

    assertThat(e.code()).isEqualTo(504);
    assertThat(e.getMessage())
        .isEqualTo("controller spin did not finish get Flag default/x within 1 s");
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
    GuestResult next = echo.run(view, GuestCall.get("Flag", "default", "ok.txt"));
    assertThat(next.stdoutText()).endsWith("ok\n");
  }

  @Test
  void otherCallsGoOnWhileOneSpins() throws Exception {
    WasmLimits limits = new WasmLimits(Duration.ofSeconds(3), 64L << 20, 16L << 20);
    WasmRunner spin = runner("spin", WasmModule.Execution.COMPILED, limits);
    WasmRunner echo = runner("echo", WasmModule.Execution.COMPILED, limits);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<StatusException> spinning =
          pool.submit(() -> failure(() -> spin.run(view, GuestCall.get("Flag", "default", "x"))));
      Future<GuestResult> served =
          pool.submit(() -> echo.run(view, GuestCall.get("Flag", "default", "ok.txt")));

      assertThat(served.get(10, TimeUnit.SECONDS).stdoutText()).endsWith("ok\n");
      assertThat(spinning.isDone()).isFalse();
      assertThat(spinning.get(10, TimeUnit.SECONDS).code()).isEqualTo(504);
    } finally {
      pool.shutdownNow();
    }
  }

  @ParameterizedTest
  @EnumSource(WasmModule.Execution.class)
  void aMemoryBombFailsWithItsLimit(WasmModule.Execution execution) {
    StatusException e =
        failure(
            () ->
                runner("memory-bomb", execution, WasmLimits.DEFAULTS)
                    .run(view, GuestCall.get("Flag", "default", "x")));

    assertThat(e.code()).isEqualTo(500);
    assertThat(e.getMessage())
        .isEqualTo(
            "controller memory-bomb exceeded its 64 MiB memory limit during get Flag default/x");
  }

  @ParameterizedTest
  @EnumSource(WasmModule.Execution.class)
  void aMemoryBombThatWritesEveryPageItGetsFailsWithItsLimit(WasmModule.Execution execution) {
    // pages are allocated on first write: this guest makes the host allocate every page it grows
    StatusException e =
        failure(
            () ->
                runner("memory-filler", execution, WasmLimits.DEFAULTS)
                    .run(view, GuestCall.get("Flag", "default", "x")));

    assertThat(e.code()).isEqualTo(500);
    assertThat(e.getMessage())
        .isEqualTo(
            "controller memory-filler exceeded its 64 MiB memory limit during get Flag default/x");
  }

  @Test
  void aModuleWhoseInitialMemoryIsOverTheLimitFailsItsCalls() {
    WasmLimits small = new WasmLimits(WALL_TIME, 1L << 20, 16L << 20);
    // echo starts with 2 pages (128 KiB): over a 64 KiB limit
    WasmLimits tiny = new WasmLimits(WALL_TIME, 64L << 10, 16L << 20);

    assertThat(
            runner("echo", WasmModule.Execution.COMPILED, small)
                .run(view, GuestCall.list("Flag", "default", Map.of()))
                .exitCode())
        .isZero();
    StatusException e =
        failure(
            () ->
                runner("echo", WasmModule.Execution.COMPILED, tiny)
                    .run(view, GuestCall.list("Flag", "default", Map.of())));
    assertThat(e.code()).isEqualTo(500);
    assertThat(e.getMessage())
        .isEqualTo("controller echo exceeded its 64 KiB memory limit during list Flag default");
  }

  @ParameterizedTest
  @EnumSource(WasmModule.Execution.class)
  void aStdoutFloodFailsWithTheOutputLimit(WasmModule.Execution execution) {
    WasmLimits limits = new WasmLimits(Duration.ofSeconds(30), 64L << 20, 1L << 20);

    StatusException e =
        failure(
            () -> runner("flood", execution, limits).run(view, GuestCall.get("Flag", "d", "x")));

    assertThat(e.code()).isEqualTo(500);
    assertThat(e.getMessage())
        .isEqualTo(
            "controller flood exceeded its 1 MiB output limit (stdout and stderr) during get"
                + " Flag d/x");
    // cut at the output limit (500 naming it), not at the 30 s deadline (which would be a 504)
  }

  /**
   * Paths that climb above {@code /} or are absolute fail with ENOTCAPABLE (76; echo exits 1 and
   * quotes it); symbolic links and {@code .git} are simply not there (ENOENT: echo exits 2, 404).
   */
  @ParameterizedTest
  @CsvSource({
    "../../etc/passwd, 500",
    "/etc/passwd, 500",
    "ok.txt/../../etc/passwd, 500",
    "./../etc/passwd, 500",
    "HOST_SECRET, 500",
    "../HOST_SECRET, 500",
    "link, 404",
    "dir/up/etc/passwd, 404",
    "dir/up, 404",
    ".git/config, 404"
  })
  void pathsOutsideTheTreeNeverReachAHostFile(String attempt, int code) throws Exception {
    Path secret = Files.writeString(host.resolve("secret.txt"), "host secret\n");
    GitRevisionView symlinks = repo.commitWithSymlinks(secret.toString());
    String path =
        attempt
            .replace("../HOST_SECRET", "../".repeat(secret.getNameCount()) + secret)
            .replace("HOST_SECRET", secret.toString());

    StatusException e =
        failure(
            () ->
                runner("echo", WasmModule.Execution.COMPILED, WasmLimits.DEFAULTS)
                    .run(symlinks, GuestCall.get("Flag", "default", path)));

    assertThat(e).as("reading %s", path).isNotNull();
    assertThat(e.code()).as("reading %s", path).isEqualTo(code);
    if (code == 500) {
      assertThat(e.getMessage()).endsWith("errno 76");
    }
    assertThat(e.getMessage()).doesNotContain("host secret").doesNotContain("root:");
  }

  @Test
  void aRepositoryFileOverTheReadLimitFailsTheCallWith413NotLoaded() throws Exception {
    int size = (int) GuestFiles.MAX_READ_BYTES + 1;
    GitRevisionView big = repo.commit(Map.of("big.txt", "x".repeat(size), "ok.txt", "ok\n"));
    WasmRunner echo = runner("echo", WasmModule.Execution.COMPILED, WasmLimits.DEFAULTS);

    StatusException e = failure(() -> echo.run(big, GuestCall.get("Flag", "default", "big.txt")));

    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo(413);
    assertThat(e.getMessage()).contains("big.txt").contains(String.valueOf(size));
    assertThat(echo.run(big, GuestCall.get("Flag", "default", "ok.txt")).stdoutText())
        .endsWith("ok\n");
  }

  @Test
  void theRegularFileNextToTheSymlinksIsReadable() throws Exception {
    GitRevisionView symlinks = repo.commitWithSymlinks("/etc/passwd");

    GuestResult result =
        runner("echo", WasmModule.Execution.COMPILED, WasmLimits.DEFAULTS)
            .run(symlinks, GuestCall.get("Flag", "default", "ok.txt"));

    assertThat(result.stdoutText()).endsWith("ok\n");
  }

  @Test
  void aPutThatClimbsOutOfTheTreeWritesNothingToTheHost() throws Exception {
    // writer's first step creates new.txt; run it from a tree where that is fine, then check that
    // no file appeared next to the repository or the module
    GuestResult result =
        runner("writer", WasmModule.Execution.COMPILED, WasmLimits.DEFAULTS)
            .run(
                repo.commit(
                    Map.of(
                        "a.txt", "a\n",
                        "b.txt", "b\n",
                        "same.txt", "same\n",
                        "gone/one.txt", "1\n",
                        "from.txt", "f\n")),
                GuestCall.put("Flag", "default", "f", "new\n".getBytes(UTF_8)));

    assertThat(result.changes()).isNotEmpty();
    try (var files = Files.walk(dir)) {
      assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList())
          .containsOnly("writer.wasm");
    }
    assertThat(Files.exists(Path.of("new.txt"))).isFalse();
    assertThat(List.of(repoDir.toFile().list())).doesNotContain("new.txt", "made");
  }
}
