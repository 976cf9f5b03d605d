package io.cup.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * A real {@code git daemon} process on 127.0.0.1, serving every repository under a base path (read
 * and push: {@code --export-all --enable=receive-pack}). Tests use it as the remote:
 *
 * <pre>{@code
 * try (GitDaemon daemon = GitDaemon.serve(tempDir)) {
 *   TestRepos.createBare(tempDir.resolve("flags.git"), Map.of("a.json", "{}"));
 *   String url = daemon.url("flags.git"); // git://127.0.0.1:<port>/flags.git
 *   daemon.stop();  // the remote goes away ...
 *   daemon.start(); // ... and comes back on the same port
 * }
 * }</pre>
 *
 * <p>{@link #start()} returns only once the daemon accepts connections (polled with a deadline);
 * {@link #stop()} ends the daemon and the connection children it forked, by PID, and waits.
 */
public final class GitDaemon implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final String LOOPBACK = "127.0.0.1";

  private final Path basePath;
  private final int port;
  private final Path logFile;
  private Process process;
  private Path packetTrace;

  /** A daemon for {@code basePath} on a free loopback port, not started yet. */
  public GitDaemon(Path basePath) {
    this.basePath = Objects.requireNonNull(basePath, "basePath").toAbsolutePath();
    this.port = freePort();
    try {
      this.logFile = Files.createTempFile("git-daemon-" + port + "-", ".log");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the git daemon log file", e);
    }
  }

  /** A started daemon for {@code basePath} (created if missing). */
  public static GitDaemon serve(Path basePath) {
    return new GitDaemon(basePath).start();
  }

  /**
   * From the next {@link #start()} on, the Git processes the daemon runs append every packet they
   * exchange to {@code file} ({@code GIT_TRACE_PACKET}): what a client offered and asked for.
   */
  public synchronized GitDaemon tracePackets(Path file) {
    this.packetTrace = file.toAbsolutePath();
    return this;
  }

  /** Starts the daemon (again, on the same port) and waits until it accepts connections. */
  public synchronized GitDaemon start() {
    if (isRunning()) {
      return this;
    }
    try {
      Files.createDirectories(basePath);
      List<String> command =
          List.of(
              "git",
              "daemon",
              "--export-all",
              "--enable=receive-pack",
              "--reuseaddr",
              "--informative-errors",
              "--base-path=" + basePath,
              "--listen=" + LOOPBACK,
              "--port=" + port,
              basePath.toString());
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(basePath.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .redirectErrorStream(true);
      // The repositories are test fixtures; a global or system git config must not change how
      // the daemon serves them.
      builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
      builder.environment().put("GIT_CONFIG_GLOBAL", nullDevice().getPath());
      if (packetTrace != null) {
        builder.environment().put("GIT_TRACE_PACKET", packetTrace.toString());
      }
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start git daemon", e);
    }
    awaitAccepting();
    return this;
  }

  /** Stops the daemon and its connection children (by PID) and waits for them to exit. */
  public synchronized void stop() {
    Process running = process;
    process = null;
    if (running == null) {
      return;
    }
    List<ProcessHandle> children = running.descendants().toList();
    running.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!running.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        running.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
      for (ProcessHandle child : children) {
        try {
          child.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
          child.destroyForcibly();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running.destroyForcibly();
    }
    awaitClosed();
  }

  /** Stops the daemon for good and removes its log file. */
  @Override
  public void close() {
    stop();
    try {
      Files.deleteIfExists(logFile);
    } catch (IOException e) {
      // a leftover log file in the temp directory is harmless
    }
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  public int port() {
    return port;
  }

  public Path basePath() {
    return basePath;
  }

  /** The clone URL of repository {@code repoName} (a path relative to the base path). */
  public String url(String repoName) {
    String name = repoName.startsWith("/") ? repoName.substring(1) : repoName;
    return "git://" + LOOPBACK + ":" + port + "/" + name;
  }

  /** What the daemon printed so far (for failure messages). */
  public String log() {
    try {
      return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + logFile + ": " + e.getMessage() + ")";
    }
  }

  private void awaitAccepting() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      if (!process.isAlive()) {
        int code = process.exitValue();
        process = null;
        throw new IllegalStateException(
            "git daemon exited with "
                + code
                + " before accepting connections on port "
                + port
                + ":\n"
                + log());
      }
      if (accepts()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        stop();
        throw new IllegalStateException(
            "git daemon did not accept connections on port "
                + port
                + " within "
                + START_TIMEOUT
                + ":\n"
                + log());
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }

  private void awaitClosed() {
    long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
    while (accepts() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }

  private boolean accepts() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(LOOPBACK, port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  private static File nullDevice() {
    return new File("/dev/null");
  }
}
