package io.cup.e2e;

import static io.cup.e2e.FlagsServer.FLAGS;
import static io.cup.e2e.FlagsServer.MAIN;
import static io.cup.e2e.FlagsServer.PROPOSALS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cup.config.AccessSettings;
import io.cup.config.BridgeSettings;
import io.cup.testing.Eventually;
import io.cup.testing.NodeJs;
import io.cup.testing.TestRepos;
import io.cup.testing.auth.TokenFile;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event contract open to other services (issue 16): the runnable examples under {@code
 * examples/} — a Python consumer of the TCP bridge (standard library only) and a Node consumer of
 * the SockJS bridge ({@code @vertx/eventbus-bridge-client.js}) — run as child processes against a
 * real server with static tokens and RBAC, while the test changes flags by pushing to the remote
 * and through the HTTP API (a proposal, merged). Each consumer hears exactly what its user may
 * {@code watch}; no token, an unknown address, or a send to one of Cup's own addresses is {@code
 * access_denied} and changes nothing.
 */
class BridgeConsumersTest {
  private static final String ADMIN = "admin-token-0123456789";
  private static final String ALICE = "alice-token-0123456789";
  private static final String BOB = "bob-token-0123456789";
  private static final String INBOUND = "orders.notify";
  private static final Path PYTHON_CONSUMER = Path.of("examples", "tcp-consumer", "consumer.py");
  private static final Path NODE_CONSUMER = Path.of("examples", "sockjs-consumer", "consumer.mjs");
  private static final Duration WITHIN = Duration.ofMinutes(1);

  /**
   * admin: everything. alice: watch flags in {@code default}, watch proposals, post to {@value
   * #INBOUND}. bob: watch flags in {@code production} only.
   */
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
      kind: Role
      metadata: {name: flag-watcher, namespace: default}
      rules:
      - apiGroups: [flipt.io]
        resources: [flags]
        verbs: [watch]
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: {name: alice-watches-default, namespace: default}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: flag-watcher}
      subjects:
      - {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata: {name: proposal-watcher-and-notifier}
      rules:
      - apiGroups: [cup.flipt.io]
        resources: [proposals]
        verbs: [watch]
      - nonResourceURLs: ["/eventbus/orders.notify"]
        verbs: [post]
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRoleBinding
      metadata: {name: alice-watches-proposals}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: proposal-watcher-and-notifier}
      subjects:
      - {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: Role
      metadata: {name: flag-watcher, namespace: production}
      rules:
      - apiGroups: [flipt.io]
        resources: [flags]
        verbs: [watch]
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: {name: bob-watches-production, namespace: production}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: flag-watcher}
      subjects:
      - {kind: User, name: bob, apiGroup: rbac.authorization.k8s.io}
      """;

  @TempDir static Path tmp;

  private static Vertx vertx;
  private static FlagsServer server;
  private static WebClient client;
  private static int tcpPort;
  private static MessageConsumer<JsonObject> notified;
  private static final List<JsonObject> notifications = new ArrayList<>();
  private final List<Consumer> consumers = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(NodeJs.version() != null, "node is needed for the SockJS consumer");
    assumeTrue(
        Files.isDirectory(Path.of("examples", "sockjs-consumer", "node_modules")),
        "npm ci --prefix examples/sockjs-consumer has not been run");
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
    Path tokens =
        TokenFile.write(
            Files.createDirectories(tmp.resolve("auth")).resolve("tokens.csv"),
            ADMIN + ",admin,u-0",
            ALICE + ",alice,u-1",
            BOB + ",bob,u-2");
    AccessSettings access =
        new AccessSettings(
            null,
            null,
            tokens.toString(),
            null,
            null,
            null,
            null,
            null,
            null,
            false,
            AccessSettings.RBAC,
            null,
            null,
            null);
    tcpPort = Fixture.freePort();
    server =
        FlagsServer.start(
            vertx,
            tmp,
            RBAC,
            access,
            new BridgeSettings("127.0.0.1", tcpPort, true, List.of(INBOUND)));
    // another service on the bus, answering the one address bridge clients may send to
    notified =
        vertx
            .eventBus()
            .<JsonObject>consumer(INBOUND)
            .handler(
                message -> {
                  synchronized (notifications) {
                    notifications.add(message.body());
                  }
                  message.reply(new JsonObject().put("ok", true));
                });
  }

  @AfterEach
  void stopConsumers() {
    consumers.forEach(Consumer::close);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      notified.unregister().await(1, TimeUnit.MINUTES);
      server.close();
      client.close();
      vertx.close().await(1, TimeUnit.MINUTES);
    }
  }

  @Test
  void eachConsumerHearsWhatItsUserMayWatchAndNothingElse() throws Exception {
    Consumer alice = python("alice-tcp", ALICE);
    Consumer bob = node("bob-sockjs", BOB);
    Consumer nobody = python("nobody-tcp", null);
    Consumer aliceOverSockJs = node("alice-sockjs", ALICE);
    for (Consumer consumer : List.of(alice, bob, nobody, aliceOverSockJs)) {
      consumer.awaitReady();
    }
    // no token while authentication is on: each of the three registrations refused
    nobody.await("three access_denied", lines -> count(lines, BridgeConsumersTest::denied) == 3);
    // bob may watch no proposals: those two registrations are refused, resource events are not
    bob.await("two access_denied", lines -> count(lines, BridgeConsumersTest::denied) == 2);

    // a production flag changes on the remote: only bob may hear it
    String production = TestRepos.read(server.remote, MAIN, "production/features.yml");
    awaitHead(
        push(
            "production/features.yml", production.replaceFirst("enabled: true", "enabled: false")));

    // a default flag changes through a proposal, merged: alice hears the proposal and the flag
    JsonObject flag = get(FLAGS + "/dark-mode", ADMIN).bodyAsJsonObject();
    flag.getJsonObject("spec").put("description", "Dark mode, heard over the bridges.");
    Set<String> before = server.proposalBranches();
    HttpResponse<Buffer> put =
        request(client.put(server.config.port(), "127.0.0.1", FLAGS + "/dark-mode"), ADMIN)
            .sendJsonObject(flag)
            .await(1, TimeUnit.MINUTES);
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(202);
    String proposal = server.newProposal(before);
    alice.await(
        "the proposal opened",
        lines -> lines.stream().anyMatch(l -> proposalEvent(l, "opened", proposal)));
    HttpResponse<Buffer> merged =
        request(
                client.post(server.config.port(), "127.0.0.1", PROPOSALS + proposal + "/merge"),
                ADMIN)
            .send()
            .await(2, TimeUnit.MINUTES);
    assertThat(merged.statusCode()).as(merged.bodyAsString()).isEqualTo(200);
    alice.await(
        "dark-mode modified in default",
        lines -> lines.stream().anyMatch(l -> resourceEvent(l, "default", "dark-mode")));
    aliceOverSockJs.await(
        "dark-mode modified in default",
        lines -> lines.stream().anyMatch(l -> resourceEvent(l, "default", "dark-mode")));
    alice.await(
        "the proposal merged and the head moved",
        lines ->
            lines.stream().anyMatch(l -> proposalEvent(l, "merged", proposal))
                && lines.stream().anyMatch(l -> "cup.events.head".equals(l.getString("address"))));

    // production changes again: bob hears it after the merge's events, which he may not hear
    String production2 = TestRepos.read(server.remote, MAIN, "production/features.yml");
    awaitHead(
        push(
            "production/features.yml",
            production2.replaceFirst("enabled: false", "enabled: true")));
    String last = TestRepos.ref(server.remote, MAIN).name();
    bob.await(
        "the second production change",
        lines ->
            lines.stream()
                .anyMatch(
                    l ->
                        resourceEvent(l, "production", null)
                            && last.equals(l.getJsonObject("body").getString("commit"))));

    // alice heard the first production change (published before the merge) never
    assertThat(alice.lines())
        .as("alice's events")
        .noneMatch(l -> resourceEvent(l, "production", null))
        .noneMatch(BridgeConsumersTest::denied);
    assertThat(aliceOverSockJs.lines()).noneMatch(l -> resourceEvent(l, "production", null));
    assertThat(bob.lines())
        .as("bob's events")
        .noneMatch(l -> resourceEvent(l, "default", null))
        .noneMatch(l -> "cup.events.proposal".equals(l.getString("address")))
        .noneMatch(l -> "cup.events.head".equals(l.getString("address")))
        .anyMatch(l -> resourceEvent(l, "production", null));
    assertThat(nobody.lines()).noneMatch(l -> "message".equals(l.getString("type")));
  }

  @Test
  void unknownAddressesAndCupsOwnAreRefusedAndChangeNothing() throws Exception {
    // an open proposal that a forged merge would merge
    JsonObject flag = get(FLAGS + "/new-checkout", ADMIN).bodyAsJsonObject();
    flag.getJsonObject("spec").put("description", "Not to be merged over a bridge.");
    Set<String> before = server.proposalBranches();
    HttpResponse<Buffer> put =
        request(client.put(server.config.port(), "127.0.0.1", FLAGS + "/new-checkout"), ADMIN)
            .sendJsonObject(flag)
            .await(1, TimeUnit.MINUTES);
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(202);
    String proposal = server.newProposal(before);
    String merge = new JsonObject().put("id", proposal).encode();
    String get =
        new JsonObject()
            .put("group", "flipt.io")
            .put("version", "v1alpha1")
            .put("plural", "flags")
            .put("namespace", "default")
            .put("name", "dark-mode")
            .encode();

    // even the admin, whom RBAC allows everything
    Consumer tcp =
        python("admin-tcp", ADMIN, "--address", "cup.nope", "--send", "cup.proposal.merge", merge);
    Consumer tcpGet =
        python(
            "admin-tcp-get",
            ADMIN,
            "--address",
            "cup.controller.get",
            "--send",
            "cup.controller.get",
            get);
    Consumer sockJs =
        node("admin-sockjs", ADMIN, "--address", "cup.nope", "--send", "cup.proposal.merge", merge);
    Consumer sockJsPublish =
        node(
            "admin-sockjs-get",
            ADMIN,
            "--address",
            "cup.controller.get",
            "--send",
            "cup.controller.get",
            get);
    for (Consumer consumer : List.of(tcp, tcpGet, sockJs, sockJsPublish)) {
      consumer.awaitReady();
      consumer.await("two access_denied", lines -> count(lines, BridgeConsumersTest::denied) == 2);
    }

    HttpResponse<Buffer> still = get(PROPOSALS + proposal, ADMIN);
    assertThat(still.statusCode()).as(still.bodyAsString()).isEqualTo(200);
    assertThat(still.bodyAsJsonObject().getJsonObject("status").getString("state"))
        .isEqualTo("open");
    for (Consumer consumer : List.of(tcp, tcpGet, sockJs, sockJsPublish)) {
      assertThat(consumer.lines())
          .as(consumer.name)
          .noneMatch(l -> "message".equals(l.getString("type")));
    }
  }

  @Test
  void anInboundAddressTakesWhatRbacAllows() throws Exception {
    Consumer alice =
        python("alice-send", ALICE, "--address", "cup.events.head", "--send", INBOUND, "{\"n\":1}");
    Consumer bob =
        python("bob-send", BOB, "--address", "cup.events.resource", "--send", INBOUND, "{\"n\":2}");
    Consumer aliceSockJs =
        node(
            "alice-sockjs-send",
            ALICE,
            "--address",
            "cup.events.head",
            "--send",
            INBOUND,
            "{\"n\":3}");
    alice.await(
        "the other service's reply",
        lines ->
            lines.stream()
                .anyMatch(
                    l ->
                        "message".equals(l.getString("type"))
                            && new JsonObject().put("ok", true).equals(l.getValue("body"))));
    aliceSockJs.await(
        "the other service's reply",
        lines ->
            lines.stream()
                .anyMatch(
                    l ->
                        "message".equals(l.getString("type"))
                            && INBOUND.equals(l.getString("address"))
                            && new JsonObject().put("ok", true).equals(l.getValue("body"))));
    bob.await("access_denied", lines -> count(lines, BridgeConsumersTest::denied) == 1);
    synchronized (notifications) {
      assertThat(notifications)
          .containsExactlyInAnyOrder(new JsonObject().put("n", 1), new JsonObject().put("n", 3));
    }
  }

  // ------------------------------------------------------------------ helpers

  private static boolean denied(JsonObject line) {
    return "err".equals(line.getString("type"))
        && "access_denied".equals(line.getString("message"));
  }

  private static boolean resourceEvent(JsonObject line, String namespace, String name) {
    if (!"message".equals(line.getString("type"))
        || !"cup.events.resource".equals(line.getString("address"))) {
      return false;
    }
    JsonObject body = line.getJsonObject("body");
    return namespace.equals(body.getString("namespace"))
        && (name == null || name.equals(body.getString("name")));
  }

  private static boolean proposalEvent(JsonObject line, String type, String id) {
    if (!"message".equals(line.getString("type"))
        || !"cup.events.proposal".equals(line.getString("address"))) {
      return false;
    }
    JsonObject body = line.getJsonObject("body");
    return type.equals(body.getString("type"))
        && id.equals(body.getJsonObject("proposal").getString("id"));
  }

  private static long count(List<JsonObject> lines, Predicate<JsonObject> which) {
    return lines.stream().filter(which).count();
  }

  private static String push(String path, String content) {
    return TestRepos.commit(
            server.remote, "main", Map.of(path, content), Set.of(), "Change " + path)
        .name();
  }

  /** Waits until the server reads the tracked branch at {@code commit}. */
  private static void awaitHead(String commit) {
    Eventually.until(
        "the server reads " + commit,
        WITHIN,
        () ->
            commit.equals(
                get(FLAGS + "?limit=1", ADMIN)
                    .bodyAsJsonObject()
                    .getJsonObject("metadata")
                    .getString("resourceVersion")));
  }

  private static HttpResponse<Buffer> get(String path, String token) throws Exception {
    return request(client.get(server.config.port(), "127.0.0.1", path), token)
        .putHeader("Accept", "application/json")
        .send()
        .await(1, TimeUnit.MINUTES);
  }

  private static HttpRequest<Buffer> request(HttpRequest<Buffer> request, String token) {
    return token == null ? request : request.bearerTokenAuthentication(token);
  }

  private Consumer python(String name, String token, String... options) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of("python3", PYTHON_CONSUMER.toString(), "127.0.0.1", String.valueOf(tcpPort)));
    if (token != null) {
      command.add(token);
    }
    command.addAll(List.of(options));
    return start(name, command);
  }

  private Consumer node(String name, String token, String... options) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of("node", NODE_CONSUMER.toString(), server.url() + BridgeSettings.SOCKJS_PATH));
    if (token != null) {
      command.add(token);
    }
    command.addAll(List.of(options));
    return start(name, command);
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

  /** A consumer example running as a child process, its output one JSON line per frame. */
  private record Consumer(String name, Process process, Path output) {
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

    private String printed() {
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
