package io.cup.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.cup.config.AccessSettings;
import io.cup.config.BridgeSettings;
import io.cup.config.ServerConfig;
import io.cup.launcher.CupServer;
import io.cup.testing.FliptFixtures;
import io.cup.testing.GitDaemon;
import io.cup.testing.TestConfigs;
import io.cup.testing.TestRepos;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jgit.lib.ObjectId;

/**
 * The demo as a Kubernetes client meets it, for the tests of real client libraries (issue 13): the
 * whole server with the demo's {@code flipt.io/v1alpha1} Flag and Segment definitions and the
 * example Flipt controller, over a real {@code git daemon} remote seeded with the controller's test
 * repository ({@code default/features.yml}: flags {@code dark-mode}, {@code new-checkout}, {@code
 * search-ranking-v2}; {@code production/features.yml}). The {@code local} SCM: proposals are
 * branches {@code cup/proposal/<id>} on the remote, merged through Cup's proposal API.
 */
final class FlagsServer implements AutoCloseable {
  static final String GROUP = "flipt.io";
  static final String VERSION = "v1alpha1";
  static final String FLAGS = "/apis/flipt.io/v1alpha1/namespaces/default/flags";
  static final String PROPOSALS = "/apis/cup.flipt.io/v1alpha1/proposals/";
  static final String BRANCHES = "refs/heads/cup/proposal/";
  static final String MAIN = "refs/heads/main";
  static final long POLL_MILLIS = 300;

  private static final YAMLMapper YAML = new YAMLMapper();

  final Path remote;
  final ServerConfig config;
  private final GitDaemon daemon;
  private final CupServer server;
  private final WebClient client;

  private FlagsServer(Vertx vertx, Path tmp) throws Exception {
    this(vertx, tmp, null, AccessSettings.NONE, BridgeSettings.DEFAULT);
  }

  /**
   * @param rbac RBAC documents written beside the definitions ({@code rbac.yaml}), or null
   * @param access identity and access settings of the server
   * @param bridges the event-bus bridges
   */
  private FlagsServer(
      Vertx vertx, Path tmp, String rbac, AccessSettings access, BridgeSettings bridges)
      throws Exception {
    Map<String, String> seed = FliptFixtures.files(FliptFixtures.REPOSITORY);
    seed.put("README.md", "# flags\n");
    this.remote = TestRepos.createBare(tmp.resolve("remote").resolve("flags.git"), seed);
    this.daemon = GitDaemon.serve(tmp.resolve("remote"));
    this.config =
        TestConfigs.git(daemon.url("flags.git"), tmp.resolve("data"))
            .port(Fixture.freePort())
            .pollInterval(Duration.ofMillis(POLL_MILLIS))
            .resourcesDir(demoResources(tmp.resolve("resources")))
            .bridges(bridges)
            .build()
            .withAccess(access);
    if (rbac != null) {
      Files.writeString(tmp.resolve("resources").resolve("rbac.yaml"), rbac);
    }
    this.server = CupServer.start(vertx, config, Path.of("verticles")).await(2, TimeUnit.MINUTES);
    this.client = WebClient.create(vertx);
  }

  static FlagsServer start(Vertx vertx, Path tmp) throws Exception {
    return new FlagsServer(vertx, tmp);
  }

  /** The same server with RBAC documents ({@code rbac}, YAML) and {@code access} settings. */
  static FlagsServer start(Vertx vertx, Path tmp, String rbac, AccessSettings access)
      throws Exception {
    return new FlagsServer(vertx, tmp, rbac, access, BridgeSettings.DEFAULT);
  }

  /** As {@link #start(Vertx, Path, String, AccessSettings)}, with these event-bus bridges. */
  static FlagsServer start(
      Vertx vertx, Path tmp, String rbac, AccessSettings access, BridgeSettings bridges)
      throws Exception {
    return new FlagsServer(vertx, tmp, rbac, access, bridges);
  }

  /** The server's base URL, {@code http://127.0.0.1:<port>}, as a kubeconfig names it. */
  String url() {
    return "http://127.0.0.1:" + config.port();
  }

  /** The proposal branches on the remote (full ref names). */
  Set<String> proposalBranches() {
    Set<String> branches = new TreeSet<>();
    for (String ref : TestRepos.refs(remote).keySet()) {
      if (ref.startsWith(BRANCHES)) {
        branches.add(ref);
      }
    }
    return branches;
  }

  /**
   * The id of the one proposal branch that is on the remote now and was not in {@code before}:
   * fails unless there is exactly one (every write makes exactly one proposal).
   */
  String newProposal(Set<String> before) {
    Set<String> added = new TreeSet<>(proposalBranches());
    added.removeAll(before);
    assertThat(added).as("proposal branches the write added").hasSize(1);
    return added.iterator().next().substring(BRANCHES.length());
  }

  /** The paths whose content differs between two revisions of the remote. */
  List<String> changedPaths(String from, String to) {
    Map<String, String> before = TestRepos.files(remote, from);
    Map<String, String> after = TestRepos.files(remote, to);
    Set<String> all = new TreeSet<>(before.keySet());
    all.addAll(after.keySet());
    return all.stream().filter(p -> !Objects.equals(before.get(p), after.get(p))).toList();
  }

  /**
   * The flags of {@code default/features.yml} at {@code revision}, by key, each as the file holds
   * it (Flipt's own format, not a Flag resource).
   */
  Map<String, JsonNode> flags(String revision) {
    Map<String, JsonNode> flags = new LinkedHashMap<>();
    for (JsonNode flag : features(revision).path("flags")) {
      flags.put(flag.path("key").asText(), flag);
    }
    return flags;
  }

  /** {@code default/features.yml} at {@code revision} without its flags (segments, namespace). */
  JsonNode featuresWithoutFlags(String revision) {
    ObjectNode features = (ObjectNode) features(revision);
    features.remove("flags");
    return features;
  }

  private JsonNode features(String revision) {
    String yaml = TestRepos.read(remote, revision, "default/features.yml");
    assertThat(yaml).as("default/features.yml at " + revision).isNotNull();
    try {
      return YAML.readTree(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Asserts that proposal {@code id} is one commit that changes exactly {@code
   * default/features.yml}, and in it exactly what {@code change} does to the flags of its base (key
   * → the entry as the file holds it; the base is the commit before the proposal's head, the
   * tracked branch when the proposal was made or last followed it), everything else unchanged.
   */
  void assertProposalChangesFlags(String id, Consumer<Map<String, ObjectNode>> change) {
    // one commit, read once: the branch may move while this looks (a replay onto a new main)
    ObjectId head = TestRepos.refs(remote).get(BRANCHES + id);
    assertThat(head).as("proposal branch " + id + " on the remote").isNotNull();
    String branch = head.name();
    String base = branch + "~1";
    assertThat(changedPaths(base, branch))
        .as("files proposal " + id + " changes")
        .containsExactly("default/features.yml");
    Map<String, ObjectNode> want = new LinkedHashMap<>();
    flags(base).forEach((key, flag) -> want.put(key, ((ObjectNode) flag).deepCopy()));
    change.accept(want);
    assertThat(flags(branch)).as("flags on " + branch).isEqualTo(want);
    assertThat(featuresWithoutFlags(branch)).isEqualTo(featuresWithoutFlags(base));
  }

  /** A new boolean flag's entry in {@code features.yml}. */
  static ObjectNode booleanFlag(String key, String name, boolean enabled) {
    ObjectNode entry = JsonNodeFactory.instance.objectNode();
    entry.put("key", key);
    entry.put("name", name);
    entry.put("type", "BOOLEAN_FLAG_TYPE");
    entry.put("enabled", enabled);
    return entry;
  }

  /** Merges proposal {@code id} through Cup's proposal API; waits for the answer. */
  void merge(String id) throws Exception {
    ObjectId before = TestRepos.ref(remote, MAIN);
    HttpResponse<Buffer> merged =
        client
            .post(config.port(), "127.0.0.1", PROPOSALS + id + "/merge")
            .send()
            .await(2, TimeUnit.MINUTES);
    assertThat(merged.statusCode()).as(merged.bodyAsString()).isEqualTo(200);
    assertThat(merged.bodyAsJsonObject().getJsonObject("status").getString("state"))
        .isEqualTo("merged");
    assertThat(TestRepos.ref(remote, MAIN)).as("main after the merge").isNotEqualTo(before);
  }

  @Override
  public void close() throws Exception {
    try {
      server.close().await(2, TimeUnit.MINUTES);
    } finally {
      client.close();
      daemon.close();
    }
  }

  /** The demo's Flag and Segment definitions with the Flipt controller bound to both. */
  static Path demoResources(Path dir) {
    try {
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
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
