package io.cup.wasm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cup.bus.FileChange;
import io.cup.git.GitRevisionView;
import io.cup.metrics.Metrics;
import io.cup.status.StatusException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(120)
class WasmRunnerTest {
  @TempDir Path dir;
  @TempDir Path repoDir;
  private TestRepository repo;

  @BeforeEach
  void init() throws Exception {
    repo = new TestRepository(repoDir);
  }

  @AfterEach
  void close() {
    repo.close();
  }

  private WasmRunner runner(String module, WasmModule.Execution execution) {
    return new WasmRunner(GuestModules.load(module, dir, execution), module, WasmLimits.DEFAULTS);
  }

  @ParameterizedTest
  @EnumSource(WasmModule.Execution.class)
  void echoesArgvAndStdinAndReadsAFileOfTheRevision(WasmModule.Execution execution)
      throws Exception {
    GitRevisionView view =
        repo.commit(Map.of("default/flag.json", "{\"on\": true}\n", "other.txt", "other\n"));
    WasmRunner runner = runner("echo", execution);
    assertThat(runner.module().execution()).isEqualTo(execution);

    GuestCall call =
        new GuestCall(
            GuestCall.Operation.PUT,
            "Flag",
            "default",
            List.of("default/flag.json"),
            "stdin bytes\n".getBytes(UTF_8));
    GuestResult result = runner.run(view, call);

    assertThat(result.exitCode()).isZero();
    assertThat(result.stdoutText())
        .isEqualTo("echo\nput\nFlag\ndefault\ndefault/flag.json\nstdin bytes\n{\"on\": true}\n");
    assertThat(result.stderr()).isEmpty();
    assertThat(result.changes()).isEmpty();
    assertThat(result.duration()).isPositive();
  }

  @Test
  void listPassesLabelsAsArguments() throws Exception {
    GitRevisionView view = repo.commit(Map.of("x.txt", "x"));
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("team", "a");
    labels.put("tier", "gold");

    GuestResult result =
        runner("echo", WasmModule.Execution.COMPILED)
            .run(view, GuestCall.list("Flag", "default", Map.of()));
    assertThat(result.stdoutText()).isEqualTo("echo\nlist\nFlag\ndefault\n");

    // a label is argv[4] too: echo then tries to open "team=a", which does not exist → 404
    assertThatThrownBy(
            () ->
                runner("echo", WasmModule.Execution.COMPILED)
                    .run(view, GuestCall.list("Flag", "default", labels)))
        .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(404));
  }

  @Test
  void exitTwoIsNotFound() throws Exception {
    GitRevisionView view = repo.commit(Map.of("x.txt", "x"));
    assertThatThrownBy(
            () ->
                runner("echo", WasmModule.Execution.COMPILED)
                    .run(view, GuestCall.get("Flag", "default", "missing.json")))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.code()).isEqualTo(404);
              assertThat(e.getMessage()).isEqualTo("Flag default/missing.json not found");
            });
  }

  @Test
  void exitOneIsAnErrorQuotingAtMostOneKibOfTheGuestsOutput() throws Exception {
    GitRevisionView view = repo.commit(Map.of("x.txt", "x"));
    String said = "the flag is malformed: " + "x".repeat(3000);

    assertThatThrownBy(
            () ->
                runner("fail", WasmModule.Execution.COMPILED)
                    .run(view, GuestCall.put("Flag", "default", "f", said.getBytes(UTF_8))))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.code()).isEqualTo(500);
              assertThat(e.getMessage())
                  .startsWith(
                      "controller fail failed to put Flag default/f: the flag is malformed: xxx")
                  .endsWith("…");
              String quoted = e.getMessage().substring(e.getMessage().indexOf(": ") + 2);
              assertThat(quoted.getBytes(UTF_8).length).isLessThanOrEqualTo(1024 + 3);
            });
  }

  @ParameterizedTest
  @EnumSource(WasmModule.Execution.class)
  void capturesEveryChangeAPutMakesAndOnlyRealOnes(WasmModule.Execution execution)
      throws Exception {
    Map<String, String> files = new TreeMap<>();
    files.put("a.txt", "a\n");
    files.put("b.txt", "b\n");
    files.put("same.txt", "same\n");
    files.put("gone/one.txt", "one\n");
    files.put("keep/k.txt", "k\n");
    files.put("from.txt", "from\n");
    GitRevisionView view = repo.commit(files);

    GuestResult result =
        runner("writer", execution)
            .run(view, GuestCall.put("Flag", "default", "f", "created\n".getBytes(UTF_8)));

    assertThat(describe(result.changes()))
        .containsExactly(
            "upsert a.txt changed\n",
            "delete b.txt",
            "delete from.txt",
            "delete gone/one.txt",
            "upsert made/c.txt c\n",
            "upsert made/to.txt from\n",
            "upsert new.txt created\n");
  }

  @Test
  void getAndListCannotWrite() throws Exception {
    GitRevisionView view = repo.commit(Map.of("a.txt", "a\n"));

    assertThatThrownBy(
            () ->
                runner("writer", WasmModule.Execution.COMPILED)
                    .run(view, GuestCall.get("Flag", "default", "f")))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.code()).isEqualTo(500);
              // step 1 (create new.txt) fails with EROFS (69)
              assertThat(e.getMessage()).endsWith(": step 1 errno 69");
            });
  }

  @Test
  void readsOnlyTheBlobsItOpensAndTheTreesOnTheirPaths() throws Exception {
    Map<String, String> files = new TreeMap<>();
    for (int i = 0; i < 5000; i++) {
      files.put("d" + (i % 50) + "/sub/f" + i + ".txt", "file " + i + "\n");
    }
    TestRepository.Counting view = new TestRepository.Counting(repo.commit(files));

    GuestResult result =
        runner("echo", WasmModule.Execution.COMPILED)
            .run(view, GuestCall.get("Flag", "default", "d7/sub/f1257.txt"));

    assertThat(result.stdoutText()).endsWith("file 1257\n");
    assertThat(view.blobReads).hasValue(1);
    assertThat(view.listings.get()).isLessThanOrEqualTo(3);
    assertThat(view.fileLookups.get()).isLessThanOrEqualTo(3);
  }

  @Test
  void recordsCallsAndCompileTime() throws Exception {
    GitRevisionView view = repo.commit(Map.of("x.txt", "x\n"));
    WasmRunner runner =
        new WasmRunner(
            GuestModules.load("echo", dir, WasmModule.Execution.COMPILED),
            "metrics-probe",
            WasmLimits.DEFAULTS);

    runner.run(view, GuestCall.get("Flag", "default", "x.txt"));
    assertThatThrownBy(() -> runner.run(view, GuestCall.get("Flag", "default", "nope")))
        .isInstanceOf(StatusException.class);

    var ok =
        Metrics.registry()
            .find("cup.wasm.calls")
            .tags("controller", "metrics-probe", "operation", "get", "outcome", "ok")
            .timer();
    var notFound =
        Metrics.registry()
            .find("cup.wasm.calls")
            .tags("controller", "metrics-probe", "operation", "get", "outcome", "not_found")
            .timer();
    assertThat(ok).isNotNull();
    assertThat(ok.count()).isEqualTo(1);
    assertThat(notFound).isNotNull();
    assertThat(notFound.count()).isEqualTo(1);
    // a latency histogram, not only count and sum
    assertThat(Metrics.registry().scrape())
        .containsPattern("cup_wasm_calls_seconds_bucket\\{[^}]*controller=\"metrics-probe\"");
    var compile = Metrics.registry().find("cup.wasm.compile").tag("module", "echo").timer();
    assertThat(compile).isNotNull();
    assertThat(compile.count()).isPositive();
  }

  private static List<String> describe(List<FileChange> changes) {
    return changes.stream()
        .map(
            c ->
                c.isDelete()
                    ? "delete " + c.path()
                    : "upsert " + c.path() + " " + new String(c.content(), UTF_8))
        .toList();
  }
}
