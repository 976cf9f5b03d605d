package io.cup;

import io.cup.cli.Cli;
import io.cup.cli.Invocation;
import io.cup.config.ConfigurationException;
import io.cup.config.ResourceConfigurationLoader;
import io.cup.launcher.CupServer;
import io.cup.launcher.DeploymentException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar cup.jar serve [flags]}.
 *
 * <p>Exit codes: 0 after help or version; 1 when the resource configuration is broken or a verticle
 * fails to start; 2 for a bad flag or value. SIGTERM and SIGINT stop a running server gracefully
 * through a shutdown hook (the JVM then reports 143 or 130).
 */
public final class Main {
  /** How long a shutdown waits for the verticles to stop (the API drains requests meanwhile). */
  static final long SHUTDOWN_TIMEOUT_SECONDS = 30;

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  /**
   * Netty's JFR events of its buffer allocator are off unless the command line turns them on
   * ({@code -Dio.netty.jfr.enabled=true}): with them on, the first buffer a connection allocates
   * initialises JFR's event machinery (about a tenth of a second on the event loop, just as the
   * first request arrives), whether or not anything is recording.
   */
  static final String NETTY_JFR = "io.netty.jfr.enabled";

  public static void main(String[] args) {
    if (System.getProperty(NETTY_JFR) == null) {
      System.setProperty(NETTY_JFR, "false");
    }
    int code = run(args, System.getenv());
    flushLogs();
    System.exit(code);
  }

  /** Runs the command line in the process's working directory; blocks while serving. */
  public static int run(String[] args, Map<String, String> env) {
    return run(args, env, Path.of("").toAbsolutePath(), System.out, System.err);
  }

  /**
   * Runs the command line: parses it, and for {@code serve} starts the server and blocks until it
   * is shut down (SIGTERM or SIGINT).
   *
   * @param workDir what relative paths resolve against
   * @return the process exit code
   */
  public static int run(
      String[] args, Map<String, String> env, Path workDir, PrintStream out, PrintStream err) {
    PrintWriter outWriter =
        new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    PrintWriter errWriter =
        new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    if (args.length > 0 && args[0].equals("serve")) {
      // on the idle core while this one parses the command line
      ResourceConfigurationLoader.prepareInBackground();
    }
    Invocation invocation = Cli.parse(args, env, workDir, outWriter, errWriter);
    if (!invocation.serve()) {
      return invocation.exitCode();
    }

    CompletableFuture<CupServer> starting =
        CupServer.start(invocation.server(), invocation.verticlesDir())
            .toCompletionStage()
            .toCompletableFuture();
    // Registered before the start completes, so a signal during a slow first clone still stops
    // whatever was deployed.
    Thread shutdown = new Thread(() -> stop(starting), "cup-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdown);
    CupServer server;
    try {
      server = starting.get();
    } catch (ExecutionException e) {
      removeHook(shutdown);
      return startFailed(e.getCause(), errWriter);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
    server.onClose().toCompletionStage().toCompletableFuture().exceptionally(e -> null).join();
    return 0;
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down; the hook finds nothing to stop.
    }
  }

  private static int startFailed(Throwable cause, PrintWriter err) {
    if (cause instanceof ConfigurationException || cause instanceof DeploymentException) {
      err.println("cup: " + cause.getMessage());
    } else {
      LOG.error("Cup failed to start", cause);
      err.println("cup: failed to start: " + cause);
    }
    err.flush();
    return 1;
  }

  /**
   * Closes the server (once its start is over) and waits, bounded in all, so that every verticle's
   * stop() runs.
   */
  private static void stop(CompletableFuture<CupServer> starting) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SHUTDOWN_TIMEOUT_SECONDS);
    try {
      CupServer server = starting.get(SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      server
          .close()
          .toCompletionStage()
          .toCompletableFuture()
          .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      LOG.warn("Shutdown did not finish within {} s; exiting anyway", SHUTDOWN_TIMEOUT_SECONDS);
    } catch (ExecutionException e) {
      // A failed start has already taken down what it deployed; a failed close is reported.
      if (starting.isDone() && !starting.isCompletedExceptionally()) {
        LOG.warn("Shutdown failed: {}", e.getCause().toString());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      LOG.info("Cup stopped");
      flushLogs();
    }
  }

  /** Logging goes through an asynchronous appender: write out what is queued before exiting. */
  private static void flushLogs() {
    if (org.slf4j.LoggerFactory.getILoggerFactory()
        instanceof ch.qos.logback.classic.LoggerContext context) {
      context.stop();
    }
  }
}
