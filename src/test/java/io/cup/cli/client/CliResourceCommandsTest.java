package io.cup.cli.client;

import static io.cup.cli.client.CliServer.path;
import static io.cup.cli.client.CliServer.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.cup.testing.TestRepos;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code definitions}, {@code get}, {@code apply}, {@code delete} and {@code diff} end to end: the
 * command line run in-process against a real server over a real {@code git daemon} remote;
 * assertions on what it prints, its exit code, and the remote afterwards.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CliResourceCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private CliServer server;
  private Cup cup;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    server = new CliServer(vertx, tmp, 500);
    cup = new Cup(CliServer.environment(tmp), tmp, "-a", server.address);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  // ------------------------------------------------------------------ definitions

  @Test
  void definitionsAsATableAndAsTheServersJson() throws IOException {
    Cup.Result table = cup.run("definitions");
    assertThat(table.exitCode()).as(table.toString()).isZero();
    assertThat(table.out().lines().findFirst().orElseThrow())
        .matches("NAME +SINGULAR +APIVERSION +KIND");
    assertThat(table.out())
        .containsPattern("(?m)^services +service +apps\\.cup\\.io/v1 +Service$")
        .containsPattern("(?m)^routes +route +edge\\.cup\\.io/v1 +Route$")
        .containsPattern("(?m)^routes +route +net\\.cup\\.io/v1 +Route$");

    Cup.Result json = cup.run("-o", "json", "defs");
    assertThat(json.exitCode()).as(json.toString()).isZero();
    List<JsonNode> definitions = jsonStream(json.out());
    assertThat(definitions).hasSize(3);
    assertThat(definitions)
        .extracting(d -> d.path("metadata").path("name").asText())
        .containsExactly("services.apps.cup.io", "routes.edge.cup.io", "routes.net.cup.io");
    assertThat(definitions.get(0).path("spec").path("versions").has("v1")).isTrue();
  }

  // ------------------------------------------------------------------ get

  @Test
  void getListsAsAKubectlTable() {
    Cup.Result result = cup.run("get", "services");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .isEqualTo(
            """
            NAME   NAMESPACE   LABELS
            api    default     tier=backend
            web    default     tier=frontend
            """);
  }

  @Test
  void getWideAddsTheResourceVersionAndOpenProposals() {
    String commit = server.main().name();

    Cup.Result result = cup.run("get", "Service", "-o", "wide");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out().lines().findFirst().orElseThrow())
        .matches("NAME +NAMESPACE +LABELS +RESOURCEVERSION +PROPOSALS");
    assertThat(result.out())
        .containsPattern("(?m)^api +default +tier=backend +" + commit + " +<none>$");
  }

  @Test
  void getOneByNameAsJsonYamlAndName() throws IOException {
    Cup.Result json = cup.run("get", "service", "web", "-o", "json");
    assertThat(json.exitCode()).as(json.toString()).isZero();
    JsonNode web = JSON.readTree(json.out());
    assertThat(web.path("spec").path("replicas").asInt()).isEqualTo(2);
    assertThat(json.out()).startsWith("{\n  \"apiVersion\": \"apps.cup.io/v1\",\n");

    Cup.Result yaml = cup.run("get", "services.apps.cup.io", "web", "-o", "yaml");
    assertThat(yaml.exitCode()).as(yaml.toString()).isZero();
    JsonNode fromYaml = new YAMLMapper().readTree(yaml.out());
    assertThat(fromYaml.path("metadata").path("name").asText()).isEqualTo("web");
    assertThat(yaml.out()).contains("replicas: 2");

    Cup.Result names = cup.run("get", "SERVICES", "-o", "name");
    assertThat(names.out()).isEqualTo("service.apps.cup.io/api\nservice.apps.cup.io/web\n");
  }

  @Test
  void getWithALabelSelectorAndTheOriginalsGlobalOptionsBeforeTheVerb() throws IOException {
    Cup.Result selected = cup.run("get", "services", "-l", "tier=backend", "-o", "name");
    assertThat(selected.exitCode()).as(selected.toString()).isZero();
    assertThat(selected.out()).isEqualTo("service.apps.cup.io/api\n");

    // cup [-a address] [-n namespace] [-o json] get <type>: the original's JSON stream
    Cup.Result staging = cup.run("-n", "staging", "-o", "json", "get", "services");
    assertThat(staging.exitCode()).as(staging.toString()).isZero();
    List<JsonNode> items = jsonStream(staging.out());
    assertThat(items).hasSize(1);
    assertThat(items.get(0).path("metadata").path("namespace").asText()).isEqualTo("staging");

    Cup.Result none = cup.run("get", "services", "-l", "tier=nothing");
    assertThat(none.exitCode()).isZero();
    assertThat(none.out()).isEmpty();
    assertThat(none.err()).contains("No resources found in default namespace.");
  }

  @Test
  void anAmbiguousTypeIsAnErrorListingTheChoices() {
    Cup.Result result = cup.run("get", "routes");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .contains("\"routes\" is ambiguous")
        .contains("routes.edge.cup.io")
        .contains("routes.net.cup.io");

    Cup.Result unknown = cup.run("get", "widgets");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).contains("the server doesn't have a resource type \"widgets\"");
  }

  @Test
  void aServerStatusIsPrintedAsKubectlDoesAndExitsOne() {
    Cup.Result result = cup.run("get", "services", "ghost");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).startsWith("Error from server (NotFound): ").contains("ghost");
  }

  @Test
  void anUnreachableServerIsSaidClearly() {
    int closed = CliServer.freePort();
    // -a after the verb wins over the one before it
    Cup.Result result = cup.run("get", "services", "-a", "127.0.0.1:" + closed);

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("cannot connect to the server at http://127.0.0.1:" + closed);
  }

  @Test
  void verboseShowsTheExchangeWithoutTheToken() {
    Cup.Result result = cup.run("--token", "s3cret-token", "get", "services", "web", "--verbose");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.err())
        .contains("> GET " + server.address + "/apis\n")
        .contains(
            "> GET " + server.address + "/apis/apps.cup.io/v1/namespaces/default/services/web")
        .contains("> Authorization: Bearer <redacted>")
        .containsPattern("(?m)^< 200 ")
        .containsPattern("(?mi)^< content-type: application/json")
        .doesNotContain("s3cret-token");
  }

  // ------------------------------------------------------------------ apply

  @Test
  void applyOfAMultiDocumentYamlMakesOneProposal() throws IOException {
    ObjectId main = server.main();
    Path file =
        Files.writeString(
            tmp.resolve("services.yaml"),
            """
            apiVersion: apps.cup.io/v1
            kind: Service
            metadata:
              namespace: default
              name: web
              labels:
                tier: frontend
            spec:
              image: registry.example/web:1.0
              replicas: 5
            ---
            apiVersion: apps.cup.io/v1
            kind: Service
            metadata:
              name: cache
              labels:
                tier: backend
            spec:
              image: registry.example/cache:7
              replicas: 1
            """);

    Cup.Result result = cup.run("apply", "-f", file.toString());

    assertThat(result.exitCode()).as(result.toString()).isZero();
    Set<String> branches = server.proposalBranches();
    assertThat(branches).hasSize(1);
    String branch = branches.iterator().next();
    String id = branch.substring("cup/proposal/".length());
    assertThat(result.out())
        .containsPattern("(?m)^RESOURCE +ID +SOURCE +URL$")
        .containsPattern("(?m)^service\\.apps\\.cup\\.io/web +" + id + " +local +http")
        .containsPattern("(?m)^service\\.apps\\.cup\\.io/cache +" + id + " +local +http");
    assertThat(server.main()).as("the tracked branch is untouched").isEqualTo(main);
    assertThat(server.changedFromMain("refs/heads/" + branch))
        .containsExactlyInAnyOrder(path("default", "web"), path("default", "cache"));
    Map<String, String> files = TestRepos.files(server.remote, "refs/heads/" + branch);
    assertThat(
            JSON.readTree(files.get(path("default", "web"))).path("spec").path("replicas").asInt())
        .isEqualTo(5);
    assertThat(
            JSON.readTree(files.get(path("default", "cache")))
                .path("metadata")
                .path("namespace")
                .asText())
        .as("a resource without a namespace gets the session's")
        .isEqualTo("default");
    RevCommit head = TestRepos.parseCommit(server.remote, "refs/heads/" + branch);
    assertThat(head.getFullMessage()).startsWith("feat: update");
  }

  @Test
  void applyFromStdinWithTheOriginalsJsonOutput() throws IOException {
    Cup.Result result =
        cup.runWithStdin(service("default", "api", 6, "tier", "backend"), "-o", "json", "apply");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    JsonNode written = JSON.readTree(result.out());
    String id = written.path("id").asText();
    assertThat(written.path("proposal").path("source").asText()).isEqualTo("local");
    assertThat(written.path("proposal").path("url").asText()).endsWith("/proposals/" + id);
    assertThat(server.proposalBranches()).containsExactly("cup/proposal/" + id);
    assertThat(server.changedFromMain("refs/heads/cup/proposal/" + id))
        .containsExactly(path("default", "api"));

    // the same resource again: nothing to propose
    Cup.Result same =
        cup.runWithStdin(service("default", "web", 2, "tier", "frontend"), "apply", "-f", "-");
    assertThat(same.exitCode()).as(same.toString()).isZero();
    assertThat(same.out()).containsPattern("(?m)^service\\.apps\\.cup\\.io/web +unchanged");
    assertThat(server.proposalBranches()).hasSize(1);
  }

  @Test
  void applyOfAnInvalidResourceShowsTheStatusAndProposesNothing() throws IOException {
    Path file =
        Files.writeString(
            tmp.resolve("bad.json"),
            service("default", "web", 2, "tier", "frontend").replace("2\n", "\"two\"\n"));

    Cup.Result result = cup.run("apply", "-f", file.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).startsWith("Error from server (Invalid): ").contains("spec.replicas");
    assertThat(server.proposalBranches()).isEmpty();
  }

  @Test
  void applyWithAStaleResourceVersionIsAConflict() throws IOException {
    String stale =
        service("default", "web", 3, "tier", "frontend")
            .replace(
                "\"name\": \"web\",",
                "\"name\": \"web\",\n    \"resourceVersion\": \"" + "0".repeat(40) + "\",");

    Cup.Result result = cup.runWithStdin(stale, "apply");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).startsWith("Error from server (Conflict): ");
    assertThat(server.proposalBranches()).isEmpty();
  }

  @Test
  void applyOfADirectory() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("manifests"));
    Files.writeString(dir.resolve("a.json"), service("default", "a1", 1, "tier", "backend"));
    Files.writeString(
        dir.resolve("b.yaml"),
        "apiVersion: apps.cup.io/v1\nkind: Service\nmetadata: {name: b1}\n"
            + "spec: {image: x, replicas: 2}\n");
    Files.writeString(dir.resolve("notes.txt"), "not a manifest");

    Cup.Result result = cup.run("apply", "-f", dir.toString(), "-o", "name");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("service.apps.cup.io/a1\nservice.apps.cup.io/b1\n");
    String branch = server.proposalBranches().iterator().next();
    assertThat(server.proposalBranches()).hasSize(1);
    assertThat(server.changedFromMain("refs/heads/" + branch))
        .containsExactlyInAnyOrder(path("default", "a1"), path("default", "b1"));
  }

  // ------------------------------------------------------------------ delete

  @Test
  void deleteProposesTheRemoval() throws IOException {
    Cup.Result result = cup.run("-o", "json", "delete", "services", "api");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    String id = JSON.readTree(result.out()).path("id").asText();
    Map<String, String> files = TestRepos.files(server.remote, "refs/heads/cup/proposal/" + id);
    assertThat(files).doesNotContainKey(path("default", "api")).containsKey(path("default", "web"));

    Cup.Result missing = cup.run("delete", "services", "ghost");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).startsWith("Error from server (NotFound): ");
  }

  // ------------------------------------------------------------------ diff

  @Test
  void diffShowsWhatApplyWouldChangeAndPushesNothing() throws IOException {
    Map<String, ObjectId> refs = TestRepos.refs(server.remote);
    Path changed =
        Files.writeString(
            tmp.resolve("web.json"), service("default", "web", 6, "tier", "frontend"));
    Path same =
        Files.writeString(
            tmp.resolve("same.json"), service("default", "api", 3, "tier", "backend"));

    Cup.Result different = cup.run("diff", "-f", changed.toString());
    assertThat(different.exitCode()).as(different.toString()).isEqualTo(1);
    assertThat(different.out())
        .contains("a/" + path("default", "web"))
        .contains("b/" + path("default", "web"))
        .containsPattern("(?m)^-.*\"replicas\": 2")
        .containsPattern("(?m)^\\+.*\"replicas\": 6");

    Cup.Result none = cup.run("diff", "-f", same.toString());
    assertThat(none.exitCode()).as(none.toString()).isZero();
    assertThat(none.out()).isEmpty();

    Cup.Result error = cup.run("diff", "-f", tmp.resolve("missing.yaml").toString());
    assertThat(error.exitCode()).isGreaterThan(1);
    assertThat(error.err()).contains("missing.yaml");

    assertThat(TestRepos.refs(server.remote)).isEqualTo(refs);
  }

  static List<JsonNode> jsonStream(String text) throws IOException {
    List<JsonNode> values = new ArrayList<>();
    try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(text)) {
      while (it.hasNextValue()) {
        values.add(it.nextValue());
      }
    }
    return values;
  }
}
