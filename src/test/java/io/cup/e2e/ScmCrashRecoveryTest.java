package io.cup.e2e;

import static io.cup.e2e.Fixture.SERVICES;
import static org.assertj.core.api.Assertions.assertThat;

import io.cup.config.ServerConfig;
import io.cup.testing.Eventually;
import io.cup.testing.TestRepos;
import io.cup.testing.scm.ScmStandIn;
import io.cup.testing.scm.ScmStandIn.Kind;
import io.cup.testing.scm.ScmStandIn.PullSnapshot;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Accepted means kept, across a crash: the server runs as its own process and is killed with
 * SIGKILL ({@code kill -9}) after it answered 202 but before any pull request was recorded: one
 * whose pull request the SCM created while its answer was lost, two the SCM refused with 503. A new
 * process on the same data directory completes all three, each as exactly one pull request.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ScmCrashRecoveryTest {
  private static final String CREATE = "pulls/create";

  @TempDir Path tmp;
  private Fixture fixture;
  private ScmStandIn scm;
  private Process process;
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() throws Exception {
    if (process != null && process.isAlive()) {
      process.destroy();
      process.waitFor(30, TimeUnit.SECONDS);
    }
    fixture.daemon.close();
    try {
      scm.assertNoViolations();
    } finally {
      scm.close();
    }
  }

  @Test
  void everyAcceptedWriteEndsAsExactlyOnePullRequestAfterAKillAndARestart() throws Exception {
    fixture = new Fixture(tmp);
    scm = ScmProposalsTest.standIn(Kind.GITHUB);
    ServerConfig config = ScmProposalsTest.config(fixture, tmp, Kind.GITHUB, scm.baseUrl());
    Path verticles = ScmProposalsTest.fastVerticles(tmp.resolve("verticles"));

    // the first create takes effect on the SCM, its answer never arrives
    scm.hangNext(CREATE, true);
    Server first = start(config, verticles, "first");
    List<String> ids = new ArrayList<>();
    ids.add(write(config, "web", 5));
    assertThat(scm.awaitRequest(CREATE, Duration.ofSeconds(30))).isTrue();
    // the next ones are refused for a while
    scm.failNext(CREATE, 503, Map.of(), 1_000);
    ids.add(write(config, "api", 6));
    ids.add(write(config, "worker", 1));
    for (String id : ids) {
      assertThat(TestRepos.refs(fixture.remote))
          .containsKey("refs/heads/cup/proposal/" + id)
          .containsKey("refs/cup/proposals/" + id);
    }
    assertThat(scm.pulls()).hasSize(1);

    kill(first);
    scm.clearFaults();
    Server second = start(config, verticles, "second");
    // every proposal ends open with its pull request: the ones the first run left pending are
    // opened by the second (the first may still have completed the hung one before the kill)
    awaitOpen(config, ids, second);

    List<PullSnapshot> pulls = scm.pulls();
    assertThat(pulls).hasSize(3);
    assertThat(pulls)
        .extracting(PullSnapshot::head)
        .containsExactlyInAnyOrderElementsOf(ids.stream().map(id -> "cup/proposal/" + id).toList());
    for (String id : ids) {
      JsonObject proposal =
          new JsonObject(get(config, "/apis/cup.flipt.io/v1alpha1/proposals/" + id).body());
      assertThat(proposal.getJsonObject("status").getString("state")).isEqualTo("open");
      assertThat(proposal.getJsonObject("status").getLong("pullRequest")).isNotNull();
    }
    // the token never reaches a log line, on either run
    assertThat(Files.readString(tmp.resolve("first.log"))).doesNotContain(ScmProposalsTest.TOKEN);
    assertThat(Files.readString(tmp.resolve("second.log"))).doesNotContain(ScmProposalsTest.TOKEN);
    assertThat(scm.requests().stream().filter(r -> CREATE.equals(r.operationId())).count())
        .as("the hung create, the refused ones, and one create per refused write after restart")
        .isGreaterThanOrEqualTo(3);
  }

  // -- the server process ------------------------------------------------------------------------

  /** A server process and the lines it has printed so far. */
  private record Server(Process process, BlockingQueue<String> lines, Path log) {
    /** Blocks until the process prints a line containing {@code text}. */
    void awaitLine(String text) throws InterruptedException, IOException {
      awaitLines(List.of(text));
    }

    /** Blocks until the process printed, in any order, a line containing each of {@code texts}. */
    void awaitLines(List<String> texts) throws InterruptedException, IOException {
      List<String> missing = new ArrayList<>(texts);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!missing.isEmpty()) {
        long left = deadline - System.nanoTime();
        String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
        if (line == null) {
          throw new AssertionError(
              "the server never printed " + missing + "; its log:\n" + Files.readString(log));
        }
        missing.removeIf(line::contains);
      }
    }
  }

  private Server start(ServerConfig config, Path verticles, String name) throws Exception {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            "io.cup.Main",
            "serve",
            "--api-address",
            "127.0.0.1:" + config.port(),
            "--api-git-repo",
            config.gitRepo(),
            "--api-git-scm",
            config.gitScm(),
            "--api-git-scm-url",
            config.scm().url(),
            "--api-git-scm-repo",
            config.scm().repo(),
            "--api-git-scm-token-file",
            config.scm().tokenFile(),
            "--api-webhook-secret-file",
            config.scm().webhookSecretFile(),
            "--api-git-poll-interval",
            "60s",
            "--api-resources",
            config.resourcesDir(),
            "--data-dir",
            config.dataDir(),
            "--verticles",
            verticles.toString());
    Path log = tmp.resolve(name + ".log");
    process = new ProcessBuilder(command).redirectErrorStream(true).directory(tmp.toFile()).start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Process started = process;
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  Files.writeString(
                      log,
                      line + "\n",
                      java.nio.file.StandardOpenOption.CREATE,
                      java.nio.file.StandardOpenOption.APPEND);
                  lines.add(line);
                }
              } catch (IOException e) {
                lines.add("reader stopped: " + e);
              }
            },
            "cup-" + name + "-output");
    reader.setDaemon(true);
    reader.start();
    Server server = new Server(process, lines, log);
    server.awaitLine("HTTP API listening on port");
    return server;
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  private static void kill(Server server) throws InterruptedException {
    server.process().destroyForcibly();
    assertThat(server.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(server.process().exitValue()).isEqualTo(137);
  }

  private String write(ServerConfig config, String name, int replicas) throws Exception {
    HttpResponse<String> put =
        http.send(
            HttpRequest.newBuilder(url(config, SERVICES + "/" + name))
                .header("Content-Type", "application/json")
                .PUT(
                    HttpRequest.BodyPublishers.ofString(
                        Fixture.service("default", name, replicas, "tier", "backend")))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(202);
    JsonObject answer = new JsonObject(put.body());
    assertThat(answer.getJsonObject("proposal").getString("state").toLowerCase(Locale.ROOT))
        .isEqualTo("pending");
    return answer.getString("id");
  }

  /** Polls the proposals until each is open with its pull request (90 s at most). */
  private void awaitOpen(ServerConfig config, List<String> ids, Server server) throws Exception {
    List<String> waiting = new ArrayList<>(ids);
    try {
      Eventually.until(
          "proposals " + ids + " are open with their pull requests",
          Duration.ofSeconds(90),
          () -> {
            waiting.removeIf(
                id -> {
                  try {
                    JsonObject status =
                        new JsonObject(
                                get(config, "/apis/cup.flipt.io/v1alpha1/proposals/" + id).body())
                            .getJsonObject("status");
                    return status != null
                        && "open".equals(status.getString("state"))
                        && status.getValue("pullRequest") != null;
                  } catch (Exception e) {
                    return false;
                  }
                });
            return waiting.isEmpty();
          });
    } catch (AssertionError e) {
      throw new AssertionError(
          "proposals " + waiting + " never opened; the log:\n" + Files.readString(server.log()), e);
    }
  }

  private HttpResponse<String> get(ServerConfig config, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(url(config, path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static URI url(ServerConfig config, String path) {
    return URI.create("http://127.0.0.1:" + config.port() + path);
  }
}
