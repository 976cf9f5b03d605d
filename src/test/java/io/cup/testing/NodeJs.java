package io.cup.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Node.js for the tests that run JavaScript (Node's WASI, the JavaScript Kubernetes client). */
public final class NodeJs {
  private NodeJs() {}

  /** What a finished {@code node} printed (stdout and stderr together) and its exit code. */
  public record Result(int exitCode, String output) {}

  /** {@code node --version}, or null when there is no working {@code node} on the PATH. */
  public static String version() throws InterruptedException {
    try {
      Process process = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      if (!process.waitFor(1, TimeUnit.MINUTES)) {
        process.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
        return null;
      }
      String version =
          new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return process.exitValue() == 0 ? version : null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Runs {@code node script args…} from the project directory and waits at most {@code within};
   * fails (having ended it) when it runs longer.
   */
  public static Result run(Path script, Duration within, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("node", script.toString()));
    command.addAll(List.of(args));
    return run(command, Map.of(), within);
  }

  /**
   * Runs {@code command} (its first word {@code node}) from the project directory with {@code
   * environment} added to this process's, and waits at most {@code within}; fails (having ended it)
   * when it runs longer.
   */
  public static Result run(List<String> command, Map<String, String> environment, Duration within)
      throws IOException, InterruptedException {
    Path output = Files.createTempFile("node-", ".out");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
      builder.environment().putAll(environment);
      Process process = builder.start();
      if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
        throw new AssertionError(
            String.join(" ", command) + " ran longer than " + within + ":\n" + read(output));
      }
      return new Result(process.exitValue(), read(output));
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static String read(Path output) throws IOException {
    return Files.readString(output, StandardCharsets.UTF_8);
  }
}
