package io.cup.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A real {@code kubectl} binary run against one server, as a user would run it, with nothing of the
 * machine's own configuration: a kubeconfig written here ({@code KUBECONFIG}), {@code HOME} and the
 * discovery cache ({@code --cache-dir}) in a directory of this instance, an environment with only
 * {@code PATH}. Every run is bounded by a timeout and ended by its PID when it overruns.
 *
 * <pre>{@code
 * Kubectl kubectl = Kubectl.of(Kubectl.version("1.33").orElseThrow(), dir, "http://127.0.0.1:8181");
 * Kubectl.Result get = kubectl.run("get", "flags");
 * assertThat(get.exitCode()).isZero();
 * }</pre>
 *
 * <p>The package {@code kubectl} (Google Cloud SDK layout) installs {@code /usr/bin/kubectl}, a
 * dispatcher that runs the sibling {@code kubectl.1.27} … {@code kubectl.1.33} chosen by the
 * server's {@code /version}; {@link #version} finds one of those siblings, {@link #dispatcher} the
 * dispatcher itself.
 */
public final class Kubectl {
  /** How long one command may run before it is ended and the test fails. */
  public static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static final Path SDK_BIN = Path.of("/usr/lib/google-cloud-sdk/bin");
  private static final AtomicInteger RUNS = new AtomicInteger();

  private final Path binary;
  private final Path dir;
  private final Path kubeconfig;
  private final Path cache;

  private Kubectl(Path binary, Path dir) {
    this.binary = binary;
    this.dir = dir;
    this.kubeconfig = dir.resolve("kubeconfig");
    this.cache = dir.resolve("cache");
  }

  /** Who kubectl is towards the server: nobody, a bearer token, or a client certificate. */
  public record User(String token, Path clientCertificate, Path clientKey) {
    public static final User NONE = new User(null, null, null);

    public static User token(String token) {
      return new User(Objects.requireNonNull(token, "token"), null, null);
    }

    public static User certificate(Path certificate, Path key) {
      return new User(null, certificate, key);
    }
  }

  /** What one run printed and how it ended. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {
    /** The output lines of stdout, without the line ends. */
    public List<String> lines() {
      return stdout.isEmpty() ? List.of() : List.of(stdout.split("\r?\n"));
    }

    @Override
    public String toString() {
      return String.join(" ", command)
          + "\nexit code "
          + exitCode
          + "\n--- stdout\n"
          + stdout
          + "--- stderr\n"
          + stderr;
    }
  }

  /** The versioned kubectl {@code kubectl.<minor>} (for example "1.27"), if it is installed. */
  public static Optional<Path> version(String minor) {
    return executable(SDK_BIN.resolve("kubectl." + minor));
  }

  /** The dispatcher {@code kubectl} that picks a versioned binary by the server's version. */
  public static Optional<Path> dispatcher() {
    Optional<Path> onPath = onPath("kubectl");
    return onPath.isPresent() ? onPath : executable(SDK_BIN.resolve("kubectl"));
  }

  /** A kubectl without credentials for the plain-HTTP server at {@code server}. */
  public static Kubectl of(Path binary, Path dir, String server) {
    return of(binary, dir, server, null, User.NONE);
  }

  /**
   * A kubectl for {@code server} ({@code https://…} checked against {@code certificateAuthority}),
   * as {@code user}, in context namespace {@code default}; its files go under {@code dir}.
   */
  public static Kubectl of(
      Path binary, Path dir, String server, Path certificateAuthority, User user) {
    Kubectl kubectl = new Kubectl(binary, dir);
    try {
      Files.createDirectories(dir.resolve("home"));
      Files.createDirectories(kubectl.cache);
      StringBuilder config = new StringBuilder();
      config.append("apiVersion: v1\nkind: Config\nclusters:\n- name: cup\n  cluster:\n");
      config.append("    server: ").append(server).append('\n');
      if (certificateAuthority != null) {
        config.append("    certificate-authority: ").append(certificateAuthority).append('\n');
      }
      config.append("users:\n- name: cup-user\n  user:");
      if (user.token() == null && user.clientCertificate() == null) {
        config.append(" {}\n");
      } else {
        config.append('\n');
        if (user.token() != null) {
          config.append("    token: ").append(user.token()).append('\n');
        }
        if (user.clientCertificate() != null) {
          config.append("    client-certificate: ").append(user.clientCertificate()).append('\n');
          config.append("    client-key: ").append(user.clientKey()).append('\n');
        }
      }
      config.append("contexts:\n- name: cup\n  context:\n");
      config.append("    cluster: cup\n    user: cup-user\n    namespace: default\n");
      config.append("current-context: cup\n");
      Files.writeString(kubectl.kubeconfig, config.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the kubeconfig under " + dir, e);
    }
    return kubectl;
  }

  public Path binary() {
    return binary;
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  /** Runs {@code kubectl args…} with no input and waits (at most {@link #TIMEOUT}). */
  public Result run(String... args) {
    return run(Map.of(), null, args);
  }

  /** Runs {@code kubectl args…} with {@code stdin} (for {@code -f -}) as its input. */
  public Result runWithInput(String stdin, String... args) {
    return run(Map.of(), stdin, args);
  }

  /**
   * Runs {@code kubectl args…} with {@code env} added to its environment and {@code stdin} (or
   * nothing) as its input; fails, having ended it, if it runs longer than {@link #TIMEOUT}.
   */
  public Result run(Map<String, String> env, String stdin, String... args) {
    Running started = start(env, stdin, args);
    try {
      if (!started.process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        started.stop();
        throw new AssertionError(
            "kubectl did not finish within " + TIMEOUT + ": " + started.describe());
      }
      return started.result(started.process.exitValue());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      started.stop();
      throw new AssertionError("interrupted while waiting for " + started.describe(), e);
    }
  }

  /**
   * Starts {@code kubectl args…} (for example {@code get flags -w}) and returns at once; the caller
   * waits on its output with {@link Running#awaitLine} and ends it with {@link Running#close}.
   */
  public Running start(String... args) {
    return start(Map.of(), null, args);
  }

  private Running start(Map<String, String> env, String stdin, String... args) {
    int run = RUNS.incrementAndGet();
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.add("--cache-dir=" + cache);
    command.addAll(List.of(args));
    try {
      Path out = dir.resolve("run-" + run + ".out");
      Path err = dir.resolve("run-" + run + ".err");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      if (stdin == null) {
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      } else {
        Path in = dir.resolve("run-" + run + ".in");
        Files.writeString(in, stdin, StandardCharsets.UTF_8);
        builder.redirectInput(in.toFile());
      }
      Map<String, String> environment = builder.environment();
      String path = environment.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
      environment.clear();
      environment.put("PATH", path);
      environment.put("HOME", dir.resolve("home").toString());
      environment.put("KUBECONFIG", kubeconfig.toString());
      environment.put("LANG", "C.UTF-8");
      environment.putAll(env);
      return new Running(command, builder.start(), out, err);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  /** A kubectl process started by {@link #start}: its output so far, and its end. */
  public static final class Running implements AutoCloseable {
    private final List<String> command;
    private final Process process;
    private final Path out;
    private final Path err;

    private Running(List<String> command, Process process, Path out, Path err) {
      this.command = command;
      this.process = process;
      this.out = out;
      this.err = err;
    }

    /** What it has printed on stdout so far, line by line. */
    public List<String> lines() {
      String stdout = read(out);
      return stdout.isEmpty() ? List.of() : List.of(stdout.split("\r?\n"));
    }

    /** Waits (at most {@link #TIMEOUT}) until a line of stdout matches, and returns it. */
    public String awaitLine(String what, Predicate<String> line) {
      Eventually.until(
          what + " in the output of " + describe(),
          TIMEOUT,
          () -> lines().stream().anyMatch(line) || !process.isAlive());
      return lines().stream()
          .filter(line)
          .findFirst()
          .orElseThrow(
              () -> new AssertionError("kubectl ended before " + what + ": " + describe()));
    }

    public boolean isAlive() {
      return process.isAlive();
    }

    /** Ends the process (by its PID, this one only) and waits for it. */
    @Override
    public void close() {
      stop();
    }

    void stop() {
      if (process.isAlive()) {
        process.destroy();
        try {
          if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          process.destroyForcibly();
        }
      }
    }

    Result result(int exitCode) {
      return new Result(command, exitCode, read(out), read(err));
    }

    String describe() {
      return String.join(" ", command)
          + (process.isAlive() ? " (running)" : " (exit code " + process.exitValue() + ")")
          + "\n--- stdout\n"
          + read(out)
          + "--- stderr\n"
          + read(err);
    }

    private static String read(Path file) {
      try {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
      } catch (IOException e) {
        return "(cannot read " + file + ": " + e.getMessage() + ")";
      }
    }
  }

  private static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String entry : path.split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        Optional<Path> found = executable(Path.of(entry, name));
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<Path> executable(Path file) {
    return Files.isRegularFile(file) && Files.isExecutable(file)
        ? Optional.of(file)
        : Optional.empty();
  }
}
