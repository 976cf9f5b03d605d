package io.cup;

import io.cup.cli.Cli;
import io.cup.cli.Invocation;
import io.cup.config.ConfigurationException;
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
 * <p>Exit codes: 0 after help, version or a clean shutdown; 1 when the resource configuration is
 * broken or a verticle fails to start; 2 for a bad flag or value.
 */
public final class Main {
  /** How long a shutdown waits for the verticles to stop (the API drains requests meanwhile). */
  static final long SHUTDOWN_TIMEOUT_SECONDS = 30;

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv()));
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
    PrintWriter outWriter = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    PrintWriter errWriter = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    Invocation invocation = Cli.parse(args, env, workDir, outWriter, errWriter);
    if (!invocation.serve()) {
      return invocation.exitCode();
    }

    CupServer server;
    try {
      server =
          CupServer.start(invocation.server(), invocation.verticlesDir())
              .toCompletionStage()
              .toCompletableFuture()
              .get();
    } catch (ExecutionException e) {
      return startFailed(e.getCause(), errWriter);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }

    Thread shutdown = new Thread(() -> stop(server), "cup-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdown);
    server.onClose().toCompletionStage().toCompletableFuture().exceptionally(e -> null).join();
    return 0;
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

  /** Closes the server and waits, bounded, so that every verticle's stop() runs. */
  private static void stop(CupServer server) {
    CompletableFuture<Void> closing = server.close().toCompletionStage().toCompletableFuture();
    try {
      closing.get(SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      LOG.warn("Shutdown did not finish within {} s; exiting anyway", SHUTDOWN_TIMEOUT_SECONDS);
    } catch (ExecutionException e) {
      LOG.warn("Shutdown failed: {}", e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
