package io.cup.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cup.bus.Addresses;
import io.cup.config.ServerConfig;
import io.cup.launcher.CupServer;
import io.cup.testing.FliptFixtures;
import io.cup.testing.GitDaemon;
import io.cup.testing.TestConfigs;
import io.cup.testing.TestHttpClient;
import io.cup.testing.TestRepos;
import io.cup.wasm.GuestModules;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * WASM controllers in the whole server, over a real {@code git daemon} remote: the example Flipt
 * controller (C, wasi-libc) serving flags and segments from {@code <namespace>/features.yml}, and
 * hostile modules bound to kinds of their own, each failing only its own requests.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class WasmControllerEndToEndTest {
  private static final Path FLIPT_DATA = Path.of("controllers", "flipt", "testdata", "repository");
  private static final String FLAGS = "/apis/flipt.io/v1alpha1/namespaces/default/flags";
  private static final String TEAM_FLAGS = "/apis/flipt.io/v1alpha1/namespaces/team/flags";

  @TempDir Path tmp;
  private Vertx vertx;
  private GitDaemon daemon;
  private Path remote;
  private CupServer server;
  private WebClient client;
  private ServerConfig config;
  private final Map<String, String> extraSeed = new LinkedHashMap<>();

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close().await(2, TimeUnit.MINUTES);
    }
    if (daemon != null) {
      daemon.close();
    }
  }

  private void start(Vertx vertx, Path resources) throws Exception {
    start(vertx, resources, ServerConfig.DEFAULT_WASM_MAX_BODY_BYTES);
  }

  private void start(Vertx vertx, Path resources, long wasmMaxBodyBytes) throws Exception {
    this.vertx = vertx;
    Map<String, String> seed = FliptFixtures.files(FLIPT_DATA);
    seed.put("README.md", "# flags\n");
    seed.putAll(extraSeed);
    remote = TestRepos.createBare(tmp.resolve("remote").resolve("flags.git"), seed);
    daemon = GitDaemon.serve(tmp.resolve("remote"));
    config =
        TestConfigs.git(daemon.url("flags.git"), tmp.resolve("data"))
            .port(Fixture.freePort())
            .pollInterval(Duration.ofMillis(300))
            .resourcesDir(resources)
            .wasmMaxBodyBytes(wasmMaxBodyBytes)
            .build();
    server = CupServer.start(vertx, config, Path.of("verticles")).await(2, TimeUnit.MINUTES);
    // room for every concurrent request of a test: none waits for a connection
    client = WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(32));
  }

  @Test
  void theFliptControllerServesFlagsFromFeaturesYamlAndProposesOneFilePerNamespace(Vertx vertx)
      throws Exception {
    start(vertx, resources(tmp.resolve("resources"), false));
    ObjectId base = TestRepos.ref(remote, "refs/heads/main");

    List<JsonObject> flags = ndjson(api().get(FLAGS).bodyAsString());
    assertThat(flags)
        .extracting(f -> f.getJsonObject("metadata").getString("name"))
        .containsExactly("dark-mode", "new-checkout", "search-ranking-v2");
    assertThat(flags.get(0).getJsonObject("metadata").getString("resourceVersion"))
        .isEqualTo(base.name());
    assertThat(ndjson(api().get(FLAGS + "?labelSelector=team%3Dweb").bodyAsString()))
        .extracting(f -> f.getJsonObject("metadata").getString("name"))
        .containsExactly("dark-mode");
    JsonObject dark = api().get(FLAGS + "/dark-mode").bodyAsJsonObject();
    assertThat(dark.getJsonObject("spec").getBoolean("enabled")).isTrue();
    assertThat(api().get(FLAGS + "/nope").statusCode()).isEqualTo(404);

    // two flags in one namespace: one proposal, one features.yml
    HttpResponse<Buffer> first =
        api().put(TEAM_FLAGS + "/alpha", FliptFixtures.flag("team", "alpha", true));
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(202);
    String id = first.bodyAsJsonObject().getString("id");
    HttpResponse<Buffer> second =
        api().put(TEAM_FLAGS + "/beta?proposal=" + id, FliptFixtures.flag("team", "beta", false));
    assertThat(second.statusCode()).as(second.bodyAsString()).isEqualTo(202);
    String branch = "refs/heads/cup/proposal/" + id;
    assertThat(changedPaths(base.name(), branch)).containsExactly("team/features.yml");
    String yaml = TestRepos.read(remote, branch, "team/features.yml");
    assertThat(yaml).contains("namespace: team").contains("key: alpha").contains("key: beta");
    assertThat(ndjson(api().get(TEAM_FLAGS + "?revision=" + id).bodyAsString()))
        .extracting(f -> f.getJsonObject("metadata").getString("name"))
        .containsExactly("alpha", "beta");

    // delete: a proposal that removes the entry from default/features.yml only
    HttpResponse<Buffer> deleted =
        api().request(HttpMethod.DELETE, FLAGS + "/dark-mode").send().await(2, TimeUnit.MINUTES);
    assertThat(deleted.statusCode()).as(deleted.bodyAsString()).isEqualTo(202);
    String deleteBranch = "refs/heads/cup/proposal/" + deleted.bodyAsJsonObject().getString("id");
    assertThat(changedPaths(base.name(), deleteBranch)).containsExactly("default/features.yml");
    assertThat(TestRepos.read(remote, deleteBranch, "default/features.yml"))
        .doesNotContain("key: dark-mode")
        .contains("key: new-checkout");
    assertThat(
            api()
                .request(HttpMethod.DELETE, FLAGS + "/nope")
                .send()
                .await(2, TimeUnit.MINUTES)
                .statusCode())
        .isEqualTo(404);

    // someone edits the file on the remote: the flag's change is an event
    Promise<JsonObject> modified = Promise.promise();
    MessageConsumer<JsonObject> events =
        vertx
            .eventBus()
            .consumer(
                Addresses.EVENTS_RESOURCE.name(),
                m -> {
                  if ("dark-mode".equals(m.body().getString("name"))) {
                    modified.tryComplete(m.body());
                  }
                });
    events.completion().await(2, TimeUnit.MINUTES);
    String file = TestRepos.read(remote, "refs/heads/main", "default/features.yml");
    TestRepos.commit(
        remote,
        "main",
        Map.of("default/features.yml", file.replaceFirst("enabled: true", "enabled: false")),
        Set.of(),
        "turn dark mode off");
    JsonObject event = modified.future().await(2, TimeUnit.MINUTES);
    assertThat(event.getString("type")).isEqualTo("MODIFIED");
    assertThat(event.getJsonObject("object").getJsonObject("spec").getBoolean("enabled")).isFalse();
  }

  /**
   * The per-file example (one JSON file per resource, {@code <namespace>/widget/<name>.json}) in
   * the whole server: a list of a directory of 300 files, a get, a put and a delete that each
   * propose exactly their one file, and a put of what is already stored that proposes nothing.
   */
  @Test
  void thePerFileControllerServesOneFilePerResourceAndProposesOneFile(Vertx vertx)
      throws Exception {
    String widgets = "/apis/bench.cup.io/v1/namespaces/default/widgets";
    for (int i = 0; i < 300; i++) {
      extraSeed.put("default/widget/w-%03d.json".formatted(i), widget("w-%03d".formatted(i), i));
    }
    extraSeed.put("default/widget/README.txt", "not a resource\n");
    Path resources = resources(tmp.resolve("resources"), false);
    Files.copy(
        Path.of("controllers", "per-file", "per-file.wasm"), resources.resolve("per-file.wasm"));
    Files.writeString(
        resources.resolve("widgets.json"),
        """
        {"apiVersion": "cup.flipt.io/v1alpha1", "kind": "ResourceDefinition",
         "metadata": {"name": "widgets.bench.cup.io"},
         "names": {"kind": "Widget", "singular": "widget", "plural": "widgets"},
         "spec": {"group": "bench.cup.io", "versions": {"v1": {"type": "object"}}}}
        """);
    Files.writeString(
        resources.resolve("per-file.yaml"),
        """
        apiVersion: cup.flipt.io/v1alpha1
        kind: Controller
        metadata:
          name: per-file
        spec:
          type: wasm
          spec:
            path: per-file.wasm
        ---
        apiVersion: cup.flipt.io/v1alpha1
        kind: Binding
        metadata:
          name: widgets
        spec:
          controller: per-file
          resources:
            - bench.cup.io/v1/widgets
        """);
    start(vertx, resources);
    ObjectId base = TestRepos.ref(remote, "refs/heads/main");

    List<JsonObject> listed = ndjson(api().get(widgets).bodyAsString());
    assertThat(listed).hasSize(300);
    for (int i = 0; i < 300; i++) {
      assertThat(listed.get(i).getJsonObject("metadata").getString("name"))
          .isEqualTo("w-%03d".formatted(i));
      assertThat(listed.get(i).getJsonObject("spec").getInteger("size")).isEqualTo(i);
    }
    assertThat(ndjson(api().get(widgets + "?labelSelector=shard%3D7").bodyAsString()))
        .hasSize(30)
        .allSatisfy(
            w ->
                assertThat(w.getJsonObject("metadata").getJsonObject("labels").getString("shard"))
                    .isEqualTo("7"));
    JsonObject one = api().get(widgets + "/w-042").bodyAsJsonObject();
    assertThat(one.getJsonObject("spec").getInteger("size")).isEqualTo(42);
    assertThat(one.getJsonObject("metadata").getString("resourceVersion")).isEqualTo(base.name());
    assertThat(api().get(widgets + "/nope").statusCode()).isEqualTo(404);

    JsonObject changed = new JsonObject(widget("w-042", 4200));
    HttpResponse<Buffer> put = api().put(widgets + "/w-042", changed);
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(202);
    String branch = "refs/heads/cup/proposal/" + put.bodyAsJsonObject().getString("id");
    assertThat(changedPaths(base.name(), branch)).containsExactly("default/widget/w-042.json");
    assertThat(TestRepos.read(remote, branch, "default/widget/w-042.json"))
        .isEqualTo(widget("w-042", 4200));
    // what is stored already: nothing to propose
    HttpResponse<Buffer> same = api().put(widgets + "/w-043", new JsonObject(widget("w-043", 43)));
    assertThat(same.statusCode()).as(same.bodyAsString()).isEqualTo(204);

    HttpResponse<Buffer> deleted =
        api().request(HttpMethod.DELETE, widgets + "/w-007").send().await(2, TimeUnit.MINUTES);
    assertThat(deleted.statusCode()).as(deleted.bodyAsString()).isEqualTo(202);
    String deleteBranch = "refs/heads/cup/proposal/" + deleted.bodyAsJsonObject().getString("id");
    assertThat(changedPaths(base.name(), deleteBranch))
        .containsExactly("default/widget/w-007.json");
    assertThat(TestRepos.files(remote, deleteBranch))
        .doesNotContainKey("default/widget/w-007.json");
  }

  /** A Widget as the per-file controller stores it: two-space indent, final newline. */
  private static String widget(String name, int size) {
    return """
        {
          "apiVersion": "bench.cup.io/v1",
          "kind": "Widget",
          "metadata": {
            "namespace": "default",
            "name": "%s",
            "labels": {
              "shard": "%d"
            }
          },
          "spec": {
            "size": %d
          }
        }
        """
        .formatted(name, size % 10, size);
  }

  @Test
  void aProposalFollowsItsBaseByRunningTheControllerAgain(Vertx vertx) throws Exception {
    start(vertx, resources(tmp.resolve("resources"), false));
    HttpResponse<Buffer> put =
        api().put(FLAGS + "/dark-mode", FliptFixtures.flag("default", "dark-mode", false));
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(202);
    String id = put.bodyAsJsonObject().getString("id");
    Promise<JsonObject> updated = Promise.promise();
    vertx
        .eventBus()
        .<JsonObject>consumer(
            Addresses.EVENTS_PROPOSAL.name(),
            m -> {
              if ("updated".equals(m.body().getString("type"))
                  && id.equals(m.body().getJsonObject("proposal").getString("id"))) {
                updated.tryComplete(m.body());
              }
            })
        .completion()
        .await(2, TimeUnit.MINUTES);

    // upstream, someone edits another flag of the same features.yml
    String file = TestRepos.read(remote, "refs/heads/main", "default/features.yml");
    ObjectId moved =
        TestRepos.commit(
            remote,
            "main",
            Map.of(
                "default/features.yml",
                file.replace(
                    "The redesigned one-page checkout.", "The checkout on one page, for all.")),
            Set.of(),
            "reword new-checkout");

    JsonObject event = updated.future().await(90, TimeUnit.SECONDS);
    assertThat(event.getJsonObject("proposal").getString("base")).isEqualTo(moved.name());
    String branch = "refs/heads/cup/proposal/" + id;
    assertThat(TestRepos.parseCommit(remote, branch).getParent(0).getId()).isEqualTo(moved);
    // the controller ran again at the new head: both edits are in the one file
    String yaml = TestRepos.read(remote, branch, "default/features.yml");
    assertThat(yaml).contains("The checkout on one page, for all.");
    JsonObject dark = api().get(FLAGS + "/dark-mode?revision=" + id).bodyAsJsonObject();
    assertThat(dark.getJsonObject("spec").getBoolean("enabled")).isFalse();
    JsonObject checkout = api().get(FLAGS + "/new-checkout?revision=" + id).bodyAsJsonObject();
    assertThat(checkout.getJsonObject("spec").getString("description"))
        .isEqualTo("The checkout on one page, for all.");
    assertThat(changedPaths(moved.name(), branch)).containsExactly("default/features.yml");
  }

  @Test
  void hostileModulesFailTheirOwnRequestsWhileOtherKindsKeepAnswering(Vertx vertx)
      throws Exception {
    start(vertx, resources(tmp.resolve("resources"), true));
    Map<String, ObjectId> refs = TestRepos.refs(remote);

    List<Future<HttpResponse<Buffer>>> hostile = new ArrayList<>();
    for (String plural : List.of("spinners", "bombs", "floods", "escapes")) {
      hostile.add(
          api()
              .request(
                  HttpMethod.GET, "/apis/hostile.cup.io/v1/namespaces/default/" + plural + "/x")
              .send());
    }
    long started = System.nanoTime();
    // while the spinner runs, a flag still answers
    assertThat(api().get(FLAGS + "/new-checkout").statusCode()).isEqualTo(200);
    HttpResponse<Buffer> spin = hostile.get(0).await(2, TimeUnit.MINUTES);
    HttpResponse<Buffer> bomb = hostile.get(1).await(2, TimeUnit.MINUTES);
    HttpResponse<Buffer> flood = hostile.get(2).await(2, TimeUnit.MINUTES);
    HttpResponse<Buffer> escape = hostile.get(3).await(2, TimeUnit.MINUTES);
    assertThat((System.nanoTime() - started) / 1_000_000_000L).isLessThan(40);
    assertThat(spin.statusCode()).as(spin.bodyAsString()).isEqualTo(504);
    assertThat(spin.bodyAsJsonObject().getString("kind")).isEqualTo("Status");
    assertThat(bomb.statusCode()).as(bomb.bodyAsString()).isEqualTo(500);
    assertThat(bomb.bodyAsJsonObject().getString("message")).contains("memory limit");
    assertThat(flood.statusCode()).as(flood.bodyAsString()).isEqualTo(500);
    assertThat(flood.bodyAsJsonObject().getString("message")).contains("output limit");
    // climbing out of "/" is refused inside the guest: its own error, no host file
    assertThat(escape.statusCode()).as(escape.bodyAsString()).isEqualTo(500);
    assertThat(escape.bodyAsString()).contains("refused").doesNotContain("ESCAPED");
    // a write through a spinning module is the same 504, and nothing reaches the remote
    HttpResponse<Buffer> put =
        api()
            .request(HttpMethod.PUT, "/apis/hostile.cup.io/v1/namespaces/default/spinners/x")
            .putHeader("Content-Type", "application/json")
            .sendBuffer(
                Buffer.buffer(
                    new JsonObject()
                        .put("apiVersion", "hostile.cup.io/v1")
                        .put("kind", "Spinner")
                        .put("metadata", new JsonObject().put("name", "x"))
                        .encode()))
            .await(2, TimeUnit.MINUTES);
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(504);
    assertThat(TestRepos.refs(remote)).isEqualTo(refs);
    // the workers are free again
    assertThat(ndjson(api().get(FLAGS).bodyAsString())).hasSize(3);
  }

  @Test
  void slowWritesThroughAWasmControllerLeaveReadsTheirOwnWorkers(Vertx vertx) throws Exception {
    start(vertx, resources(tmp.resolve("resources"), true));
    // at a named commit, so that every read runs the controller (the API keeps reads of the head)
    String read =
        FLAGS + "/new-checkout?revision=" + TestRepos.ref(remote, "refs/heads/main").name();
    List<Long> idle = readMillis(read, 5);

    // three times as many writes as write workers, each spinning until its 1 s limit
    int writers = 3 * Runtime.getRuntime().availableProcessors();
    List<Future<HttpResponse<Buffer>>> writes = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      writes.add(spinnerPut(spinner("x")));
    }
    List<Long> loaded = readMillis(read, 5);
    // every read was answered while writes were still queued or running
    long unanswered = writes.stream().filter(w -> !w.isComplete()).count();
    for (Future<HttpResponse<Buffer>> write : writes) {
      HttpResponse<Buffer> answer = write.await(2, TimeUnit.MINUTES);
      assertThat(answer.statusCode()).as(answer.bodyAsString()).isIn(503, 504);
    }
    System.out.printf(
        "flag reads, median ms: idle %d, under %d spinning writes %d (all reads %s)%n",
        median(idle), writers, median(loaded), loaded);
    assertThat(unanswered).as("writes still unanswered once the reads were answered").isPositive();
  }

  @Test
  void aWriteThroughAWasmControllerOverItsBodyLimitIs413BeforeTheControllerRuns(Vertx vertx)
      throws Exception {
    start(vertx, resources(tmp.resolve("resources"), true), 2048);
    Map<String, ObjectId> refs = TestRepos.refs(remote);

    // a spinner never answers in time: a 413 means it never ran
    JsonObject big = spinner("x");
    big.put("spec", new JsonObject().put("padding", "x".repeat(3000)));
    HttpResponse<Buffer> put = spinnerPut(big).await(2, TimeUnit.MINUTES);
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(413);
    assertThat(put.bodyAsJsonObject().getString("message"))
        .contains("limit of 2048 bytes")
        .contains("spinners")
        .contains("--api-wasm-max-body-bytes");

    // a patch over the limit: refused before the controller reads the resource
    HttpResponse<Buffer> bigPatch =
        api()
            .request(HttpMethod.PATCH, FLAGS + "/dark-mode")
            .putHeader("Content-Type", "application/merge-patch+json")
            .sendBuffer(
                Buffer.buffer(
                    new JsonObject()
                        .put("spec", new JsonObject().put("description", "d".repeat(3000)))
                        .encode()))
            .await(2, TimeUnit.MINUTES);
    assertThat(bigPatch.statusCode()).as(bigPatch.bodyAsString()).isEqualTo(413);
    assertThat(bigPatch.bodyAsJsonObject().getString("message"))
        .startsWith("the request body is")
        .contains("WASM controller flipt");

    // a patch under the limit whose result is over it
    String patch =
        new JsonObject()
            .put("spec", new JsonObject().put("description", "d".repeat(1900)))
            .encode();
    assertThat(patch.length()).isLessThan(2048);
    HttpResponse<Buffer> patched =
        api()
            .request(HttpMethod.PATCH, FLAGS + "/dark-mode")
            .putHeader("Content-Type", "application/merge-patch+json")
            .sendBuffer(Buffer.buffer(patch))
            .await(2, TimeUnit.MINUTES);
    assertThat(patched.statusCode()).as(patched.bodyAsString()).isEqualTo(413);
    assertThat(patched.bodyAsJsonObject().getString("message"))
        .contains("the patched resource")
        .contains("limit of 2048 bytes");
    assertThat(TestRepos.refs(remote)).isEqualTo(refs);

    // a write under the limit goes through
    HttpResponse<Buffer> small =
        api().put(FLAGS + "/dark-mode", FliptFixtures.flag("default", "dark-mode", false));
    assertThat(small.statusCode()).as(small.bodyAsString()).isEqualTo(202);
  }

  @Test
  void aBrokenModuleStopsTheStartNamingItsFile(Vertx vertx) throws Exception {
    Path resources = resources(tmp.resolve("resources"), false);
    Files.write(resources.resolve("flipt.wasm"), "not a module".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> start(vertx, resources)).hasMessageContaining("flipt.wasm");
  }

  // -- fixtures ----------------------------------------------------------------------------------

  /**
   * The demo's Flag and Segment definitions, the Flipt controller, and optionally hostile kinds.
   */
  private static Path resources(Path dir, boolean hostile) throws IOException {
    Files.createDirectories(dir);
    for (String definition : List.of("flags.json", "segments.json")) {
      Files.copy(
          Path.of("src", "main", "resources", "demo", "resources", definition),
          dir.resolve(definition));
    }
    Files.copy(Path.of("controllers", "flipt", "flipt.wasm"), dir.resolve("flipt.wasm"));
    Files.writeString(
        dir.resolve("flipt.yaml"),
        """
        apiVersion: cup.flipt.io/v1alpha1
        kind: Controller
        metadata:
          name: flipt
        spec:
          type: wasm
          spec:
            path: flipt.wasm
        ---
        apiVersion: cup.flipt.io/v1alpha1
        kind: Binding
        metadata:
          name: flipt
        spec:
          controller: flipt
          resources:
            - flipt.io/v1alpha1/flags
            - flipt.io/v1alpha1/segments
        """);
    if (hostile) {
      Map<String, String> modules = new LinkedHashMap<>();
      modules.put("spinners", "spin");
      modules.put("bombs", "memory-bomb");
      modules.put("floods", "flood");
      modules.put("escapes", "escape");
      StringBuilder yaml = new StringBuilder();
      for (Map.Entry<String, String> entry : modules.entrySet()) {
        String plural = entry.getKey();
        String kind =
            Character.toUpperCase(plural.charAt(0)) + plural.substring(1, plural.length() - 1);
        GuestModules.wasm(entry.getValue(), dir);
        Files.writeString(
            dir.resolve(plural + ".json"),
            """
            {"apiVersion": "cup.flipt.io/v1alpha1", "kind": "ResourceDefinition",
             "metadata": {"name": "%s.hostile.cup.io"},
             "names": {"kind": "%s", "singular": "%s", "plural": "%s"},
             "spec": {"group": "hostile.cup.io", "versions": {"v1": {"type": "object"}}}}
            """
                .formatted(plural, kind, kind.toLowerCase(), plural));
        yaml.append(
            """
            apiVersion: cup.flipt.io/v1alpha1
            kind: Controller
            metadata:
              name: %s
            spec:
              type: wasm
              spec:
                path: %s.wasm
                limits: {timeout: 1s, memory: 16MiB, output: 1MiB}
            ---
            apiVersion: cup.flipt.io/v1alpha1
            kind: Binding
            metadata:
              name: %s
            spec:
              controller: %s
              resources:
                - hostile.cup.io/v1/%s
            ---
            """
                .formatted(plural, entry.getValue(), plural, plural, plural));
      }
      Files.writeString(dir.resolve("hostile.yaml"), yaml.toString());
    }
    return dir;
  }

  private List<String> changedPaths(String from, String to) {
    Map<String, String> before = TestRepos.files(remote, from);
    Map<String, String> after = TestRepos.files(remote, to);
    Set<String> all = new TreeSet<>(before.keySet());
    all.addAll(after.keySet());
    return all.stream().filter(p -> !Objects.equals(before.get(p), after.get(p))).toList();
  }

  /** Reads {@code path} {@code count} times, one after the other: each read's milliseconds. */
  private List<Long> readMillis(String path, int count) throws Exception {
    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long started = System.nanoTime();
      HttpResponse<Buffer> read = api().get(path);
      millis.add((System.nanoTime() - started) / 1_000_000L);
      assertThat(read.statusCode()).as(read.bodyAsString()).isEqualTo(200);
    }
    return millis;
  }

  private static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  private static JsonObject spinner(String name) {
    return new JsonObject()
        .put("apiVersion", "hostile.cup.io/v1")
        .put("kind", "Spinner")
        .put("metadata", new JsonObject().put("name", name));
  }

  private Future<HttpResponse<Buffer>> spinnerPut(JsonObject body) {
    return api()
        .request(HttpMethod.PUT, "/apis/hostile.cup.io/v1/namespaces/default/spinners/x")
        .putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body.encode()));
  }

  private static List<JsonObject> ndjson(String body) {
    List<JsonObject> items = new ArrayList<>();
    for (String line : body.split("\n")) {
      if (!line.isBlank()) {
        items.add(new JsonObject(line));
      }
    }
    return items;
  }

  /** The HTTP API of the server under test. */
  private TestHttpClient api() {
    return TestHttpClient.loopback(client, config.port());
  }
}
