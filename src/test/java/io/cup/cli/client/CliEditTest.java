package io.cup.cli.client;

import static io.cup.cli.client.CliServer.path;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cup.testing.TestRepos;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cup edit} with a scripted {@code $EDITOR}: small shell scripts that edit the temporary
 * file with sed, as a person would in vi, against a real server and remote.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CliEditTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private CliServer server;
  private Map<String, String> env;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    server = new CliServer(vertx, tmp, 500);
    env = CliServer.environment(tmp);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void anEditIsProposedWithTheResourceVersionItWasMadeOn() throws IOException {
    Path seen = tmp.resolve("seen.yaml");
    editor("cp \"$1\" " + seen, "sed -i 's/replicas: 2/replicas: 7/' \"$1\"");

    Cup.Result result = cup().run("edit", "service", "web");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    String opened = Files.readString(seen);
    assertThat(opened)
        .startsWith("# Please edit the object below.")
        .contains("kind: Service")
        .contains("replicas: 2")
        .containsPattern("resourceVersion: \"?" + server.main().name());
    assertThat(server.proposalBranches()).hasSize(1);
    String branch = "refs/heads/" + server.proposalBranches().iterator().next();
    assertThat(replicas(branch, "web")).isEqualTo(7);
    assertThat(TestRepos.read(server.remote, branch, path("default", "web")))
        .as("resourceVersion and status are never stored")
        .doesNotContain("resourceVersion")
        .doesNotContain("status");
    assertThat(result.out()).containsPattern("(?m)^service\\.apps\\.cup\\.io/web +\\w+ +local");
    assertThat(Files.list(tmp.resolve("tmp")).toList())
        .as("the temporary file is removed")
        .isEmpty();
  }

  @Test
  void aRejectedEditReopensTheEditorWithTheErrorThenAValidOneIsProposed() throws IOException {
    Path rounds = tmp.resolve("rounds");
    Path second = tmp.resolve("second.yaml");
    editor(
        "echo round >> " + rounds,
        "if [ \"$(wc -l < " + rounds + ")\" -eq 1 ]; then",
        "  sed -i 's/replicas: 2/replicas: lots/' \"$1\"",
        "else",
        "  cp \"$1\" " + second,
        "  sed -i 's/replicas: lots/replicas: 8/' \"$1\"",
        "fi");

    Cup.Result result = cup().run("edit", "services", "web");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(Files.readAllLines(rounds)).hasSize(2);
    assertThat(result.err()).contains("Error from server (Invalid): ").contains("spec.replicas");
    String reopened = Files.readString(second);
    assertThat(reopened)
        .as("the error is a comment on top, the user's edit kept")
        .containsPattern("(?m)^# Error from server \\(Invalid\\): .*spec\\.replicas")
        .contains("replicas: lots");
    assertThat(server.proposalBranches()).hasSize(1);
    String branch = "refs/heads/" + server.proposalBranches().iterator().next();
    assertThat(replicas(branch, "web")).isEqualTo(8);
  }

  @Test
  void savingARejectedEditUnchangedGivesUp() throws IOException {
    Path rounds = tmp.resolve("rounds");
    editor(
        "echo round >> " + rounds,
        "if [ \"$(wc -l < " + rounds + ")\" -eq 1 ]; then",
        "  sed -i 's/replicas: 2/replicas: lots/' \"$1\"",
        "fi");

    Cup.Result result = cup().run("edit", "services", "web");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(Files.readAllLines(rounds)).hasSize(2);
    assertThat(result.err())
        .contains("Error from server (Invalid): ")
        .contains("edit cancelled, no valid changes were saved");
    assertThat(server.proposalBranches()).isEmpty();
    List<Path> kept = Files.list(tmp.resolve("tmp")).toList();
    assertThat(kept).hasSize(1);
    assertThat(Files.readString(kept.get(0))).contains("replicas: lots");
    assertThat(result.err()).contains(kept.get(0).toString());
  }

  @Test
  void anUnchangedFileSendsNothing() throws IOException {
    editor("true");

    Cup.Result result = cup().run("edit", "services", "web");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.err()).contains("Edit cancelled, no changes made.");
    assertThat(server.proposalBranches()).isEmpty();
  }

  @Test
  void theOriginalsJsonOutputEditsJsonAndPrintsTheWriteResult() throws IOException {
    editor("sed -i 's/\"replicas\": 3/\"replicas\": 4/' \"$1\"");

    Cup.Result result = cup().run("-o", "json", "edit", "services", "api");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    String id = JSON.readTree(result.out()).path("id").asText();
    assertThat(replicas("refs/heads/cup/proposal/" + id, "api")).isEqualTo(4);
  }

  private Cup cup() {
    return new Cup(env, tmp, "-a", server.address);
  }

  private int replicas(String revision, String name) throws IOException {
    return JSON.readTree(TestRepos.read(server.remote, revision, path("default", name)))
        .path("spec")
        .path("replicas")
        .asInt();
  }

  /** Writes an editor script (its file is the first argument) and points $EDITOR at it. */
  private void editor(String... lines) throws IOException {
    Path script = tmp.resolve("editor.sh");
    Files.writeString(script, "#!/bin/sh\nset -e\n" + String.join("\n", lines) + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    env.put("EDITOR", script.toString());
  }
}
