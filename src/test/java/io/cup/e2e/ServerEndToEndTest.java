package io.cup.e2e;

import static io.cup.e2e.Fixture.SERVICES;
import static io.cup.testing.StatusAssert.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.cup.bus.Addresses;
import io.cup.config.ServerConfig;
import io.cup.launcher.CupServer;
import io.cup.testing.Eventually;
import io.cup.testing.TestHttpClient;
import io.cup.testing.TestRepos;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole server, started as users start it (the packaged verticle descriptors, all four
 * verticles), over a real {@code git daemon} remote. Every assertion is on the HTTP answer and on
 * the remote repository afterwards.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ServerEndToEndTest {
  private static final long POLL_MILLIS = 500;

  @TempDir Path tmp;
  private Fixture fixture;
  private Vertx vertx;
  private CupServer server;
  private WebClient client;
  private ServerConfig config;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    this.fixture = new Fixture(tmp);
    this.config = fixture.config(tmp.resolve("data"), POLL_MILLIS);
    this.server = CupServer.start(vertx, config, Path.of("verticles")).await(2, TimeUnit.MINUTES);
    this.client = WebClient.create(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close().await(2, TimeUnit.MINUTES);
    }
    fixture.daemon.close();
  }

  @Test
  void readsComeFromTheTrackedBranch() throws Exception {
    HttpResponse<Buffer> list = api().get(SERVICES);
    assertThat(list.statusCode()).isEqualTo(200);
    List<JsonObject> items = ndjson(list.bodyAsString());
    assertThat(items)
        .extracting(o -> o.getJsonObject("metadata").getString("name"))
        .containsExactly("api", "web");

    HttpResponse<Buffer> asList = api().get(SERVICES, "application/json");
    JsonObject listObject = asList.bodyAsJsonObject();
    assertThat(listObject.getString("kind")).isEqualTo("ServiceList");
    assertThat(listObject.getJsonArray("items")).hasSize(2);

    HttpResponse<Buffer> selected = api().get(SERVICES + "?labelSelector=tier%3Dbackend");
    assertThat(ndjson(selected.bodyAsString()))
        .extracting(o -> o.getJsonObject("metadata").getString("name"))
        .containsExactly("api");
    assertThat(api().get(SERVICES + "?labelSelector=tier%20in%20(").statusCode()).isEqualTo(400);

    JsonObject web = api().get(SERVICES + "/web").bodyAsJsonObject();
    assertThat(web.getJsonObject("spec").getInteger("replicas")).isEqualTo(2);

    assertFailure(api().get(SERVICES + "/nope"), 404);
    assertFailure(api().get(SERVICES.replace("/default/", "/nowhere/")), 404);
    assertFailure(api().get(SERVICES.replace("/default/", "/nowhere/") + "/web"), 404);
    assertFailure(api().get("/apis/apps.cup.io/v1/namespaces/default/widgets"), 404);
    assertThat(api().get("/apis").bodyAsJsonObject().fieldNames())
        .contains("apps.cup.io/v1/services");
    assertThat(api().get("/healthz").statusCode()).isEqualTo(200);
    assertThat(api().get("/readyz").statusCode()).isEqualTo(200);
    String metrics = api().get("/metrics").bodyAsString();
    assertThat(metrics).contains("cup_http_server_requests").contains("cup_fetch");
  }

  @Test
  void aPutBecomesAProposalBranchOffTheBase() throws Exception {
    ObjectId base = TestRepos.ref(fixture.remote, "refs/heads/main");
    JsonObject web = new JsonObject(Fixture.service("default", "web", 5, "tier", "frontend"));

    HttpResponse<Buffer> put = api().put(SERVICES + "/web", web);
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(202);
    JsonObject accepted = put.bodyAsJsonObject();
    assertThat(accepted.getBoolean("empty")).isFalse();
    String id = accepted.getString("id");
    assertThat(accepted.getJsonObject("proposal").getString("source")).isEqualTo("local");
    assertThat(accepted.getJsonObject("proposal").getString("url")).endsWith("/proposals/" + id);

    // the remote: a new branch whose commit sits on the base and changes exactly one file
    assertThat(TestRepos.ref(fixture.remote, "refs/heads/main")).isEqualTo(base);
    RevCommit head = TestRepos.parseCommit(fixture.remote, "refs/heads/cup/proposal/" + id);
    assertThat(head.getParent(0).getId()).isEqualTo(base);
    assertThat(head.getFullMessage()).startsWith("feat: update apps.cup.io/v1/Service default/web");
    Map<String, String> before = TestRepos.files(fixture.remote, base.name());
    Map<String, String> after = TestRepos.files(fixture.remote, head.name());
    assertThat(changedPaths(before, after)).containsExactly(Fixture.path("default", "web"));
    assertThat(after.get(Fixture.path("default", "web")))
        .isEqualTo(Fixture.service("default", "web", 5, "tier", "frontend"));

    // reads still show the tracked branch; the proposal revision shows the change
    assertThat(
            api()
                .get(SERVICES + "/web")
                .bodyAsJsonObject()
                .getJsonObject("spec")
                .getInteger("replicas"))
        .isEqualTo(2);
    assertThat(
            api()
                .get(SERVICES + "/web?revision=" + id)
                .bodyAsJsonObject()
                .getJsonObject("spec")
                .getInteger("replicas"))
        .isEqualTo(5);

    // the same desired state as stored is no change at all
    JsonObject same = new JsonObject(Fixture.service("default", "web", 2, "tier", "frontend"));
    assertThat(api().put(SERVICES + "/web", same).statusCode()).isEqualTo(204);
    // and so is what a read answers, sent back: the last change's annotations are never stored
    JsonObject read = api().get(SERVICES + "/web").bodyAsJsonObject();
    assertThat(read.getJsonObject("metadata").getJsonObject("annotations").fieldNames())
        .contains("cup.flipt.io/last-changed-by", "cup.flipt.io/last-commit");
    assertThat(api().put(SERVICES + "/web", read).statusCode()).isEqualTo(204);

    // the proposal record
    JsonObject proposal =
        api().get("/apis/cup.flipt.io/v1alpha1/proposals/" + id).bodyAsJsonObject();
    assertThat(proposal.encode()).contains("\"open\"").contains("replicas");
  }

  @Test
  void deleteIsProposedAndAMissingResourceIs404() throws Exception {
    HttpResponse<Buffer> deleted =
        client
            .delete(config.port(), "127.0.0.1", SERVICES + "/api")
            .send()
            .await(2, TimeUnit.MINUTES);
    assertThat(deleted.statusCode()).as(deleted.bodyAsString()).isEqualTo(202);
    String id = deleted.bodyAsJsonObject().getString("id");
    RevCommit head = TestRepos.parseCommit(fixture.remote, "refs/heads/cup/proposal/" + id);
    assertThat(TestRepos.files(fixture.remote, head.name()))
        .doesNotContainKey(Fixture.path("default", "api"))
        .containsKey(Fixture.path("default", "web"));
    assertThat(head.getFullMessage())
        .startsWith("feat: delete apps.cup.io/v1/services default/api");

    assertFailure(
        client
            .delete(config.port(), "127.0.0.1", SERVICES + "/ghost")
            .send()
            .await(2, TimeUnit.MINUTES),
        404);
  }

  @Test
  void fiftyConcurrentPutsGiveFiftyProposalsEachBasePlusItsChange() throws Exception {
    ObjectId base = TestRepos.ref(fixture.remote, "refs/heads/main");
    List<Future<HttpResponse<Buffer>>> puts = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String name = String.format("svc-%02d", i);
      puts.add(
          client
              .put(config.port(), "127.0.0.1", SERVICES + "/" + name)
              .putHeader("Content-Type", "application/json")
              .sendBuffer(Buffer.buffer(Fixture.service("default", name, i, "batch", "fifty"))));
    }
    Future.all(puts).await(2, TimeUnit.MINUTES);
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      HttpResponse<Buffer> response = puts.get(i).result();
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
      ids.add(response.bodyAsJsonObject().getString("id"));
    }
    assertThat(ids).hasSize(50);

    Map<String, String> baseFiles = TestRepos.files(fixture.remote, base.name());
    Map<String, ObjectId> refs = TestRepos.refs(fixture.remote);
    for (String id : ids) {
      RevCommit head = TestRepos.parseCommit(fixture.remote, "refs/heads/cup/proposal/" + id);
      assertThat(head.getParentCount()).isEqualTo(1);
      assertThat(head.getParent(0).getId()).isEqualTo(base);
      Map<String, String> files = TestRepos.files(fixture.remote, head.name());
      List<String> changed = changedPaths(baseFiles, files);
      assertThat(changed).hasSize(1);
      String path = changed.get(0);
      String name = path.substring(path.lastIndexOf("Service-") + 8, path.length() - 5);
      int replicas = Integer.parseInt(name.substring(4));
      assertThat(files.get(path))
          .isEqualTo(Fixture.service("default", name, replicas, "batch", "fifty"));
      assertThat(refs).containsKey("refs/heads/cup/proposal/" + id);
    }
    assertThat(refs.get("refs/heads/main")).isEqualTo(base);
    TestRepos.Fsck fsck = TestRepos.fsck(fixture.remote);
    assertThat(fsck.ok()).as(fsck.output()).isTrue();
  }

  @Test
  void badInputIsAStatusAndChangesNothing() throws Exception {
    Map<String, ObjectId> refsBefore = TestRepos.refs(fixture.remote);
    JsonObject valid = new JsonObject(Fixture.service("default", "web", 4, "tier", "frontend"));

    assertFailure(api().put(SERVICES + "/web", "{\"apiVersion\": ", "application/json"), 400);
    assertFailure(api().put(SERVICES + "/web", "[1,2]", "application/json"), 400);
    assertFailure(api().put(SERVICES + "/web", valid.encode(), "text/plain"), 415);
    assertFailure(api().put(SERVICES + "/other", valid), 400);
    assertFailure(api().put(SERVICES.replace("/default/", "/staging/") + "/web", valid), 400);
    JsonObject wrongKind = valid.copy().put("kind", "Database");
    assertFailure(api().put(SERVICES + "/web", wrongKind), 400);
    JsonObject wrongVersion = valid.copy().put("apiVersion", "apps.cup.io/v2");
    assertFailure(api().put(SERVICES + "/web", wrongVersion), 400);
    assertFailure(
        api()
            .put(
                SERVICES + "/Bad_Name",
                valid
                    .copy()
                    .put(
                        "metadata",
                        valid.getJsonObject("metadata").copy().put("name", "Bad_Name"))),
        400);
    assertFailure(
        api()
            .put(
                "/apis/apps.cup.io/v1/namespaces/default/services/..",
                valid.encode(),
                "application/json"),
        400,
        404);
    assertFailure(
        api()
            .put(
                "/apis/apps.cup.io/v1/namespaces/..%2F..%2Fetc/services/web",
                valid.encode(), "application/json"),
        400,
        404);

    JsonObject invalid = valid.copy();
    invalid.getJsonObject("spec").put("replicas", "three").put("extra", true);
    HttpResponse<Buffer> unprocessable = api().put(SERVICES + "/web", invalid);
    JsonObject status = assertFailure(unprocessable, 422);
    JsonArray causes = status.getJsonObject("details").getJsonArray("causes");
    assertThat(causes.encode()).contains("spec.replicas");

    // an 11 MiB body is refused from its Content-Length alone: the answer comes before any byte
    // of the body is sent, so nothing is buffered
    String tooLarge =
        rawExchange(
            "PUT "
                + SERVICES
                + "/web HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: "
                + (11 * 1024 * 1024)
                + "\r\n\r\n");
    assertThat(tooLarge).startsWith("HTTP/1.1 413").contains("\"kind\":\"Status\"");
    assertFailure(api().put("/apis/apps.cup.io/v1/namespaces/default/widgets/web", valid), 404);

    assertThat(TestRepos.refs(fixture.remote)).isEqualTo(refsBefore);
    // the server still serves
    assertThat(api().get(SERVICES + "/web").statusCode()).isEqualTo(200);
  }

  /**
   * A list hands the API the controller's cached parses (nested values shared, not copied); what
   * the API adds on a read of the tracked branch ({@code status.proposals}) must go on objects of
   * its own. Were it written into the shared {@code status}, a read at a revision (the same cached
   * parse) would show it, and each further read would add it again.
   */
  @Test
  void whatAReadAddsNeverReachesWhatTheControllersKeep() throws Exception {
    JsonObject stored =
        new JsonObject(Fixture.service("default", "web", 2, "tier", "frontend"))
            .put("status", new JsonObject().put("phase", "Ready"));
    ObjectId commit =
        TestRepos.commit(
            fixture.remote,
            "main",
            Map.of(Fixture.path("default", "web"), stored.encodePrettily()),
            Set.of(),
            "web is ready");
    Eventually.until(
        "the server reads " + commit.name(),
        Duration.ofMinutes(1),
        () ->
            commit
                .name()
                .equals(
                    listedWeb(SERVICES).getJsonObject("metadata").getString("resourceVersion")));
    HttpResponse<Buffer> put =
        api()
            .put(
                SERVICES + "/web",
                new JsonObject(Fixture.service("default", "web", 5, "tier", "frontend")));
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(202);
    String id = put.bodyAsJsonObject().getString("id");
    Eventually.until(
        "a list shows the open proposal",
        Duration.ofMinutes(1),
        () -> listedWeb(SERVICES).getJsonObject("status").containsKey("proposals"));

    JsonObject pinned = listedWeb(SERVICES + "?revision=" + commit.name());
    for (int i = 0; i < 3; i++) {
      for (JsonObject read :
          List.of(
              listedWeb(SERVICES),
              ndjson(api().get(SERVICES).bodyAsString()).stream()
                  .filter(o -> o.getJsonObject("metadata").getString("name").equals("web"))
                  .findFirst()
                  .orElseThrow(),
              api().get(SERVICES + "/web").bodyAsJsonObject())) {
        JsonObject status = read.getJsonObject("status");
        assertThat(status.getString("phase")).isEqualTo("Ready");
        JsonArray proposals = status.getJsonArray("proposals", new JsonArray());
        // an API instance may hear of the proposal a moment after another: never twice
        assertThat(proposals.size()).as(read.encode()).isLessThanOrEqualTo(1);
        proposals.forEach(p -> assertThat(((JsonObject) p).getString("id")).isEqualTo(id));
        JsonObject withoutProposals = read.copy();
        withoutProposals.getJsonObject("status").remove("proposals");
        assertThat(withoutProposals).isEqualTo(pinned);
      }
      // a read at a revision shows the resource as stored
      for (JsonObject read :
          List.of(
              listedWeb(SERVICES + "?revision=" + commit.name()),
              api().get(SERVICES + "/web?revision=" + commit.name()).bodyAsJsonObject())) {
        assertThat(read.getJsonObject("status")).isEqualTo(new JsonObject().put("phase", "Ready"));
        assertThat(read).isEqualTo(pinned);
      }
    }
  }

  /** The resource web as a JSON list at {@code path} shows it. */
  private JsonObject listedWeb(String path) throws Exception {
    HttpResponse<Buffer> list = api().get(path, "application/json");
    assertThat(list.statusCode()).as(list.bodyAsString()).isEqualTo(200);
    return list.bodyAsJsonObject().getJsonArray("items").stream()
        .map(JsonObject.class::cast)
        .filter(o -> o.getJsonObject("metadata").getString("name").equals("web"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aPushToTheRemoteIsSeenWithinTwoPollsAndPublishedAsAResourceEvent() throws Exception {
    List<JsonObject> events = new CopyOnWriteArrayList<>();
    Promise<JsonObject> modified = Promise.promise();
    Promise<JsonObject> deleted = Promise.promise();
    vertx
        .eventBus()
        .<JsonObject>consumer(
            Addresses.EVENTS_RESOURCE.name(),
            message -> {
              JsonObject event = message.body();
              events.add(event);
              if ("MODIFIED".equals(event.getString("type"))) {
                modified.tryComplete(event);
              } else if ("DELETED".equals(event.getString("type"))) {
                deleted.tryComplete(event);
              }
            })
        .completion()
        .await(2, TimeUnit.MINUTES);

    long pushedAt = System.nanoTime();
    ObjectId pushed =
        TestRepos.commit(
            fixture.remote,
            "main",
            Map.of(
                Fixture.path("default", "web"),
                Fixture.service("default", "web", 9, "tier", "frontend")),
            Set.of(Fixture.path("default", "api")),
            "someone else scales web and removes api");
    JsonObject event = modified.future().await(2, TimeUnit.MINUTES);
    long elapsedMillis = (System.nanoTime() - pushedAt) / 1_000_000;
    // two poll intervals, plus room for the fetch itself on a busy 2-core machine
    assertThat(elapsedMillis).isLessThan(2 * POLL_MILLIS + 3_000);
    assertThat(event.getString("name")).isEqualTo("web");
    assertThat(event.getString("namespace")).isEqualTo("default");
    assertThat(event.getString("commit")).isEqualTo(pushed.name());
    assertThat(event.getJsonObject("object").getJsonObject("spec").getInteger("replicas"))
        .isEqualTo(9);
    JsonObject gone = deleted.future().await(2, TimeUnit.MINUTES);
    assertThat(gone.getString("name")).isEqualTo("api");

    assertThat(
            api()
                .get(SERVICES + "/web")
                .bodyAsJsonObject()
                .getJsonObject("spec")
                .getInteger("replicas"))
        .isEqualTo(9);
    assertFailure(api().get(SERVICES + "/api"), 404);
  }

  @Test
  void aStoppedRemoteFailsWritesWith503WhileReadsGoOn() throws Exception {
    fixture.daemon.stop();
    JsonObject web = new JsonObject(Fixture.service("default", "web", 7, "tier", "frontend"));
    HttpResponse<Buffer> refused = api().put(SERVICES + "/web", web);
    JsonObject status = assertFailure(refused, 503);
    assertThat(status.getString("message"))
        .doesNotContain("password")
        // the remote's address is for the server's log, not for clients
        .doesNotContain(fixture.url())
        .doesNotContain("127.0.0.1")
        .contains("Git remote");
    assertThat(refused.getHeader("Retry-After")).isEqualTo("10");
    assertThat(status.getJsonObject("details").getLong("retryAfterSeconds")).isEqualTo(10L);
    assertThat(api().get(SERVICES + "/web").statusCode()).isEqualTo(200);
    assertThat(ndjson(api().get(SERVICES).bodyAsString())).hasSize(2);

    fixture.daemon.start();
    HttpResponse<Buffer> put = api().put(SERVICES + "/web", web);
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(202);
    String id = put.bodyAsJsonObject().getString("id");
    assertThat(TestRepos.refs(fixture.remote)).containsKey("refs/heads/cup/proposal/" + id);
  }

  @Test
  void proposalsMergeCloseAndSurviveARestart() throws Exception {
    List<JsonObject> proposalEvents = new CopyOnWriteArrayList<>();
    vertx
        .eventBus()
        .<JsonObject>consumer(Addresses.EVENTS_PROPOSAL.name(), m -> proposalEvents.add(m.body()))
        .completion()
        .await(2, TimeUnit.MINUTES);

    String toMerge =
        api()
            .put(
                SERVICES + "/web",
                new JsonObject(Fixture.service("default", "web", 4, "tier", "frontend")))
            .bodyAsJsonObject()
            .getString("id");
    String toClose =
        api()
            .put(
                SERVICES + "/api",
                new JsonObject(Fixture.service("default", "api", 8, "tier", "backend")))
            .bodyAsJsonObject()
            .getString("id");
    String stillOpen =
        api()
            .put(
                SERVICES + "/cache",
                new JsonObject(Fixture.service("default", "cache", 1, "tier", "backend")))
            .bodyAsJsonObject()
            .getString("id");

    HttpResponse<Buffer> merged =
        api().post("/apis/cup.flipt.io/v1alpha1/proposals/" + toMerge + "/merge");
    assertThat(merged.statusCode()).as(merged.bodyAsString()).isEqualTo(200);
    HttpResponse<Buffer> closed =
        api().post("/apis/cup.flipt.io/v1alpha1/proposals/" + toClose + "/close");
    assertThat(closed.statusCode()).as(closed.bodyAsString()).isEqualTo(200);
    assertFailure(api().post("/apis/cup.flipt.io/v1alpha1/proposals/" + toMerge + "/close"), 409);
    assertFailure(api().post("/apis/cup.flipt.io/v1alpha1/proposals/nope/merge"), 404);

    // the tracked branch on the remote now holds the merged change
    assertThat(TestRepos.read(fixture.remote, "refs/heads/main", Fixture.path("default", "web")))
        .isEqualTo(Fixture.service("default", "web", 4, "tier", "frontend"));
    assertThat(
            api()
                .get(SERVICES + "/web")
                .bodyAsJsonObject()
                .getJsonObject("spec")
                .getInteger("replicas"))
        .isEqualTo(4);
    assertThat(proposalEvents)
        .extracting(e -> e.getString("type"))
        .contains("opened", "merged", "closed");

    // a restart on the same data directory, then a second node with an empty one
    server.close().await(2, TimeUnit.MINUTES);
    server = CupServer.start(vertx, config, Path.of("verticles")).await(2, TimeUnit.MINUTES);
    assertStates(toMerge, toClose, stillOpen);
    server.close().await(2, TimeUnit.MINUTES);
    config = fixture.config(tmp.resolve("other-node"), POLL_MILLIS);
    server = CupServer.start(vertx, config, Path.of("verticles")).await(2, TimeUnit.MINUTES);
    assertStates(toMerge, toClose, stillOpen);
  }

  private void assertStates(String merged, String closed, String open) throws Exception {
    JsonObject list = api().get("/apis/cup.flipt.io/v1alpha1/proposals").bodyAsJsonObject();
    String text = list.encode();
    assertThat(text).contains(merged, closed, open);
    assertThat(stateOf(merged)).isEqualTo("merged");
    assertThat(stateOf(closed)).isEqualTo("closed");
    assertThat(stateOf(open)).isEqualTo("open");
  }

  private String stateOf(String id) throws Exception {
    JsonObject proposal =
        api().get("/apis/cup.flipt.io/v1alpha1/proposals/" + id).bodyAsJsonObject();
    JsonObject status = proposal.getJsonObject("status");
    return status != null ? status.getString("state") : proposal.getString("state");
  }

  // -- HTTP helpers ------------------------------------------------------------------------------

  /** The HTTP API of the server under test, on loopback. */
  private TestHttpClient api() {
    return TestHttpClient.loopback(client, config.port());
  }

  /** Sends raw bytes on a fresh connection and returns what the server answers (head and body). */
  private String rawExchange(String request) {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", config.port())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      java.io.InputStream in = socket.getInputStream();
      StringBuilder answer = new StringBuilder();
      byte[] chunk = new byte[8192];
      int n;
      while ((n = in.read(chunk)) > 0) {
        answer.append(new String(chunk, 0, n, java.nio.charset.StandardCharsets.UTF_8));
        if (answer.indexOf("\r\n\r\n") >= 0 && answer.toString().contains("}")) {
          break;
        }
      }
      return answer.toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<JsonObject> ndjson(String body) {
    List<JsonObject> items = new ArrayList<>();
    for (String line : body.split("\n")) {
      if (!line.isBlank()) {
        items.add(new JsonObject(line));
      }
    }
    return items;
  }

  private static List<String> changedPaths(Map<String, String> before, Map<String, String> after) {
    Set<String> all = new java.util.TreeSet<>(before.keySet());
    all.addAll(after.keySet());
    return all.stream()
        .filter(p -> !java.util.Objects.equals(before.get(p), after.get(p)))
        .toList();
  }
}
