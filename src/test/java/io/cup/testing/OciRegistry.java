package io.cup.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * A real OCI registry process (Debian's {@code docker-registry}, the CNCF Distribution registry) on
 * 127.0.0.1 and a free port, storing in a directory of the test's, plain HTTP, optionally with
 * htpasswd basic auth (the bcrypt file made here with Bouncy Castle). {@link #start()} returns once
 * {@code GET /v2/} answers; {@link #stop()} ends the process by PID and waits.
 */
public final class OciRegistry implements AutoCloseable {
  public static final String BINARY = "/usr/bin/docker-registry";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final String LOOPBACK = "127.0.0.1";

  private final Path dir;
  private final int port;
  private final String user;
  private final String password;
  private final String tokenAuth;
  private String extraConfig = "";
  private Process process;

  private OciRegistry(Path dir, String user, String password, String tokenAuth) {
    this.dir = dir.toAbsolutePath();
    this.port = freePort();
    this.user = user;
    this.password = password;
    this.tokenAuth = tokenAuth;
  }

  /** A started registry without authentication, storing under {@code dir}. */
  public static OciRegistry anonymous(Path dir) {
    return new OciRegistry(dir, null, null, null).start();
  }

  /** A started registry that accepts only {@code user} with {@code password} (basic auth). */
  public static OciRegistry withLogin(Path dir, String user, String password) {
    return new OciRegistry(dir, user, password, null).start();
  }

  /**
   * A started registry with basic auth that answers a blob GET with a redirect to {@code baseUrl}
   * plus the blob's path in its storage (Distribution's {@code redirect} storage middleware), as
   * registries behind a CDN or object store do.
   */
  public static OciRegistry withLoginRedirectingBlobsTo(
      Path dir, String user, String password, String baseUrl) {
    OciRegistry registry = new OciRegistry(dir, user, password, null);
    registry.extraConfig =
        "middleware:\n  storage:\n    - name: redirect\n      options:\n        baseurl: "
            + baseUrl
            + "\n";
    return registry.start();
  }

  /**
   * A started registry that accepts only bearer tokens of {@code tokens} (the distribution token
   * flow: a 401 with {@code WWW-Authenticate: Bearer realm=…}, a token from the realm).
   */
  public static OciRegistry withTokens(Path dir, OciTokenService tokens) {
    String auth =
        "auth:\n  token:\n    realm: "
            + tokens.realm()
            + "\n    service: "
            + OciTokenService.SERVICE
            + "\n    issuer: "
            + OciTokenService.ISSUER
            + "\n    rootcertbundle: "
            + tokens.certificate()
            + "\n";
    return new OciRegistry(dir, null, null, auth).start();
  }

  /** {@code 127.0.0.1:<port>}, the registry part of a reference. */
  public String host() {
    return LOOPBACK + ":" + port;
  }

  public int port() {
    return port;
  }

  /** The storage directory (blobs under {@code docker/registry/v2/blobs}). */
  public Path storage() {
    return dir.resolve("storage");
  }

  public synchronized OciRegistry start() {
    if (process != null && process.isAlive()) {
      return this;
    }
    try {
      Files.createDirectories(storage());
      StringBuilder config = new StringBuilder();
      config
          .append("version: 0.1\n")
          .append("log:\n  level: warn\n  accesslog:\n    disabled: true\n")
          .append("storage:\n  filesystem:\n    rootdirectory: ")
          .append(storage())
          .append("\n  delete:\n    enabled: true\n")
          .append("http:\n  addr: ")
          .append(host())
          .append("\n");
      if (user != null) {
        Path htpasswd = dir.resolve("htpasswd");
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        Files.writeString(
            htpasswd,
            user + ":" + OpenBSDBCrypt.generate("2a", password.toCharArray(), salt, 6) + "\n",
            StandardCharsets.UTF_8);
        config
            .append("auth:\n  htpasswd:\n    realm: cup-test\n    path: ")
            .append(htpasswd)
            .append("\n");
      }
      if (tokenAuth != null) {
        config.append(tokenAuth);
      }
      config.append(extraConfig);
      Path file = dir.resolve("config.yml");
      Files.writeString(file, config.toString(), StandardCharsets.UTF_8);
      process =
          new ProcessBuilder(List.of(BINARY, "serve", file.toString()))
              .directory(dir.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("log").toFile()))
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + BINARY, e);
    }
    awaitServing();
    return this;
  }

  /** Ends the registry process (by PID) and waits for it. */
  public synchronized void stop() {
    Process running = process;
    process = null;
    if (running == null) {
      return;
    }
    running.destroy();
    try {
      if (!running.waitFor(10, TimeUnit.SECONDS)) {
        running.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running.destroyForcibly();
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** What the registry logged, for failure messages. */
  public String log() {
    try {
      Path log = dir.resolve("log");
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read the log: " + e.getMessage() + ")";
    }
  }

  private void awaitServing() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "docker-registry exited with " + process.exitValue() + ":\n" + log());
      }
      try {
        int code =
            http.send(
                    HttpRequest.newBuilder(URI.create("http://" + host() + "/v2/"))
                        .timeout(Duration.ofSeconds(2))
                        .build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode();
        if (code == 200 || code == 401) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for docker-registry", e);
      }
      if (System.nanoTime() > deadline) {
        stop();
        throw new IllegalStateException(
            "docker-registry did not serve /v2/ within " + START_TIMEOUT + ":\n" + log());
      }
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }
}
