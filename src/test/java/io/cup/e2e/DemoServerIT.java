package io.cup.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, as a user runs it: the packaged jar, {@code serve --demo}, in an
 * empty working directory; then the curl tour of the README (list, get, put → proposal, merge) and
 * a SIGTERM that shuts it down cleanly.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DemoServerIT {
  private static final String FLAGS = "/apis/flipt.io/v1alpha1/namespaces/default/flags";

  @TempDir Path work;
  private Process server;
  private final List<String> output = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() throws InterruptedException {
    if (server != null && server.isAlive()) {
      server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void demoServesListsProposesAndMerges() throws Exception {
    int port = freePort();
    String base = "http://127.0.0.1:" + port;
    Path jar = Path.of("target", "cup.jar").toAbsolutePath();
    assertThat(jar).exists();
    server =
        new ProcessBuilder(
                javaBin(),
                "-jar",
                jar.toString(),
                "serve",
                "--demo",
                "--data-dir",
                work.resolve("data").toString(),
                "--api-address",
                "127.0.0.1:" + port,
                "--api-git-poll-interval",
                "1s")
            .directory(Files.createDirectories(work.resolve("cwd")).toFile())
            .redirectErrorStream(true)
            .start();
    awaitOutput("listening", Duration.ofSeconds(90));

    assertThat(get(base + "/readyz").statusCode()).isEqualTo(200);
    assertThat(new JsonObject(get(base + "/apis").body()).fieldNames())
        .contains("flipt.io/v1alpha1/flags", "flipt.io/v1alpha1/segments");

    // list: NDJSON, one resource per line
    HttpResponse<String> list = get(base + FLAGS);
    assertThat(list.statusCode()).isEqualTo(200);
    String[] lines = list.body().strip().split("\n");
    assertThat(lines.length).isGreaterThanOrEqualTo(2);
    JsonObject flag = new JsonObject(lines[0]);
    String name = flag.getJsonObject("metadata").getString("name");

    // get one
    HttpResponse<String> one = get(base + FLAGS + "/" + name);
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(one.body()).getJsonObject("spec"))
        .isEqualTo(flag.getJsonObject("spec"));

    // put a change → 202 and a proposal
    JsonObject changed = new JsonObject(one.body());
    changed.getJsonObject("metadata").remove("resourceVersion");
    changed.remove("status");
    changed.getJsonObject("spec").put("description", "changed by DemoServerIT");
    HttpResponse<String> put =
        http.send(
            HttpRequest.newBuilder(URI.create(base + FLAGS + "/" + name))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(changed.encode()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(202);
    JsonObject accepted = new JsonObject(put.body());
    assertThat(accepted.getBoolean("empty")).isFalse();
    String id = accepted.getString("id");
    String url = accepted.getJsonObject("proposal").getString("url");
    assertThat(url).startsWith(base).endsWith("/proposals/" + id);

    // the same put again changes nothing on the tracked branch yet, so it is a new proposal;
    // the tracked branch still has the old value
    assertThat(new JsonObject(get(base + FLAGS + "/" + name).body()).getJsonObject("spec"))
        .isEqualTo(flag.getJsonObject("spec"));

    // the proposal: open, with a diff naming the change
    JsonObject proposal = new JsonObject(get(url).body());
    assertThat(proposal.encode()).contains("open").contains("changed by DemoServerIT");

    // merge it, then the tracked branch serves the new value
    HttpResponse<String> merged =
        http.send(
            HttpRequest.newBuilder(URI.create(url + "/merge"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(merged.statusCode()).as(merged.body()).isEqualTo(200);
    assertThat(merged.body()).contains("merged");
    JsonObject after = new JsonObject(get(base + FLAGS + "/" + name).body());
    assertThat(after.getJsonObject("spec").getString("description"))
        .isEqualTo("changed by DemoServerIT");

    // the proposals list shows it merged
    JsonArray items =
        new JsonObject(get(base + "/apis/cup.flipt.io/v1alpha1/proposals").body())
            .getJsonArray("items");
    assertThat(items.encode()).contains(id).contains("merged");

    // the README's dry-run patch: the diff of the file, nothing proposed
    HttpResponse<String> dryRun =
        http.send(
            HttpRequest.newBuilder(URI.create(base + FLAGS + "/" + name + "?dryRun=All"))
                .header("Content-Type", "application/merge-patch+json")
                .header("Accept", "text/x-diff")
                .method(
                    "PATCH",
                    HttpRequest.BodyPublishers.ofString("{\"spec\":{\"description\":\"patched\"}}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(dryRun.statusCode()).as(dryRun.body()).isEqualTo(200);
    assertThat(dryRun.body()).startsWith("diff --git a/").contains("+").contains("patched");

    // the cup client from the same jar, as a process
    Process cli =
        new ProcessBuilder(
                javaBin(),
                "-jar",
                jar.toString(),
                "-a",
                base,
                "-n",
                "default",
                "get",
                "flags",
                "-o",
                "name")
            .directory(work.resolve("cwd").toFile())
            .redirectErrorStream(true)
            .start();
    String printed = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(cli.exitValue()).as(printed).isZero();
    assertThat(printed).contains(name);

    // SIGTERM: a graceful stop
    server.destroy();
    assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(server.exitValue()).isIn(0, 143);
  }

  private HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Drains the server's output on a daemon thread; fails with that output unless a line has {@code
   * text}.
   */
  private void awaitOutput(String text, Duration timeout) throws Exception {
    CompletableFuture<Boolean> seen = new CompletableFuture<>();
    Thread drain =
        new Thread(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(
                      new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                  synchronized (output) {
                    output.add(line);
                  }
                  if (line.contains(text)) {
                    seen.complete(true);
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
              seen.complete(false);
            },
            "server-output");
    drain.setDaemon(true);
    drain.start();
    boolean ok;
    try {
      ok = seen.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      ok = false;
    }
    synchronized (output) {
      assertThat(ok).as("server output:\n" + String.join("\n", output)).isTrue();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
