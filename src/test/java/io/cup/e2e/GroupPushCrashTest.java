package io.cup.e2e;

import static io.cup.e2e.Fixture.SERVICES;
import static org.assertj.core.api.Assertions.assertThat;

import io.cup.testing.Eventually;
import io.cup.testing.PushGate;
import io.cup.testing.TestRepos;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 during a group push (issue 17): the server is its own process, in its default
 * configuration; the remote holds a push ({@link PushGate}) while more writes wait for the next one
 * (those the other publisher instance takes are pushed and answered meanwhile); the server is
 * killed with SIGKILL; then the held push is let through. No write answered 202 is lost, none of
 * the writes in flight was answered, the remote holds no half proposal (a branch without its record
 * or the reverse), and a server started again on the same data directory lists every accepted
 * proposal and takes new writes.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class GroupPushCrashTest {
  private static final Pattern WAITING =
      Pattern.compile("(?m)^cup_proposal_push_waiting(?:\\{[^}]*\\})? (\\S+)$");

  @TempDir Path tmp;
  private Fixture fixture;
  private Process process;
  private int port;
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() throws Exception {
    if (process != null && process.isAlive()) {
      process.destroy();
      process.waitFor(30, TimeUnit.SECONDS);
    }
    if (fixture != null) {
      fixture.daemon.close();
    }
  }

  @Test
  void aKillDuringAGroupPushLosesNoAcceptedWriteAndLeavesNoHalfProposal() throws Exception {
    fixture = new Fixture(tmp);
    PushGate gate = PushGate.install(fixture.remote, tmp.resolve("gate"));
    port = Fixture.freePort();
    start("first");

    List<String> accepted = new ArrayList<>();
    for (String name : List.of("a1", "a2", "a3")) {
      HttpResponse<String> put = put(name, 1);
      assertThat(put.statusCode()).as(put.body()).isEqualTo(202);
      accepted.add(new JsonObject(put.body()).getString("id"));
    }

    // one write's push is held on the remote; of eight more, those the same publisher instance
    // takes wait for its next push (the other instance pushes its own at once, and answers them)
    gate.holdNext();
    List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
    inFlight.add(putAsync("b0"));
    gate.awaitHeld();
    for (int i = 1; i <= 8; i++) {
      inFlight.add(putAsync("b" + i));
    }
    Eventually.until(
        "each of the eight writes is answered 202 or waits for the next push",
        Duration.ofSeconds(60),
        () -> waiting() >= 1 && waiting() + answered(inFlight) == 8);
    List<String> acceptedDuringHold = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> f : inFlight) {
      if (f.isDone() && !f.isCompletedExceptionally() && f.get().statusCode() == 202) {
        acceptedDuringHold.add(new JsonObject(f.get().body()).getString("id"));
      }
    }
    accepted.addAll(acceptedDuringHold);

    process.destroyForcibly();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(137);
    // the held push goes through after its sender died: its refs land, together or not at all
    gate.release("ok");
    long unanswered = 0;
    for (CompletableFuture<HttpResponse<String>> f : inFlight) {
      Integer status =
          f.handle((r, e) -> e == null ? r.statusCode() : null).get(60, TimeUnit.SECONDS);
      if (status == null || status != 202) {
        unanswered++;
      }
    }
    assertThat(unanswered)
        .as("the held write and the ones waiting behind it were never answered 202")
        .isEqualTo(9 - acceptedDuringHold.size());

    // the held push had its pack in full when its hook ran, so the remote applies it: wait for
    // its ref transaction to end (a reader may see it half-way through, the remote's clients never
    // act on that: the push's status comes after it)
    int expected = accepted.size() + 1;
    Eventually.until(
        "the held push's refs land on the remote",
        Duration.ofSeconds(30),
        () ->
            remoteIds("refs/heads/cup/proposal/").size() == expected
                && remoteIds("refs/cup/proposals/").size() == expected);
    Set<String> branches = remoteIds("refs/heads/cup/proposal/");
    Set<String> records = remoteIds("refs/cup/proposals/");
    assertThat(branches).as("no half proposal on the remote").isEqualTo(records);
    assertThat(branches).as("every write answered 202 is on the remote").containsAll(accepted);
    // besides those, the held push's one write; none of the writes waiting behind it
    assertThat(branches).hasSize(expected);

    start("second");
    JsonArray items =
        new JsonObject(get("/apis/cup.flipt.io/v1alpha1/proposals").body()).getJsonArray("items");
    Set<String> listed = new TreeSet<>();
    items.forEach(o -> listed.add(((JsonObject) o).getJsonObject("metadata").getString("name")));
    assertThat(listed).containsAll(accepted).isEqualTo(branches);
    HttpResponse<String> after = put("c1", 2);
    assertThat(after.statusCode()).as(after.body()).isEqualTo(202);
    String id = new JsonObject(after.body()).getString("id");
    assertThat(remoteIds("refs/heads/cup/proposal/")).contains(id);
    assertThat(remoteIds("refs/cup/proposals/")).contains(id);
  }

  // -- the server process ------------------------------------------------------------------------

  private void start(String name) throws Exception {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            "io.cup.Main",
            "serve",
            "--api-address",
            "127.0.0.1:" + port,
            "--api-git-repo",
            fixture.url(),
            "--api-git-poll-interval",
            "60s",
            "--api-resources",
            fixture.resources.toString(),
            "--data-dir",
            tmp.resolve("data").toString());
    Path log = tmp.resolve(name + ".log");
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .directory(tmp.toFile())
            .start();
    try {
      Eventually.until(
          "the server is ready",
          Duration.ofSeconds(90),
          () -> {
            if (!process.isAlive()) {
              throw new AssertionError("the server exited:\n" + Files.readString(log));
            }
            try {
              return get("/readyz").statusCode() == 200;
            } catch (java.io.IOException e) {
              return false;
            }
          });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + Files.readString(log), e);
    }
  }

  private HttpRequest putRequest(String name, int replicas) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + SERVICES + "/" + name))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json;as=WriteResult;g=cup.flipt.io;v=v1alpha1")
        .timeout(Duration.ofSeconds(60))
        .PUT(
            HttpRequest.BodyPublishers.ofString(
                Fixture.service("default", name, replicas, "tier", "backend")))
        .build();
  }

  private HttpResponse<String> put(String name, int replicas) throws Exception {
    return http.send(putRequest(name, replicas), HttpResponse.BodyHandlers.ofString());
  }

  private CompletableFuture<HttpResponse<String>> putAsync(String name) {
    return http.sendAsync(putRequest(name, 4), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static long answered(List<CompletableFuture<HttpResponse<String>>> requests) {
    return requests.stream()
        .filter(f -> f.isDone() && !f.isCompletedExceptionally() && f.join().statusCode() == 202)
        .count();
  }

  private double waiting() throws Exception {
    Matcher m = WAITING.matcher(get("/metrics").body());
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  private Set<String> remoteIds(String prefix) {
    Set<String> ids = new TreeSet<>();
    TestRepos.refs(fixture.remote).keySet().stream()
        .filter(r -> r.startsWith(prefix))
        .forEach(r -> ids.add(r.substring(prefix.length())));
    return ids;
  }
}
