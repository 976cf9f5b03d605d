package io.cup.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.wabt.Wat2Wasm;
import io.cup.Main;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.StoredConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code cup controller test} through {@link Main#run} in this JVM: the Flipt example controller
 * over its test repository as a plain directory and as Git repositories, what it prints, its exit
 * codes, and that nothing is ever written to the repository.
 */
@Timeout(120)
class ControllerCommandTest {
  private static final Path FLIPT = Path.of("controllers/flipt/flipt.wasm").toAbsolutePath();
  private static final Path FLIPT_DATA =
      Path.of("controllers/flipt/testdata/repository").toAbsolutePath();

  @TempDir Path tmp;
  private Path work;
  private Path data;
  private ByteArrayOutputStream out;
  private ByteArrayOutputStream err;

  @BeforeEach
  void copyTheTestRepository() throws IOException {
    out = new ByteArrayOutputStream();
    err = new ByteArrayOutputStream();
    work = Files.createDirectories(tmp.resolve("work"));
    data = tmp.resolve("repository");
    copy(FLIPT_DATA, data);
  }

  // -- a plain directory ------------------------------------------------------------------------

  @Test
  void getPrintsTheExitCodeDurationAndTheResourceAsIndentedJson() {
    int code = run("get", "Flag", "default", "dark-mode", "--repo", data.toString());

    assertThat(code).as(stderr()).isZero();
    assertThat(stdout())
        .contains("argv:      flipt get Flag default dark-mode\n")
        .contains("(a directory, as it is now)")
        .containsPattern("exit:      0 after [0-9.]+ m?s\n")
        .contains("stdout:\n{\n  \"apiVersion\": \"flipt.io/v1alpha1\",\n  \"kind\": \"Flag\",")
        .contains("    \"name\": \"dark-mode\",")
        .contains("stderr:    (empty)")
        .doesNotContain("diff");
    assertThat(stderr()).isEmpty();
  }

  @Test
  void listPassesLabelSelectorsAndJsonOutputCarriesEveryValueOfTheStream() {
    int code = run("list", "Flag", "default", "team=web", "--repo", data.toString(), "-o", "json");

    assertThat(code).as(stderr()).isZero();
    JsonObject report = new JsonObject(stdout());
    assertThat(report.getJsonArray("argv"))
        .containsExactly("flipt", "list", "Flag", "default", "team=web");
    assertThat(report.getInteger("exitCode")).isZero();
    assertThat(report.getDouble("durationMillis")).isPositive();
    assertThat(report.getString("revision")).isEqualTo("local");
    assertThat(names(report.getJsonArray("stdoutJson"))).containsExactly("dark-mode");
    assertThat(report.containsKey("diff")).isFalse();

    out.reset();
    assertThat(run("list", "Flag", "default", "--repo", data.toString(), "-o", "json")).isZero();
    assertThat(names(new JsonObject(stdout()).getJsonArray("stdoutJson")))
        .containsExactly("dark-mode", "new-checkout", "search-ranking-v2");
  }

  @Test
  void putPrintsTheDiffAndLeavesTheDirectoryUnchanged() throws IOException {
    Map<String, String> before = snapshot(data);
    Files.writeString(
        work.resolve("flag.json"), flag("dark-mode", "Dark mode", false).encode(), UTF_8);

    int code = run("put", "Flag", "default", "-f", "flag.json", "--repo", data.toString());

    assertThat(code).as(stderr()).isZero();
    assertThat(stdout())
        .contains("argv:      flipt put Flag default dark-mode\n")
        .contains("changes:   proposed, not written:\n  write  default/features.yml\n")
        .contains("diff --git a/default/features.yml b/default/features.yml\n")
        .contains("--- a/default/features.yml\n+++ b/default/features.yml\n")
        .contains("-  enabled: true\n")
        .contains("+  enabled: false\n");
    assertThat(snapshot(data)).containsExactlyInAnyOrderEntriesOf(before);
  }

  @Test
  void putReadsTheResourceFromStandardInputAndTakesItsName() throws IOException {
    Map<String, String> before = snapshot(data);
    byte[] resource = flag("fresh", "Fresh", true).encode().getBytes(UTF_8);

    int code;
    InputStream stdin = System.in;
    System.setIn(new ByteArrayInputStream(resource));
    try {
      code = run("put", "Flag", "team-a", "-f", "-", "--repo", data.toString(), "-o", "json");
    } finally {
      System.setIn(stdin);
    }

    assertThat(code).as(stderr()).isZero();
    JsonObject report = new JsonObject(stdout());
    assertThat(report.getJsonArray("argv"))
        .containsExactly("flipt", "put", "Flag", "team-a", "fresh");
    assertThat(report.getJsonArray("changes"))
        .containsExactly(
            new JsonObject().put("path", "team-a/features.yml").put("operation", "upsert"));
    assertThat(report.getString("diff"))
        .contains("new file mode 100644")
        .contains("+++ b/team-a/features.yml")
        .contains("+namespace: team-a")
        .contains("+- key: fresh");
    assertThat(snapshot(data)).containsExactlyInAnyOrderEntriesOf(before);
    assertThat(data.resolve("team-a")).doesNotExist();
  }

  @Test
  void putOfWhatIsStoredChangesNothing() throws IOException {
    assertThat(run("get", "Flag", "default", "dark-mode", "--repo", data.toString(), "-o", "json"))
        .isZero();
    JsonObject stored = new JsonObject(stdout()).getJsonArray("stdoutJson").getJsonObject(0);
    Files.writeString(work.resolve("stored.json"), stored.encode(), UTF_8);
    out.reset();

    int code =
        run("put", "Flag", "default", "dark-mode", "-f", "stored.json", "--repo", data.toString());

    assertThat(code).as(stderr()).isZero();
    assertThat(stdout()).contains("changes:   none").doesNotContain("diff --git");
  }

  @Test
  void notFoundExitsOneWithTheStatusMessage() {
    int code = run("get", "Flag", "default", "no-such-flag", "--repo", data.toString());

    assertThat(code).isEqualTo(1);
    assertThat(stdout()).containsPattern("status:    404 NotFound after [0-9.]+ m?s\n");
    assertThat(stderr()).isEqualTo("cup controller test: Flag default/no-such-flag not found\n");
  }

  @Test
  void aFailedCallInJsonCarriesTheStatus() {
    int code =
        run("delete", "Flag", "default", "no-such-flag", "--repo", data.toString(), "-o", "json");

    assertThat(code).isEqualTo(1);
    JsonObject status = new JsonObject(stdout()).getJsonObject("status");
    assertThat(status.getInteger("code")).isEqualTo(404);
    assertThat(status.getString("reason")).isEqualTo("NotFound");
    assertThat(status.getString("message")).isEqualTo("Flag default/no-such-flag not found");
  }

  @Test
  void theGuestsErrorMessageIsInTheStatus() throws IOException {
    // flipt refuses a spec.key other than the name: exit 3, its stderr quoted in the 422
    JsonObject wrongKey = flag("dark-mode", "Dark mode", true);
    wrongKey.getJsonObject("spec").put("key", "other");
    Files.writeString(work.resolve("wrong.json"), wrongKey.encode(), UTF_8);

    int code = run("put", "Flag", "default", "-f", "wrong.json", "--repo", data.toString());

    assertThat(code).isEqualTo(1);
    assertThat(stdout()).contains("status:    422 Invalid");
    assertThat(stderr())
        .startsWith(
            "cup controller test: Flag \"dark-mode\" is invalid: controller flipt refused it: ")
        .contains("flipt: spec.key must equal metadata.name");
  }

  @Test
  void nameSetsArgvZeroAndTheNameInMessagesAsTheControllersName() {
    int code =
        run("get", "Flag", "default", "none", "--repo", data.toString(), "--name", "features");

    assertThat(code).isEqualTo(1);
    assertThat(stdout()).contains("argv:      features get Flag default none\n");

    err.reset();
    assertThat(
            run(
                "list",
                "Flag",
                "default",
                "--repo",
                data.toString(),
                "--name",
                "features",
                "--output",
                "10"))
        .isEqualTo(1);
    assertThat(stderr())
        .startsWith("cup controller test: controller features exceeded its 10 bytes");
  }

  @Test
  void outputTheServerCannotUseIsPointedOut() throws IOException {
    // the module for the original protocol prints a stored file as it is: here, not JSON
    Path original =
        Path.of("controllers/original-protocol/original-protocol.wasm").toAbsolutePath();
    Files.writeString(data.resolve("default/Widget-w.json"), "width: 3\n");
    Files.writeString(data.resolve("default/Widget-v.json"), "{\"kind\": \"Widget\"}\n");

    assertThat(runModule(original, "get", "Widget", "default", "w", "--repo", data.toString()))
        .as(stderr())
        .isZero();
    assertThat(stdout())
        .contains("stdout:\nwidth: 3\n")
        .contains(
            "note:      the server cannot use this output and would answer 502: its output is not JSON");

    out.reset();
    assertThat(
            runModule(
                original, "list", "Widget", "default", "--repo", data.toString(), "-o", "json"))
        .isZero();
    assertThat(new JsonObject(stdout()).getString("unusableOutput"))
        .startsWith("its output is not JSON");

    out.reset();
    assertThat(runModule(original, "get", "Widget", "default", "v", "--repo", data.toString()))
        .isZero();
    assertThat(stdout()).contains("\"kind\": \"Widget\"").doesNotContain("note:");
  }

  @Test
  void theInterpreterRunsTheSameCall() {
    int code =
        run("get", "Segment", "default", "beta-users", "--repo", data.toString(), "--interpreter");

    assertThat(code).as(stderr()).isZero();
    assertThat(stdout())
        .contains("module:    " + FLIPT + " (interpreted)")
        .contains("\"kind\": \"Segment\"");
  }

  @Test
  void limitsFromTheCommandLineApply() throws IOException {
    assertThat(run("list", "Flag", "default", "--repo", data.toString(), "--output", "100"))
        .isEqualTo(1);
    assertThat(stdout()).contains("status:    500 InternalError");
    assertThat(stderr()).contains("exceeded its 100 bytes output limit");

    Path spin = work.resolve("spin.wasm");
    Files.write(
        spin,
        Wat2Wasm.parse(
            "(module (memory (export \"memory\") 1)"
                + " (func (export \"_start\") (loop $forever (br $forever))))"));
    out.reset();
    err.reset();
    assertThat(
            runModule(spin, "get", "X", "ns", "x", "--repo", data.toString(), "--timeout", "300ms"))
        .isEqualTo(1);
    assertThat(stdout()).contains("status:    504 Timeout");
    assertThat(stderr()).contains("did not finish get X ns/x within 300 ms");
  }

  // -- Git repositories -------------------------------------------------------------------------

  @Test
  void aGitWorkTreeIsReadAtHeadOrAtARevisionAndStaysAsItWas() throws Exception {
    Path repo = tmp.resolve("checkout");
    copy(FLIPT_DATA, repo);
    String first;
    String second;
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      first = commitAll(git, "first");
      Files.writeString(
          repo.resolve("default/features.yml"),
          Files.readString(repo.resolve("default/features.yml"))
              .replace("name: Dark mode", "name: Dark mode v2"));
      second = commitAll(git, "second");
    }
    Map<String, String> before = snapshot(repo);

    assertThat(run("get", "Flag", "default", "dark-mode", "--repo", repo.toString(), "-o", "json"))
        .as(stderr())
        .isZero();
    JsonObject atHead = new JsonObject(stdout());
    assertThat(atHead.getString("revision")).isEqualTo(second);
    assertThat(spec(atHead).getString("name")).isEqualTo("Dark mode v2");

    out.reset();
    assertThat(
            run(
                "get",
                "Flag",
                "default",
                "dark-mode",
                "--repo",
                repo.toString(),
                "--revision",
                first.substring(0, 10),
                "-o",
                "json"))
        .as(stderr())
        .isZero();
    JsonObject atFirst = new JsonObject(stdout());
    assertThat(atFirst.getString("revision")).isEqualTo(first);
    assertThat(spec(atFirst).getString("name")).isEqualTo("Dark mode");

    out.reset();
    assertThat(run("delete", "Flag", "default", "new-checkout", "--repo", repo.toString()))
        .as(stderr())
        .isZero();
    assertThat(stdout())
        .contains("at commit " + second)
        .contains("  write  default/features.yml\n")
        .contains("-- key: new-checkout\n");

    assertThat(snapshot(repo)).containsExactlyInAnyOrderEntriesOf(before);
    try (Git git = Git.open(repo.toFile())) {
      assertThat(git.getRepository().resolve("HEAD")).isEqualTo(ObjectId.fromString(second));
      assertThat(git.status().call().isClean()).isTrue();
    }
  }

  @Test
  void aBareRepositoryServesEveryOperationAndKeepsItsRefs() throws Exception {
    Path checkout = tmp.resolve("checkout");
    copy(FLIPT_DATA, checkout);
    try (Git git = Git.init().setDirectory(checkout.toFile()).setInitialBranch("main").call()) {
      commitAll(git, "flags");
    }
    Path bare = tmp.resolve("bare.git");
    // a bare copy made by fetching with JGit's automatic gc in the foreground: a clone's gc runs
    // detached and may still hold gc.log.lock when the snapshot below is taken
    try (Git git = Git.init().setDirectory(bare.toFile()).setBare(true).call()) {
      StoredConfig config = git.getRepository().getConfig();
      config.setBoolean("gc", null, "autoDetach", false);
      config.save();
      git.fetch()
          .setRemote(checkout.toUri().toString())
          .setRefSpecs("+refs/heads/*:refs/heads/*")
          .call();
      RefUpdate head = git.getRepository().updateRef(Constants.HEAD);
      head.link("refs/heads/main");
    }
    Map<String, String> before = snapshot(bare);
    List<String> refsBefore = refs(bare);

    assertThat(run("list", "Segment", "production", "--repo", bare.toString(), "-o", "json"))
        .as(stderr())
        .isZero();
    assertThat(names(new JsonObject(stdout()).getJsonArray("stdoutJson"))).isNotEmpty();

    out.reset();
    Files.writeString(work.resolve("flag.json"), flag("new-one", "New one", true).encode(), UTF_8);
    assertThat(
            run(
                "put",
                "Flag",
                "production",
                "new-one",
                "-f",
                "flag.json",
                "--repo",
                bare.toString(),
                "--revision",
                "main"))
        .as(stderr())
        .isZero();
    assertThat(stdout()).contains("+- key: new-one\n").contains("+++ b/production/features.yml");

    out.reset();
    assertThat(run("get", "Flag", "production", "new-one", "--repo", bare.toString())).isEqualTo(1);
    assertThat(stderr()).contains("Flag production/new-one not found");

    assertThat(snapshot(bare)).containsExactlyInAnyOrderEntriesOf(before);
    assertThat(refs(bare)).isEqualTo(refsBefore);
  }

  // -- failures before the call -----------------------------------------------------------------

  @Test
  void aBrokenModuleExitsOneNamingTheFile() throws IOException {
    Path broken = Files.write(work.resolve("broken.wasm"), "not wasm at all".getBytes(UTF_8));

    int code = runModule(broken, "get", "Flag", "default", "x", "--repo", data.toString());

    assertThat(code).isEqualTo(1);
    assertThat(stderr())
        .startsWith("cup controller test: WASM module " + broken)
        .contains("is not a valid WebAssembly module");
    assertThat(stdout()).isEmpty();
  }

  @Test
  void aMissingModuleExitsOneNamingTheFile() {
    Path missing = work.resolve("missing.wasm");

    assertThat(runModule(missing, "list", "Flag", "default", "--repo", data.toString()))
        .isEqualTo(1);
    assertThat(stderr()).contains("cannot read WASM module " + missing);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "fetch Flag default x --repo REPO",
        "get Flag default --repo REPO",
        "get Flag default a b --repo REPO",
        "delete Flag default --repo REPO",
        "list Flag default nolabel --repo REPO",
        "put Flag default x --repo REPO",
        "get Flag default x --repo REPO -f flag.json",
        "get Flag default x",
        "get Flag default x --repo REPO --revision main",
        "get Flag default x --repo NOWHERE",
        "get Flag default x --repo REPO --timeout soon",
        "get Flag default x --repo REPO --memory lots",
        "get Flag default x --repo REPO --memory 1KiB",
        "get Flag default x --repo REPO -o yaml",
        "get Flag",
        "put Flag default other --repo REPO -f flag.json",
        "put Flag staging --repo REPO -f in-default.json",
        "put Flag default --repo REPO -f missing.json",
        "put Flag default --repo REPO -f notjson.json",
      })
  void badUsageExitsTwo(String line) throws IOException {
    Files.writeString(work.resolve("flag.json"), flag("x", "X", true).encode(), UTF_8);
    Files.writeString(work.resolve("notjson.json"), "[1, 2]", UTF_8);
    JsonObject inDefault = flag("x", "X", true);
    inDefault.getJsonObject("metadata").put("namespace", "default");
    Files.writeString(work.resolve("in-default.json"), inDefault.encode(), UTF_8);
    List<String> args = new ArrayList<>(List.of("controller", "test", FLIPT.toString()));
    for (String word : line.split(" ")) {
      args.add(
          switch (word) {
            case "REPO" -> data.toString();
            case "NOWHERE" -> tmp.resolve("nowhere").toString();
            default -> word;
          });
    }

    int code = main(args.toArray(String[]::new));

    assertThat(code).as(stdout() + stderr()).isEqualTo(2);
    assertThat(stderr()).startsWith("cup controller test: ").contains("--help");
  }

  @Test
  void aGitRepositoryWithoutCommitsIsAUsageError() throws Exception {
    Path empty = tmp.resolve("empty");
    Git.init().setDirectory(empty.toFile()).call().close();

    assertThat(run("get", "Flag", "default", "x", "--repo", empty.toString())).isEqualTo(2);
    assertThat(stderr()).contains("has no commit at HEAD");
    err.reset();
    assertThat(run("get", "Flag", "default", "x", "--repo", empty.toString(), "--revision", "v9"))
        .isEqualTo(2);
    assertThat(stderr()).contains("revision v9 is not a commit in " + empty);
  }

  @Test
  void controllerAloneIsAUsageErrorAndHelpNamesTheCommand() {
    assertThat(main("controller")).isEqualTo(2);
    assertThat(stderr()).contains("missing command").contains("test");

    assertThat(main("controller", "test", "--help")).isZero();
    assertThat(stdout())
        .contains("--repo=DIR")
        .contains("--name")
        .contains("--interpreter")
        .contains("--timeout");

    out.reset();
    assertThat(main("--help")).isZero();
    assertThat(stdout()).contains("controller");
  }

  // -- helpers ----------------------------------------------------------------------------------

  private int run(String... args) {
    return runModule(FLIPT, args);
  }

  private int runModule(Path module, String... args) {
    List<String> all = new ArrayList<>(List.of("controller", "test", module.toString()));
    all.addAll(List.of(args));
    return main(all.toArray(String[]::new));
  }

  private int main(String... args) {
    return Main.run(
        args, Map.of(), work, new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
  }

  private String stdout() {
    return out.toString(UTF_8);
  }

  private String stderr() {
    return err.toString(UTF_8);
  }

  private static JsonObject flag(String key, String name, boolean enabled) {
    return new JsonObject()
        .put("apiVersion", "flipt.io/v1alpha1")
        .put("kind", "Flag")
        .put("metadata", new JsonObject().put("name", key))
        .put(
            "spec",
            new JsonObject()
                .put("key", key)
                .put("name", name)
                .put("type", "BOOLEAN_FLAG_TYPE")
                .put("enabled", enabled));
  }

  private static List<String> names(JsonArray resources) {
    return resources.stream()
        .map(r -> ((JsonObject) r).getJsonObject("metadata").getString("name"))
        .toList();
  }

  private static JsonObject spec(JsonObject report) {
    return report.getJsonArray("stdoutJson").getJsonObject(0).getJsonObject("spec");
  }

  private static String commitAll(Git git, String message) throws Exception {
    git.add().addFilepattern(".").call();
    return git.commit()
        .setMessage(message)
        .setAuthor("Test", "test@example.com")
        .setCommitter("Test", "test@example.com")
        .setSign(false)
        .call()
        .getName();
  }

  private static List<String> refs(Path bare) throws Exception {
    try (Git git = Git.open(bare.toFile())) {
      return git.getRepository().getRefDatabase().getRefs().stream()
          .map(r -> r.getName() + " " + r.getObjectId().name())
          .sorted()
          .toList();
    }
  }

  /** Every file under {@code root} (a .git directory too) with its bytes. */
  private static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        files.put(
            root.relativize(file).toString(),
            Base64.getEncoder().encodeToString(Files.readAllBytes(file)));
      }
    }
    return files;
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path source : walk.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
  }
}
