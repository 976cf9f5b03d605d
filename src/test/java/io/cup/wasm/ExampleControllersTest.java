package io.cup.wasm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cup.bus.FileChange;
import io.cup.git.GitRevisionView;
import io.cup.status.StatusException;
import io.cup.testing.FliptFixtures;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The example controllers under {@code controllers/}, built from C with wasi-libc, run under
 * Chicory through this engine's own WASI: the Flipt controller over its test repository, and the
 * module written for the original Cup's protocol.
 */
@Timeout(120)
class ExampleControllersTest {
  private static final Path FLIPT = Path.of("controllers", "flipt", "flipt.wasm");
  private static final Path ORIGINAL =
      Path.of("controllers", "original-protocol", "original-protocol.wasm");
  private static final Path PER_FILE = Path.of("controllers", "per-file", "per-file.wasm");
  private static final Path FLIPT_DATA = Path.of("controllers", "flipt", "testdata", "repository");

  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(WasmModule.Execution.class)
  void fliptControllerGetsListsPutsAndDeletesOverTheGitTree(WasmModule.Execution execution)
      throws Exception {
    WasmRunner flipt =
        new WasmRunner(WasmModule.load("flipt", FLIPT, execution), "flipt", WasmLimits.DEFAULTS);
    try (TestRepository repo = new TestRepository(tmp.resolve("repo.git"))) {
      GitRevisionView view = repo.commit(FliptFixtures.files(FLIPT_DATA));

      List<JsonObject> flags = lines(flipt.run(view, GuestCall.list("Flag", "default", Map.of())));
      assertThat(flags).isNotEmpty();
      assertThat(flags)
          .allSatisfy(f -> assertThat(f.getString("kind")).isEqualTo("Flag"))
          .allSatisfy(
              f ->
                  assertThat(f.getJsonObject("metadata").getString("namespace"))
                      .isEqualTo("default"));
      String name = flags.get(0).getJsonObject("metadata").getString("name");
      JsonObject one =
          new JsonObject(flipt.run(view, GuestCall.get("Flag", "default", name)).stdoutText());
      assertThat(one).isEqualTo(flags.get(0));
      assertThatThrownBy(() -> flipt.run(view, GuestCall.get("Flag", "default", "no-such-flag")))
          .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(404));
      // a resource the guest refuses is the client's error: 422, never a 5xx
      JsonObject mismatched = flags.get(0).copy();
      mismatched.getJsonObject("spec").put("key", "another-key");
      assertThatThrownBy(
              () ->
                  flipt.run(
                      view,
                      GuestCall.put("Flag", "default", name, mismatched.encode().getBytes(UTF_8))))
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> {
                assertThat(e.code()).isEqualTo(422);
                assertThat(e.getMessage())
                    .contains("is invalid")
                    .contains("spec.key must equal metadata.name");
              });

      // two flags into a namespace that has no file yet: one features.yml holding both
      GuestResult first =
          flipt.run(
              view,
              GuestCall.put(
                  "Flag",
                  "team-a",
                  "alpha",
                  FliptFixtures.flag("team-a", "alpha", true).encode().getBytes(UTF_8)));
      assertThat(first.changes())
          .extracting(FileChange::path)
          .containsExactly("team-a/features.yml");
      GitRevisionView afterFirst =
          repo.commit(withChanges(FliptFixtures.files(FLIPT_DATA), first.changes()));
      GuestResult second =
          flipt.run(
              afterFirst,
              GuestCall.put(
                  "Flag",
                  "team-a",
                  "beta",
                  FliptFixtures.flag("team-a", "beta", false).encode().getBytes(UTF_8)));
      assertThat(second.changes())
          .extracting(FileChange::path)
          .containsExactly("team-a/features.yml");
      String yaml = new String(second.changes().get(0).content(), UTF_8);
      assertThat(yaml).contains("namespace: team-a").contains("key: alpha").contains("key: beta");
      GitRevisionView afterSecond =
          repo.commit(withChanges(FliptFixtures.files(FLIPT_DATA), second.changes()));
      assertThat(lines(flipt.run(afterSecond, GuestCall.list("Flag", "team-a", Map.of()))))
          .extracting(f -> f.getJsonObject("metadata").getString("name"))
          .containsExactly("alpha", "beta");

      // delete one; an absent one is 404 and changes nothing
      GuestResult deleted = flipt.run(afterSecond, GuestCall.delete("Flag", "team-a", "alpha"));
      assertThat(new String(deleted.changes().get(0).content(), UTF_8))
          .doesNotContain("key: alpha")
          .contains("key: beta");
      assertThatThrownBy(() -> flipt.run(afterSecond, GuestCall.delete("Flag", "team-a", "gone")))
          .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(404));

      // a put of what is stored changes nothing
      assertThat(
              flipt
                  .run(
                      view,
                      GuestCall.put("Flag", "default", name, flags.get(0).encode().getBytes(UTF_8)))
                  .changes())
          .isEmpty();
    }
  }

  @Test
  void aModuleWrittenForTheOriginalProtocolRunsUnchanged() throws Exception {
    WasmRunner original =
        new WasmRunner(WasmModule.load(ORIGINAL), "original", WasmLimits.DEFAULTS);
    try (TestRepository repo = new TestRepository(tmp.resolve("repo.git"))) {
      GitRevisionView empty = repo.commit(Map.of("README.md", "# config\n"));
      byte[] widget =
          new JsonObject()
              .put("apiVersion", "test.cup.io/v1")
              .put("kind", "Widget")
              .put("metadata", new JsonObject().put("namespace", "default").put("name", "w"))
              .put("spec", new JsonObject().put("size", 3))
              .encode()
              .getBytes(UTF_8);
      GuestResult put = original.run(empty, GuestCall.put("Widget", "default", "w", widget));
      assertThat(put.changes()).hasSize(1);
      GitRevisionView stored =
          repo.commit(withChanges(Map.of("README.md", "# config\n"), put.changes()));
      JsonObject read =
          new JsonObject(
              original.run(stored, GuestCall.get("Widget", "default", "w")).stdoutText());
      assertThat(read.getJsonObject("spec").getInteger("size")).isEqualTo(3);
      assertThat(lines(original.run(stored, GuestCall.list("Widget", "default", Map.of()))))
          .hasSize(1);
      assertThatThrownBy(() -> original.run(stored, GuestCall.get("Widget", "default", "nope")))
          .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(404));
    }
  }

  private static List<JsonObject> lines(GuestResult result) {
    List<JsonObject> objects = new ArrayList<>();
    for (String line : result.stdoutText().split("\n")) {
      if (!line.isBlank()) {
        objects.add(new JsonObject(line));
      }
    }
    return objects;
  }

  private static Map<String, String> withChanges(
      Map<String, String> base, List<FileChange> changes) {
    Map<String, String> files = new LinkedHashMap<>(base);
    for (FileChange change : changes) {
      if (change.isDelete()) {
        files.remove(change.path());
      } else {
        files.put(change.path(), new String(change.content(), UTF_8));
      }
    }
    return files;
  }

  /**
   * The per-file controller over one directory of 1,000 files: wasi-libc reads the directory with
   * several {@code fd_readdir} calls (more than its 32 KiB buffer of entries), resuming at each
   * cookie, then opens every file; every resource must come back once, in order. A put and a delete
   * change exactly their one file. (Compiled only: the directory reads are the host's, the same in
   * both modes, and the interpreter takes seconds over 1,000 files.)
   */
  @Test
  void perFileControllerListsADirectoryOfAThousandFilesAndWritesOneFile() throws Exception {
    WasmRunner perFile =
        new WasmRunner(
            WasmModule.load("per-file", PER_FILE, WasmModule.Execution.COMPILED),
            "per-file",
            WasmLimits.DEFAULTS);
    Map<String, String> files = new LinkedHashMap<>();
    for (int i = 0; i < 1000; i++) {
      String name = String.format("widget-with-a-longish-name-%04d", i);
      // as the module writes a resource: two-space indent, final newline
      files.put(
          "default/widget/" + name + ".json",
          String.format(
                  "{%n  \"apiVersion\": \"bench.cup.io/v1\",%n  \"kind\": \"Widget\",%n"
                      + "  \"metadata\": {%n    \"namespace\": \"default\",%n"
                      + "    \"name\": \"%s\"%n  },%n  \"spec\": {%n    \"size\": %d%n  }%n}%n",
                  name, i)
              .replace("\r", ""));
    }
    files.put("default/widget/notes.txt", "not a resource\n");
    try (TestRepository repo = new TestRepository(tmp.resolve("repo.git"))) {
      GitRevisionView view = repo.commit(files);

      String listed = perFile.run(view, GuestCall.list("Widget", "default", Map.of())).stdoutText();
      List<JsonObject> widgets = new ArrayList<>();
      for (String object : listed.strip().split("\n(?=\\{)")) {
        widgets.add(new JsonObject(object));
      }
      assertThat(widgets).hasSize(1000);
      for (int i = 0; i < 1000; i++) {
        assertThat(widgets.get(i).getJsonObject("metadata").getString("name"))
            .isEqualTo(String.format("widget-with-a-longish-name-%04d", i));
        assertThat(widgets.get(i).getJsonObject("spec").getInteger("size")).isEqualTo(i);
      }
      assertThat(perFile.run(view, GuestCall.list("Widget", "elsewhere", Map.of())).stdout())
          .isEmpty();
      JsonObject one =
          new JsonObject(
              perFile
                  .run(view, GuestCall.get("Widget", "default", "widget-with-a-longish-name-0500"))
                  .stdoutText());
      assertThat(one).isEqualTo(widgets.get(500));
      assertThatThrownBy(() -> perFile.run(view, GuestCall.get("Widget", "default", "nope")))
          .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(404));

      JsonObject changed = widgets.get(7).copy();
      changed.getJsonObject("spec").put("size", 70);
      String name = changed.getJsonObject("metadata").getString("name");
      GuestResult put =
          perFile.run(
              view, GuestCall.put("Widget", "default", name, changed.encode().getBytes(UTF_8)));
      assertThat(put.changes()).hasSize(1);
      assertThat(put.changes().get(0).path()).isEqualTo("default/widget/" + name + ".json");
      assertThat(new JsonObject(new String(put.changes().get(0).content(), UTF_8)))
          .isEqualTo(changed);
      // the same resource as stored: the file stays as it is, nothing to propose
      GuestResult same =
          perFile.run(
              view,
              GuestCall.put("Widget", "default", name, widgets.get(7).encode().getBytes(UTF_8)));
      assertThat(same.changes()).isEmpty();
      assertThat(perFile.run(view, GuestCall.delete("Widget", "default", name)).changes())
          .extracting(FileChange::path, FileChange::isDelete)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("default/widget/" + name + ".json", true));
    }
  }
}
