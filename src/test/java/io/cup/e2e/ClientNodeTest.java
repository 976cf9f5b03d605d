package io.cup.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cup.testing.NodeJs;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official JavaScript Kubernetes client ({@code @kubernetes/client-node}), unchanged, against
 * the whole server (issue 13): {@code src/test/js/client-node/clients.mjs} runs once against a
 * server on the demo's Flags and prints one JSON line per check (get, list, label selector, create,
 * patch, replace, delete through {@code CustomObjectsApi} and {@code KubernetesObjectApi}, a {@code
 * Watch} and an informer that see merged proposals); each check is one test here, and the proposals
 * its writes made are checked on the remote. Needs {@code node} and the project's {@code
 * node_modules} ({@code npm ci --prefix src/test/js/client-node}, as {@code .ci/run} does).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ClientNodeTest {
  private static final Path PROJECT = Path.of("src", "test", "js", "client-node");
  private static final long NODE_MINUTES = 5;

  @TempDir static Path tmp;
  private static FlagsServer cup;
  private static Set<String> branchesBefore;
  private static final Map<String, JsonObject> checks = new LinkedHashMap<>();
  private static String nodeOutput;

  @BeforeAll
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  static void runTheClient(Vertx vertx) throws Exception {
    String node = NodeJs.version();
    Assumptions.assumeTrue(
        node != null,
        "node is not installed: the @kubernetes/client-node tests need Node.js 20 or later"
            + " (.ci/run installs nodejs and npm)");
    Assumptions.assumeTrue(
        Files.isDirectory(PROJECT.resolve("node_modules").resolve("@kubernetes")),
        "src/test/js/client-node/node_modules is missing: run"
            + " npm ci --prefix src/test/js/client-node (.ci/run does)");
    cup = FlagsServer.start(vertx, tmp);
    branchesBefore = cup.proposalBranches();

    Path stdout = tmp.resolve("client-node.out");
    Path stderr = tmp.resolve("client-node.err");
    ProcessBuilder builder =
        new ProcessBuilder("node", "clients.mjs")
            .directory(PROJECT.toFile())
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile());
    Map<String, String> env = builder.environment();
    env.put("CUP_URL", cup.url());
    env.put("CUP_NAMESPACE", "default");
    List.of("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "KUBECONFIG")
        .forEach(env::remove);
    Process process = builder.start();
    boolean exited = process.waitFor(NODE_MINUTES, TimeUnit.MINUTES);
    if (!exited) {
      process.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
    }
    nodeOutput =
        "node "
            + node
            + (exited ? " exited " + process.exitValue() : " killed after " + NODE_MINUTES + " min")
            + "\n--- stdout\n"
            + Files.readString(stdout, StandardCharsets.UTF_8)
            + "--- stderr\n"
            + Files.readString(stderr, StandardCharsets.UTF_8);
    for (String line : Files.readAllLines(stdout, StandardCharsets.UTF_8)) {
      if (line.startsWith("{")) {
        JsonObject check = new JsonObject(line);
        checks.put(check.getString("check"), check);
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (cup != null) {
      cup.close();
    }
  }

  @ParameterizedTest(name = "client-node {0}")
  @ValueSource(
      strings = {
        "get",
        "get-missing",
        "list",
        "list-label-selector",
        "object-api-read",
        "object-api-list-label-selector",
        "create",
        "create-existing",
        "patch",
        "replace",
        "delete",
        "watch",
        "informer"
      })
  void theCheckPasses(String name) {
    JsonObject check = checks.get(name);
    assertThat(check).as("the line of check %s in\n%s", name, nodeOutput).isNotNull();
    assertThat(check.getBoolean("ok")).as("check %s: %s", name, check.getString("error")).isTrue();
  }

  @Test
  void everyWriteIsOneProposalWithTheIntendedChange() {
    JsonObject create = passed("create");
    cup.assertProposalChangesFlags(
        proposal(create),
        flags -> flags.put("js-banner", FlagsServer.booleanFlag("js-banner", "Js banner", true)));
    cup.assertProposalChangesFlags(
        proposal(passed("patch")), flags -> flags.get("dark-mode").put("enabled", false));
    cup.assertProposalChangesFlags(
        proposal(passed("replace")), flags -> flags.get("search-ranking-v2").put("enabled", true));
    cup.assertProposalChangesFlags(
        proposal(passed("delete")), flags -> flags.remove("new-checkout"));
    cup.assertProposalChangesFlags(
        proposal(passed("watch")),
        flags -> ((ObjectNode) flags.get("dark-mode").get("labels")).put("watched", "yes"));
    List<String> informed = new ArrayList<>();
    passed("informer")
        .getJsonObject("detail")
        .getJsonArray("proposals")
        .forEach(id -> informed.add((String) id));
    assertThat(informed).hasSize(3);
    cup.assertProposalChangesFlags(
        informed.get(0),
        flags ->
            flags.put("js-informed", FlagsServer.booleanFlag("js-informed", "Js informed", true)));
    cup.assertProposalChangesFlags(
        informed.get(1), flags -> flags.get("js-informed").put("enabled", false));
    cup.assertProposalChangesFlags(informed.get(2), flags -> flags.remove("js-informed"));

    // nothing else was proposed: one branch per write, the refused create none
    Set<String> expected = new TreeSet<>();
    for (String check : List.of("create", "patch", "replace", "delete", "watch")) {
      expected.add(FlagsServer.BRANCHES + proposal(passed(check)));
    }
    informed.forEach(id -> expected.add(FlagsServer.BRANCHES + id));
    Set<String> added = new TreeSet<>(cup.proposalBranches());
    added.removeAll(branchesBefore);
    assertThat(added).isEqualTo(expected);
  }

  private static JsonObject passed(String name) {
    JsonObject check = checks.get(name);
    assertThat(check).as("the line of check %s in\n%s", name, nodeOutput).isNotNull();
    assertThat(check.getBoolean("ok")).as("check %s: %s", name, check.getString("error")).isTrue();
    return check;
  }

  private static String proposal(JsonObject check) {
    String id = check.getJsonObject("detail").getString("proposal");
    assertThat(id).as("the proposal of check %s", check.getString("check")).isNotBlank();
    return id;
  }

  /** {@code node --version}, or null when there is no {@code node} to run. */
}
