package io.cup.e2e;

import static io.cup.e2e.Fixture.SERVICES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cup.config.BridgeSettings;
import io.cup.e2e.ClusterNodes.Node;
import io.cup.testing.Eventually;
import io.cup.testing.NodeJs;
import io.cup.testing.TestRepos;
import io.cup.testing.auth.TokenFile;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cup's events heard by other services across a cluster (issue 16): two Cup nodes A and B as
 * processes; a JVM service joined to their cluster as a Hazelcast lite member ({@code
 * examples/jvm-consumer/JvmConsumer.java}, run from source); the Python TCP-bridge consumer and the
 * Node SockJS consumer connected to B. A write merged through A and a push straight to the remote
 * (seen by both nodes' polls) reach the JVM service once each, and B's bridge clients hear what
 * their users may watch of changes made through A, and nothing else.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ClusterConsumersTest {
  private static final String PROPOSALS = "/apis/cup.flipt.io/v1alpha1/proposals/";
  private static final String STAGING = "/apis/apps.cup.io/v1/namespaces/staging/services";
  private static final String ADMIN = "admin-token-0123456789";
  private static final String ALICE = "alice-token-0123456789";
  private static final String BOB = "bob-token-0123456789";
  private static final Path JVM_CONSUMER = Path.of("examples", "jvm-consumer", "JvmConsumer.java");
  private static final Path PYTHON_CONSUMER = Path.of("examples", "tcp-consumer", "consumer.py");
  private static final Path NODE_CONSUMER = Path.of("examples", "sockjs-consumer", "consumer.mjs");
  private static final Duration WITHIN = Duration.ofSeconds(30);

  /** admin: everything. alice: watch services in {@code default}. bob: in {@code staging}. */
  private static final String RBAC =
      """
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata: {name: everything}
      rules:
      - apiGroups: ["*"]
        resources: ["*"]
        verbs: ["*"]
      - nonResourceURLs: ["*"]
        verbs: ["*"]
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRoleBinding
      metadata: {name: admin}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: everything}
      subjects:
      - {kind: User, name: admin, apiGroup: rbac.authorization.k8s.io}
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata: {name: service-watcher}
      rules:
      - apiGroups: [apps.cup.io]
        resources: [services]
        verbs: [watch]
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: {name: alice-watches-default, namespace: default}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: service-watcher}
      subjects:
      - {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: {name: bob-watches-staging, namespace: staging}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: service-watcher}
      subjects:
      - {kind: User, name: bob, apiGroup: rbac.authorization.k8s.io}
      """;

  @TempDir Path tmp;
  private Fixture fixture;
  private ClusterNodes nodes;
  private final List<Consumer> consumers = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    consumers.forEach(Consumer::close);
    if (nodes != null) {
      nodes.close();
    }
    if (fixture != null) {
      fixture.daemon.close();
    }
  }

  @Test
  void aJoinedServiceHearsEachChangeOnceAndBridgeClientsOfTheOtherNodeHearWhatTheyMayWatch()
      throws Exception {
    assumeTrue(NodeJs.version() != null, "node is needed for the SockJS consumer");
    assumeTrue(
        Files.isDirectory(Path.of("examples", "sockjs-consumer", "node_modules")),
        "npm ci --prefix examples/sockjs-consumer has not been run");
    fixture = new Fixture(tmp);
    Files.writeString(fixture.resources.resolve("rbac.yaml"), RBAC);
    Path tokens =
        TokenFile.write(
            tmp.resolve("tokens.csv"),
            ADMIN + ",admin,u-0",
            ALICE + ",alice,u-1",
            BOB + ",bob,u-2");
    nodes =
        new ClusterNodes(
                tmp,
                List.of("a", "b"),
                List.of(
                    "--api-git-repo",
                    fixture.url(),
                    // both nodes poll: a push straight to the remote is seen by each on its own
                    "--api-git-poll-interval",
                    "1s",
                    "--api-resources",
                    fixture.resources.toString(),
                    "--api-token-auth-file",
                    tokens.toString(),
                    "--verticles",
                    Path.of("verticles").toAbsolutePath().toString()))
            .bearerToken(ADMIN);
    Node a = nodes.node("a");
    Node b = nodes.node("b");
    int bridgePort = Fixture.freePort();
    b.args.addAll(List.of("--bridge-tcp-address", "127.0.0.1:" + bridgePort));
    nodes.startAll();

    Consumer jvm =
        start(
            "jvm",
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                JVM_CONSUMER.toString(),
                String.join(",", nodes.members()),
                "--cluster-name",
                nodes.clusterName(),
                "--port",
                String.valueOf(Fixture.freePort())));
    Consumer alice =
        start(
            "alice-tcp",
            List.of(
                "python3",
                PYTHON_CONSUMER.toString(),
                "127.0.0.1",
                String.valueOf(bridgePort),
                ALICE));
    Consumer bob =
        start(
            "bob-sockjs",
            List.of(
                "node",
                NODE_CONSUMER.toString(),
                b.url(BridgeSettings.SOCKJS_PATH).toString(),
                BOB));
    for (Consumer consumer : List.of(jvm, alice, bob)) {
      consumer.awaitReady();
    }
    // neither may watch proposals: the proposal and head registrations are refused
    for (Consumer consumer : List.of(alice, bob)) {
      consumer.await("two access_denied", lines -> count(lines, Consumer::denied) == 2);
    }
    // the JVM service is a third member of the cluster, a lite one
    Eventually.until("A sees the JVM service join", WITHIN, () -> nodes.members(a) == 3);

    // a push straight to the remote and, at once, a write merged through A
    String proposal = write(a, SERVICES + "/web", Fixture.service("default", "web", 7, "t", "x"));
    TestRepos.commit(
        fixture.remote,
        TestRepos.MAIN,
        Map.of(Fixture.path("default", "push"), Fixture.service("default", "push", 9, "t", "x")));
    merge(a, proposal);
    String head = TestRepos.ref(fixture.remote, TestRepos.MAIN).name();
    jvm.await(
        "default/web and default/push",
        lines ->
            resourceEvents(lines, "default", "web") > 0
                && resourceEvents(lines, "default", "push") > 0);
    awaitServed(head);

    // A is killed; two pushes reach B one at a time; A, started again, catches up with both in
    // one move (a key of its own in cup.once): the cluster still hears each resource change once
    nodes.kill(a);
    List<String> missed = List.of("missed-1", "missed-2");
    for (String name : missed) {
      awaitServedBy(
          b,
          TestRepos.commit(
                  fixture.remote,
                  TestRepos.MAIN,
                  Map.of(
                      Fixture.path("default", name), Fixture.service("default", name, 1, "t", "x")))
              .name());
    }
    nodes.start(a);
    nodes.awaitMembers(a, 3);
    awaitServed(TestRepos.ref(fixture.remote, TestRepos.MAIN).name());

    // a marker, written after both nodes read the changes above: once the JVM service heard it
    // and both nodes read it, any second event of the changes above would have arrived
    String marker =
        write(a, STAGING + "/marker", Fixture.service("staging", "marker", 1, "t", "x"));
    merge(a, marker);
    String markerHead = TestRepos.ref(fixture.remote, TestRepos.MAIN).name();
    jvm.await("staging/marker", lines -> resourceEvents(lines, "staging", "marker") > 0);
    bob.await("staging/marker", lines -> resourceEvents(lines, "staging", "marker") > 0);
    awaitServed(markerHead);

    List<JsonObject> heard = jvm.lines();
    assertThat(resourceEvents(heard, "default", "web"))
        .as("the JVM service's events for default/web:\n%s", jvm.printed())
        .isEqualTo(1);
    assertThat(resourceEvents(heard, "default", "push"))
        .as("the JVM service's events for default/push:\n%s", jvm.printed())
        .isEqualTo(1);
    assertThat(resourceEvents(heard, "staging", "marker")).isEqualTo(1);
    for (String name : missed) {
      assertThat(resourceEvents(heard, "default", name))
          .as("the JVM service's events for default/%s:\n%s", name, jvm.printed())
          .isEqualTo(1);
    }
    assertThat(heard)
        .as("the JVM service hears proposals too: it is in the cluster, RBAC does not apply")
        .anyMatch(l -> "cup.events.proposal".equals(l.getString("address")))
        .anyMatch(l -> "cup.events.head".equals(l.getString("address")));

    // alice, on B, heard what was written through A in default, once, and nothing of staging
    alice.await(
        "default/web and default/push",
        lines ->
            resourceEvents(lines, "default", "web") > 0
                && resourceEvents(lines, "default", "push") > 0);
    assertThat(resourceEvents(alice.lines(), "default", "web")).isEqualTo(1);
    assertThat(resourceEvents(alice.lines(), "default", "push")).isEqualTo(1);
    assertThat(alice.lines()).noneMatch(l -> resourceEvent(l, "staging", null));
    // bob, on B, heard the marker in staging and nothing of default
    assertThat(bob.lines())
        .as("bob's events")
        .noneMatch(l -> resourceEvent(l, "default", null))
        .noneMatch(l -> "cup.events.proposal".equals(l.getString("address")));
  }

  // ------------------------------------------------------------------ helpers

  /** A write through {@code node}: its proposal's id. */
  private String write(Node node, String path, String body) throws IOException {
    HttpResponse<String> put =
        nodes.send(
            HttpRequest.newBuilder(node.url(path))
                .header("Authorization", "Bearer " + ADMIN)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .build());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(202);
    return new JsonObject(put.body()).getString("id");
  }

  private void merge(Node node, String proposal) throws IOException {
    HttpResponse<String> merged =
        nodes.send(
            HttpRequest.newBuilder(node.url(PROPOSALS + proposal + "/merge"))
                .header("Authorization", "Bearer " + ADMIN)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(merged.statusCode()).as(merged.body()).isEqualTo(200);
  }

  /** Waits until both nodes read the tracked branch at {@code commit}. */
  private void awaitServed(String commit) {
    for (Node node : List.of(nodes.node("a"), nodes.node("b"))) {
      awaitServedBy(node, commit);
    }
  }

  private void awaitServedBy(Node node, String commit) {
    Eventually.until(
        node + " reads " + commit,
        WITHIN,
        () ->
            commit.equals(
                new JsonObject(nodes.get(node, SERVICES + "?limit=1").body())
                    .getJsonObject("metadata")
                    .getString("resourceVersion")));
  }

  private static long count(List<JsonObject> lines, Predicate<JsonObject> which) {
    return lines.stream().filter(which).count();
  }

  private static long resourceEvents(List<JsonObject> lines, String namespace, String name) {
    return count(lines, l -> resourceEvent(l, namespace, name));
  }

  /** A {@code cup.events.resource} message, as all three consumers print it. */
  private static boolean resourceEvent(JsonObject line, String namespace, String name) {
    if (!"message".equals(line.getString("type"))
        || !"cup.events.resource".equals(line.getString("address"))) {
      return false;
    }
    JsonObject body = line.getJsonObject("body");
    return namespace.equals(body.getString("namespace"))
        && (name == null || name.equals(body.getString("name")));
  }

  private Consumer start(String name, List<String> command) throws IOException {
    Path output = tmp.resolve(name + ".out");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    Consumer consumer = new Consumer(name, process, output);
    consumers.add(consumer);
    return consumer;
  }

  /** A consumer example running as a child process, printing one JSON line per frame or event. */
  private record Consumer(String name, Process process, Path output) {
    static boolean denied(JsonObject line) {
      return "err".equals(line.getString("type"))
          && "access_denied".equals(line.getString("message"));
    }

    List<JsonObject> lines() {
      try {
        List<JsonObject> lines = new ArrayList<>();
        for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
          if (line.startsWith("{") && line.endsWith("}")) {
            lines.add(new JsonObject(line));
          }
        }
        return lines;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void awaitReady() {
      await("ready", lines -> lines.stream().anyMatch(l -> "ready".equals(l.getString("type"))));
    }

    void await(String what, Predicate<List<JsonObject>> condition) {
      try {
        Eventually.until(
            name + " printed " + what, WITHIN, () -> process.isAlive() && condition.test(lines()));
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; it printed:\n" + printed(), e);
      }
    }

    String printed() {
      try {
        return Files.readString(output, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return e.toString();
      }
    }

    void close() {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
