package io.cup.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cup.testing.Eventually;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cup nodes of one cluster, each a {@code cup serve --cluster} process of its own (the test's
 * classpath, {@code io.cup.Main}), joined over TCP/IP on 127.0.0.1: every node lists every member.
 * Its output goes to {@code <name>.log} under the test's directory. {@link #close()} stops what is
 * still running (SIGTERM, then SIGKILL).
 */
final class ClusterNodes implements AutoCloseable {
  private static final Pattern MEMBERS = Pattern.compile("(?m)^cup_cluster_members (\\S+)$");
  private static final Pattern OWNER =
      Pattern.compile("(?m)^cup_cluster_owner\\{role=\"reconciler\"} (\\S+)$");

  /** One node: its name, ports, and the process while it runs. */
  static final class Node {
    final String name;
    final int apiPort;
    final int memberPort;
    final Path dataDir;

    /** {@code serve} options of this node only, after the shared ones. */
    final List<String> args = new ArrayList<>();

    Process process;

    Node(String name, int apiPort, int memberPort, Path dataDir) {
      this.name = name;
      this.apiPort = apiPort;
      this.memberPort = memberPort;
      this.dataDir = dataDir;
    }

    URI url(String path) {
      return URI.create("http://127.0.0.1:" + apiPort + path);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private final Path dir;
  private final List<String> serveArgs;
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private String bearerToken;

  /**
   * @param serveArgs the {@code serve} options every node shares (remote, SCM, resources, …),
   *     without {@code --api-address}, {@code --data-dir} and the cluster options
   */
  ClusterNodes(Path dir, List<String> names, List<String> serveArgs) {
    this.dir = dir;
    this.serveArgs = List.copyOf(serveArgs);
    for (String name : names) {
      nodes.put(
          name,
          new Node(name, Fixture.freePort(), Fixture.freePort(), dir.resolve("data-" + name)));
    }
  }

  Node node(String name) {
    return nodes.get(name);
  }

  /** The token {@link #get} presents (for {@code /metrics} once authentication is on). */
  ClusterNodes bearerToken(String token) {
    this.bearerToken = token;
    return this;
  }

  /** The nodes' {@code --cluster-name}. */
  String clusterName() {
    return "cup-test-" + dir.getFileName();
  }

  /**
   * Every node's Hazelcast member address, {@code 127.0.0.1:port}, as {@code --cluster-members}.
   */
  List<String> members() {
    return nodes.values().stream().map(n -> "127.0.0.1:" + n.memberPort).toList();
  }

  /** Starts the named nodes at once and waits until each is ready in a cluster of all of them. */
  void startAll() throws IOException {
    for (Node node : nodes.values()) {
      start(node);
    }
    for (Node node : nodes.values()) {
      awaitMembers(node, nodes.size());
    }
  }

  /** Starts (or restarts) {@code node}'s process; does not wait. */
  void start(Node node) throws IOException {
    List<String> members = members();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // a small, quick-starting JVM; the options Hazelcast's documentation asks for on Java 17
    command.addAll(
        List.of(
            "-Xmx192m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "--add-modules",
            "java.se",
            "--add-exports",
            "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens",
            "java.base/java.lang=ALL-UNNAMED",
            "--add-opens",
            "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens",
            "java.management/sun.management=ALL-UNNAMED",
            "--add-opens",
            "jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            "io.cup.Main",
            "serve",
            "--api-address",
            "127.0.0.1:" + node.apiPort,
            "--data-dir",
            node.dataDir.toString(),
            "--cluster",
            "--cluster-host",
            "127.0.0.1",
            "--cluster-port",
            String.valueOf(node.memberPort),
            "--cluster-members",
            String.join(",", members),
            "--cluster-name",
            clusterName()));
    command.addAll(serveArgs);
    command.addAll(node.args);
    node.process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log(node).toFile()))
            .directory(dir.toFile())
            .start();
  }

  Path log(Node node) {
    return dir.resolve(node.name + ".log");
  }

  /** Waits until {@code node} is ready and sees {@code count} members (90 s at most). */
  void awaitMembers(Node node, int count) throws IOException {
    try {
      Eventually.until(
          node + " is ready in a cluster of " + count,
          Duration.ofSeconds(90),
          () -> {
            assertThat(node.process.isAlive()).as(node + " runs").isTrue();
            return status(node, "/readyz") == 200 && members(node) == count;
          });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; " + node + "'s log:\n" + tail(node), e);
    }
  }

  /** {@code cup_cluster_members} of {@code node}'s {@code /metrics}; -1 when it cannot answer. */
  int members(Node node) {
    return (int) gauge(node, MEMBERS);
  }

  /**
   * Whether {@code node} owns the reconciler now ({@code cup_cluster_owner{role="reconciler"}}).
   */
  boolean ownsReconciler(Node node) {
    return gauge(node, OWNER) == 1;
  }

  private double gauge(Node node, Pattern pattern) {
    try {
      HttpResponse<String> metrics = get(node, "/metrics");
      Matcher m = pattern.matcher(metrics.body());
      return metrics.statusCode() == 200 && m.find() ? Double.parseDouble(m.group(1)) : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  int status(Node node, String path) {
    try {
      return get(node, path).statusCode();
    } catch (IOException e) {
      return -1;
    }
  }

  HttpResponse<String> get(Node node, String path) throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(node.url(path)).GET();
    if (bearerToken != null) {
      request.header("Authorization", "Bearer " + bearerToken);
    }
    return send(request.build());
  }

  HttpResponse<String> send(HttpRequest request) throws IOException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** SIGKILL: no shutdown hook runs, the node just vanishes from the cluster. */
  void kill(Node node) throws InterruptedException {
    node.process.destroyForcibly();
    assertThat(node.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(node.process.exitValue()).isEqualTo(137);
  }

  String tail(Node node) {
    try {
      List<String> lines = Files.readAllLines(log(node));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (Node node : nodes.values()) {
      if (node.process != null && node.process.isAlive()) {
        node.process.destroy();
      }
    }
    for (Node node : nodes.values()) {
      if (node.process != null && !node.process.waitFor(30, TimeUnit.SECONDS)) {
        node.process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }
}
