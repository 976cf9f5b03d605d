package io.cup.cli.client;

import static io.cup.cli.client.CliServer.path;
import static io.cup.cli.client.CliServer.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cup.Main;
import io.cup.testing.TestRepos;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cup watch}: the command runs in a thread of its own, printing into a pipe the test reads
 * line by line (no sleeping: each read blocks until the command prints); a push to the remote shows
 * up as MODIFIED and DELETED rows, and {@code --timeout} ends the stream.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CliWatchTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private CliServer server;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    server = new CliServer(vertx, tmp, 200);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void aPushToTheRemoteIsSeenAsModifiedAndDeletedRows() throws Exception {
    try (Watch watch = new Watch("watch", "services", "--timeout", "10")) {
      assertThat(watch.readLine()).matches("EVENT +NAME +NAMESPACE +LABELS");
      List<String> initial = List.of(watch.readLine(), watch.readLine());
      assertThat(initial)
          .anyMatch(l -> l.matches("ADDED +api +default +tier=backend"))
          .anyMatch(l -> l.matches("ADDED +web +default +tier=frontend"));

      TestRepos.commit(
          server.remote,
          "main",
          Map.of(path("default", "web"), service("default", "web", 9, "tier", "edge")),
          Set.of(path("default", "api")),
          "someone else relabels web and removes api");

      List<String> live = List.of(watch.readLine(), watch.readLine());
      assertThat(live)
          .anyMatch(l -> l.matches("MODIFIED +web +default +tier=edge"))
          .anyMatch(l -> l.matches("DELETED +api +default +tier=backend"));
      assertThat(watch.exitCode()).as(watch.stderr()).isZero();
    }
  }

  @Test
  void jsonPrintsEachEventOnALineAndTheTimeoutEndsTheStream() throws Exception {
    try (Watch watch =
        new Watch("-o", "json", "watch", "services", "-l", "tier=frontend", "--timeout", "1")) {
      JsonNode event = JSON.readTree(watch.readLine());
      assertThat(event.path("type").asText()).isEqualTo("ADDED");
      assertThat(event.path("object").path("metadata").path("name").asText()).isEqualTo("web");
      assertThat(event.path("object").path("metadata").path("resourceVersion").asText())
          .isEqualTo(server.main().name());
      List<String> rest = new ArrayList<>();
      for (String line = watch.readLine(); line != null; line = watch.readLine()) {
        rest.add(line);
      }
      assertThat(rest).allMatch(l -> l.contains("\"BOOKMARK\"") || l.contains("\"web\""));
      assertThat(watch.exitCode()).as(watch.stderr()).isZero();
    }
  }

  @Test
  void anUnknownResourceVersionIsTheServersExpiredStatus() {
    Cup.Result result =
        new Cup(CliServer.environment(tmp), tmp, "-a", server.address)
            .run("watch", "services", "--resource-version", "1".repeat(40));

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).startsWith("Error from server (Expired): ");
  }

  /** {@code cup ARGS} running in another thread, its stdout readable line by line. */
  private final class Watch implements AutoCloseable {
    private final PipedInputStream pipe = new PipedInputStream(1 << 16);
    private final BufferedReader lines =
        new BufferedReader(new InputStreamReader(pipe, StandardCharsets.UTF_8));
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final CompletableFuture<Integer> exit;

    Watch(String... args) throws IOException {
      PipedOutputStream sink = new PipedOutputStream(pipe);
      List<String> all = new ArrayList<>(List.of("-a", server.address));
      all.addAll(List.of(args));
      Map<String, String> env = CliServer.environment(tmp);
      exit =
          CompletableFuture.supplyAsync(
              () -> {
                try (PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8)) {
                  return Main.run(
                      all.toArray(String[]::new),
                      env,
                      tmp,
                      out,
                      new PrintStream(err, true, StandardCharsets.UTF_8));
                }
              });
    }

    /** The next line the command prints; null once it has ended. */
    String readLine() {
      try {
        return lines.readLine();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    int exitCode() throws Exception {
      return exit.get(30, TimeUnit.SECONDS);
    }

    String stderr() {
      return err.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
      pipe.close();
    }
  }
}
