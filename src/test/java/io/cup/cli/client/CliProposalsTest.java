package io.cup.cli.client;

import static io.cup.cli.client.CliServer.path;
import static io.cup.cli.client.CliServer.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cup.testing.TestRepos;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code cup proposals} list, get, diff, merge and close against a real server and remote. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CliProposalsTest {
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

  @Test
  void listGetDiffMergeAndClose() throws IOException {
    String toMerge = propose(service("default", "web", 4, "tier", "frontend"));
    String toClose = propose(service("default", "api", 8, "tier", "backend"));

    Cup.Result list = cup.run("proposals");
    assertThat(list.exitCode()).as(list.toString()).isZero();
    assertThat(list.out())
        .containsPattern("(?m)^ID +STATE +CREATED +RESOURCES$")
        .containsPattern("(?m)^" + toMerge + " +open +\\S+ +put service/web$")
        .containsPattern("(?m)^" + toClose + " +open +\\S+ +put service/api$");
    assertThat(cup.run("proposals", "list", "-o", "name").out())
        .contains("proposal/" + toMerge + "\n", "proposal/" + toClose + "\n");

    Cup.Result get = cup.run("proposals", "get", toMerge, "-o", "json");
    assertThat(get.exitCode()).as(get.toString()).isZero();
    JsonNode proposal = JSON.readTree(get.out());
    assertThat(ProposalsCommand.id(proposal)).isEqualTo(toMerge);
    assertThat(ProposalsCommand.state(proposal)).isEqualTo("open");
    assertThat(get.out()).contains("cup/proposal/" + toMerge);

    Cup.Result diff = cup.run("proposals", "diff", toMerge);
    assertThat(diff.exitCode()).as(diff.toString()).isZero();
    assertThat(diff.out())
        .contains("a/" + path("default", "web"))
        .containsPattern("(?m)^-.*\"replicas\": 2")
        .containsPattern("(?m)^\\+.*\"replicas\": 4");

    Cup.Result merged = cup.run("proposals", "merge", toMerge);
    assertThat(merged.exitCode()).as(merged.toString()).isZero();
    assertThat(merged.out()).isEqualTo("proposal/" + toMerge + " merged\n");
    assertThat(TestRepos.read(server.remote, "refs/heads/main", path("default", "web")))
        .isEqualTo(service("default", "web", 4, "tier", "frontend"));

    Cup.Result closed = cup.run("-o", "json", "proposals", "close", toClose);
    assertThat(closed.exitCode()).as(closed.toString()).isZero();
    assertThat(ProposalsCommand.state(JSON.readTree(closed.out()))).isEqualTo("closed");

    Cup.Result again = cup.run("proposals", "close", toMerge);
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).startsWith("Error from server (Conflict): ");

    Cup.Result missing = cup.run("proposals", "get", "nope");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).startsWith("Error from server (NotFound): ");
  }

  private String propose(String resource) throws IOException {
    Cup.Result result = cup.runWithStdin(resource, "apply", "-o", "json");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return JSON.readTree(result.out()).path("id").asText();
  }
}
