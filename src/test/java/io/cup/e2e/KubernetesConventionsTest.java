package io.cup.e2e;

import static io.cup.e2e.Fixture.SERVICES;
import static io.cup.testing.StatusAssert.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.cup.bus.Addresses;
import io.cup.bus.HeadMoved;
import io.cup.config.ServerConfig;
import io.cup.launcher.CupServer;
import io.cup.testing.TestHttpClient;
import io.cup.testing.TestRepos;
import io.cup.testing.WatchStream;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
 * The Kubernetes API conventions of issue 6, end to end: the whole server over a real {@code git
 * daemon} remote, checked on the HTTP answers, the watch streams and the remote's refs.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KubernetesConventionsTest {
  private static final long POLL_MILLIS = 300;
  private static final long BOOKMARK_MILLIS = 400;

  @TempDir Path tmp;
  private Fixture fixture;
  private Vertx vertx;
  private CupServer server;
  private WebClient client;
  private ServerConfig config;
  private final List<WatchStream> streams = new ArrayList<>();

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    this.fixture = new Fixture(tmp);
    this.config = fixture.config(tmp.resolve("data"), POLL_MILLIS, BOOKMARK_MILLIS);
    this.server = CupServer.start(vertx, config, Path.of("verticles")).await(2, TimeUnit.MINUTES);
    this.client = WebClient.create(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    streams.forEach(WatchStream::close);
    if (server != null) {
      server.close().await(2, TimeUnit.MINUTES);
    }
    fixture.daemon.close();
  }

  // -- resourceVersion -------------------------------------------------------------------------

  @Test
  void everyReadCarriesTheCommitAsResourceVersionAndAStaleWriteIs409() throws Exception {
    String base = TestRepos.ref(fixture.remote, "refs/heads/main").name();
    JsonObject web = api().get(SERVICES + "/web").bodyAsJsonObject();
    assertThat(version(web)).isEqualTo(base);
    JsonObject list = api().get(SERVICES, "application/json").bodyAsJsonObject();
    assertThat(list.getJsonObject("metadata").getString("resourceVersion")).isEqualTo(base);
    assertThat(list.getJsonArray("items"))
        .allSatisfy(item -> assertThat(version((JsonObject) item)).isEqualTo(base));

    // someone else changes web on the remote; api stays as it was
    ObjectId moved =
        pushAndWait(
            Map.of(
                Fixture.path("default", "web"),
                Fixture.service("default", "web", 9, "tier", "frontend")),
            Set.of());
    assertThat(version(api().get(SERVICES + "/web").bodyAsJsonObject())).isEqualTo(moved.name());

    Map<String, ObjectId> refsBefore = TestRepos.refs(fixture.remote);
    JsonObject stale = web.copy();
    stale.getJsonObject("spec").put("replicas", 4);
    JsonObject conflict = assertStatus(api().put(SERVICES + "/web", stale), 409);
    assertThat(conflict.getString("reason")).isEqualTo("Conflict");
    assertThat(conflict.getString("message")).contains("has been modified");
    JsonObject deleteStale =
        new JsonObject()
            .put("kind", "DeleteOptions")
            .put("apiVersion", "v1")
            .put("preconditions", new JsonObject().put("resourceVersion", base));
    assertStatus(api().delete(SERVICES + "/web", deleteStale), 409);
    JsonObject forged = web.copy();
    forged.getJsonObject("metadata").put("resourceVersion", "not-a-version");
    assertStatus(api().put(SERVICES + "/web", forged), 400);
    JsonObject unknown = web.copy();
    unknown.getJsonObject("metadata").put("resourceVersion", "0".repeat(40));
    assertStatus(api().put(SERVICES + "/web", unknown), 409);
    assertThat(TestRepos.refs(fixture.remote)).isEqualTo(refsBefore);

    // api did not change since the old version: the old version still holds for it
    JsonObject api = api().get(SERVICES + "/api?revision=" + base).bodyAsJsonObject();
    assertThat(version(api)).isEqualTo(base);
    api.getJsonObject("spec").put("replicas", 6);
    HttpResponse<Buffer> accepted = api().put(SERVICES + "/api", api);
    assertThat(accepted.statusCode()).as(accepted.bodyAsString()).isEqualTo(202);
    String id = accepted.bodyAsJsonObject().getString("id");
    String stored =
        TestRepos.read(
            fixture.remote, "refs/heads/cup/proposal/" + id, Fixture.path("default", "api"));
    assertThat(stored).contains("\"replicas\": 6").doesNotContain("resourceVersion");

    // the current version, and no version at all, are accepted
    JsonObject current = api().get(SERVICES + "/web").bodyAsJsonObject();
    current.getJsonObject("spec").put("replicas", 5);
    assertThat(api().put(SERVICES + "/web", current).statusCode()).isEqualTo(202);
    JsonObject deleteCurrent =
        deleteStale
            .copy()
            .put("preconditions", new JsonObject().put("resourceVersion", moved.name()));
    assertThat(api().delete(SERVICES + "/web", deleteCurrent).statusCode()).isEqualTo(202);
  }

  // -- PATCH
  // ---------------------------------------------------------------------------------------

  @Test
  void bothPatchTypesAreProposedLikeAPutAndValidatedAfterPatching() throws Exception {
    HttpResponse<Buffer> merge =
        api()
            .patch(
                SERVICES + "/web",
                "application/merge-patch+json",
                "{\"spec\":{\"replicas\":7},\"metadata\":{\"labels\":{\"team\":\"blue\"}}}");
    assertThat(merge.statusCode()).as(merge.bodyAsString()).isEqualTo(202);
    JsonObject merged = fileOf(merge, "web");
    assertThat(merged.getJsonObject("spec").getInteger("replicas")).isEqualTo(7);
    assertThat(merged.getJsonObject("spec").getString("image"))
        .isEqualTo("registry.example/web:1.0");
    assertThat(merged.getJsonObject("metadata").getJsonObject("labels"))
        .isEqualTo(new JsonObject().put("tier", "frontend").put("team", "blue"));

    HttpResponse<Buffer> jsonPatch =
        api()
            .patch(
                SERVICES + "/api",
                "application/json-patch+json",
                "[{\"op\":\"test\",\"path\":\"/spec/replicas\",\"value\":3},"
                    + "{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":4},"
                    + "{\"op\":\"remove\",\"path\":\"/metadata/labels/tier\"}]");
    assertThat(jsonPatch.statusCode()).as(jsonPatch.bodyAsString()).isEqualTo(202);
    JsonObject patched = fileOf(jsonPatch, "api");
    assertThat(patched.getJsonObject("spec").getInteger("replicas")).isEqualTo(4);
    assertThat(patched.getJsonObject("metadata").getJsonObject("labels")).isEmpty();

    Map<String, ObjectId> refsBefore = TestRepos.refs(fixture.remote);
    JsonObject failedTest =
        assertStatus(
            api()
                .patch(
                    SERVICES + "/api",
                    "application/json-patch+json",
                    "[{\"op\":\"test\",\"path\":\"/spec/replicas\",\"value\":99}]"),
            422);
    assertThat(failedTest.getString("message")).contains("JSON Patch");
    JsonObject invalid =
        assertStatus(
            api()
                .patch(
                    SERVICES + "/web",
                    "application/merge-patch+json",
                    "{\"spec\":{\"replicas\":1000}}"),
            422);
    assertThat(
            invalid
                .getJsonObject("details")
                .getJsonArray("causes")
                .getJsonObject(0)
                .getString("field"))
        .isEqualTo("spec.replicas");
    assertStatus(
        api().patch(SERVICES + "/web", "application/strategic-merge-patch+json", "{}"), 415);
    assertStatus(api().patch(SERVICES + "/web", "application/json-patch+json", "{\"op\":1}"), 400);
    assertStatus(api().patch(SERVICES + "/web", "application/merge-patch+json", "{not json"), 400);
    assertStatus(
        api().patch(SERVICES + "/nobody", "application/merge-patch+json", "{\"spec\":{}}"), 404);
    String stale =
        "{\"metadata\":{\"resourceVersion\":\"" + "1".repeat(40) + "\"},\"spec\":{\"replicas\":1}}";
    assertStatus(api().patch(SERVICES + "/web", "application/merge-patch+json", stale), 409);
    assertThat(TestRepos.refs(fixture.remote)).isEqualTo(refsBefore);
  }

  // -- dryRun ------------------------------------------------------------------------------------

  @Test
  void aDryRunAnswersWhatWouldChangeAndPushesNothing() throws Exception {
    Map<String, ObjectId> refsBefore = TestRepos.refs(fixture.remote);
    JsonObject web = new JsonObject(Fixture.service("default", "web", 5, "tier", "frontend"));

    HttpResponse<Buffer> put =
        TestHttpClient.sendJson(api().request(HttpMethod.PUT, SERVICES + "/web?dryRun=All"), web);
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(200);
    JsonObject after = put.bodyAsJsonObject();
    assertThat(after.getJsonObject("spec").getInteger("replicas")).isEqualTo(5);
    String diff = annotation(after, "cup.flipt.io/dry-run-diff");
    String path = Fixture.path("default", "web");
    assertThat(diff)
        .startsWith("diff --git a/" + path + " b/" + path + "\n")
        .contains("--- a/" + path + "\n+++ b/" + path + "\n")
        .contains("-    \"replicas\": 2\n+    \"replicas\": 5\n");

    HttpResponse<Buffer> asText =
        TestHttpClient.sendJson(
            api()
                .request(HttpMethod.PUT, SERVICES + "/web?dryRun=All")
                .putHeader("Accept", "text/x-diff"),
            web);
    assertThat(asText.statusCode()).isEqualTo(200);
    assertThat(asText.bodyAsString()).isEqualTo(diff);

    HttpResponse<Buffer> patch =
        api()
            .request(HttpMethod.PATCH, SERVICES + "/api?dryRun=All")
            .putHeader("Content-Type", "application/merge-patch+json")
            .sendBuffer(Buffer.buffer("{\"spec\":{\"replicas\":8}}"))
            .await(2, TimeUnit.MINUTES);
    assertThat(patch.statusCode()).as(patch.bodyAsString()).isEqualTo(200);
    assertThat(annotation(patch.bodyAsJsonObject(), "cup.flipt.io/dry-run-diff"))
        .contains("+    \"replicas\": 8");

    HttpResponse<Buffer> delete =
        api()
            .request(HttpMethod.DELETE, SERVICES + "/api?dryRun=All")
            .send()
            .await(2, TimeUnit.MINUTES);
    assertThat(delete.statusCode()).as(delete.bodyAsString()).isEqualTo(200);
    JsonObject deleted = delete.bodyAsJsonObject();
    assertThat(deleted.getJsonObject("metadata").getString("name")).isEqualTo("api");
    assertThat(annotation(deleted, "cup.flipt.io/dry-run-diff"))
        .contains("deleted file mode 100644")
        .contains("+++ /dev/null");
    HttpResponse<Buffer> deleteOptions =
        api()
            .delete(
                SERVICES + "/api",
                new JsonObject()
                    .put("kind", "DeleteOptions")
                    .put("dryRun", new JsonArray().add("All")));
    assertThat(deleteOptions.statusCode()).isEqualTo(200);

    JsonObject same = new JsonObject(Fixture.service("default", "web", 2, "tier", "frontend"));
    HttpResponse<Buffer> unchanged =
        TestHttpClient.sendJson(api().request(HttpMethod.PUT, SERVICES + "/web?dryRun=All"), same);
    assertThat(unchanged.statusCode()).isEqualTo(200);
    assertThat(annotation(unchanged.bodyAsJsonObject(), "cup.flipt.io/dry-run-diff")).isEmpty();

    assertThat(TestRepos.refs(fixture.remote)).isEqualTo(refsBefore);
  }

  // -- several resources in one proposal --------------------------------------------------------

  @Test
  void writesWithAProposalIdAddCommitsToThatProposal() throws Exception {
    ObjectId base = TestRepos.ref(fixture.remote, "refs/heads/main");
    HttpResponse<Buffer> first =
        api()
            .put(
                SERVICES + "/web",
                new JsonObject(Fixture.service("default", "web", 5, "tier", "x")));
    assertThat(first.statusCode()).isEqualTo(202);
    String id = first.bodyAsJsonObject().getString("id");

    HttpResponse<Buffer> second =
        api()
            .put(
                SERVICES + "/api?proposal=" + id,
                new JsonObject(Fixture.service("default", "api", 1, "tier", "backend")));
    assertThat(second.statusCode()).as(second.bodyAsString()).isEqualTo(202);
    assertThat(second.bodyAsJsonObject().getString("id")).isEqualTo(id);
    HttpResponse<Buffer> third =
        api()
            .request(
                HttpMethod.DELETE,
                SERVICES.replace("/default/", "/staging/") + "/web?proposal=" + id)
            .send()
            .await(2, TimeUnit.MINUTES);
    assertThat(third.statusCode()).as(third.bodyAsString()).isEqualTo(202);
    // the same file again, on top of the proposal's own change
    HttpResponse<Buffer> again =
        api()
            .patch(
                SERVICES + "/web?proposal=" + id,
                "application/merge-patch+json",
                "{\"spec\":{\"replicas\":6}}");
    assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(202);

    RevCommit head = TestRepos.parseCommit(fixture.remote, "refs/heads/cup/proposal/" + id);
    List<RevCommit> chain = new ArrayList<>();
    RevCommit at = head;
    while (!at.getId().equals(base)) {
      chain.add(at);
      at = TestRepos.parseCommit(fixture.remote, at.getParent(0).name());
    }
    assertThat(chain).hasSize(4);
    Map<String, String> files = TestRepos.files(fixture.remote, head.name());
    assertThat(new JsonObject(files.get(Fixture.path("default", "web"))).getJsonObject("spec"))
        .isEqualTo(new JsonObject().put("image", "registry.example/web:1.0").put("replicas", 6));
    assertThat(files.get(Fixture.path("default", "api"))).contains("\"replicas\": 1");
    assertThat(files).doesNotContainKey(Fixture.path("staging", "web"));

    JsonObject proposal = api().get(ProposalsPath.of(id)).bodyAsJsonObject();
    assertThat(proposal.getJsonObject("spec").getJsonArray("resources"))
        .extracting(r -> ((JsonObject) r).getString("namespace") + "/" + name((JsonObject) r))
        .containsExactlyInAnyOrder("default/web", "default/api", "staging/web");

    assertThat(api().post(ProposalsPath.of(id) + "/merge").statusCode()).isEqualTo(200);
    JsonObject closedOut =
        assertStatus(
            api()
                .put(
                    SERVICES + "/api?proposal=" + id,
                    new JsonObject(Fixture.service("default", "api", 2, "tier", "backend"))),
            409);
    assertThat(closedOut.getString("message")).contains("merged");
    assertStatus(
        api()
            .put(
                SERVICES + "/api?proposal=01aaaaaaaaaaaaaaaaaaaaaaaa",
                new JsonObject(Fixture.service("default", "api", 2, "tier", "backend"))),
        404);
    assertStatus(
        api()
            .put(
                SERVICES + "/api?proposal=nope",
                new JsonObject(Fixture.service("default", "api", 2, "tier", "backend"))),
        400);
  }

  // -- watch -------------------------------------------------------------------------------------

  @Test
  void aWatchStartsWithTheCurrentStateAndFollowsPushesToTheRemote() throws Exception {
    String base = TestRepos.ref(fixture.remote, "refs/heads/main").name();
    WatchStream watch = watch(SERVICES + "?watch=true", "application/json");
    assertThat(watch.status()).isEqualTo(200);
    JsonObject first = watch.nextChange();
    JsonObject second = watch.nextChange();
    assertThat(List.of(first, second))
        .allSatisfy(e -> assertThat(e.getString("type")).isEqualTo("ADDED"))
        .extracting(e -> name(e.getJsonObject("object")))
        .containsExactly("api", "web");
    assertThat(version(first.getJsonObject("object"))).isEqualTo(base);

    WatchStream backend =
        watch(SERVICES + "?watch=true&labelSelector=tier%3Dbackend", "application/x-ndjson");
    assertThat(name(backend.nextChange().getJsonObject("object"))).isEqualTo("api");

    ObjectId pushed =
        TestRepos.commit(
            fixture.remote,
            "main",
            Map.of(
                Fixture.path("default", "web"),
                Fixture.service("default", "web", 9, "tier", "frontend"),
                Fixture.path("default", "api"),
                Fixture.service("default", "api", 3, "tier", "frontend")),
            Set.of(),
            "web scales, api moves to the frontend tier");
    JsonObject modified = watch.nextChange();
    JsonObject relabelled = watch.nextChange();
    assertThat(List.of(modified, relabelled))
        .extracting(e -> e.getString("type") + " " + name(e.getJsonObject("object")))
        .containsExactly("MODIFIED api", "MODIFIED web");
    assertThat(relabelled.getJsonObject("object").getJsonObject("spec").getInteger("replicas"))
        .isEqualTo(9);
    assertThat(version(relabelled.getJsonObject("object"))).isEqualTo(pushed.name());
    // api left the backend selection: DELETED for that watcher, web was never in it
    JsonObject left = backend.nextChange();
    assertThat(left.getString("type")).isEqualTo("DELETED");
    assertThat(name(left.getJsonObject("object"))).isEqualTo("api");

    ObjectId removed =
        TestRepos.commit(
            fixture.remote, "main", Map.of(), Set.of(Fixture.path("default", "api")), "rm api");
    JsonObject gone = watch.nextChange();
    assertThat(gone.getString("type")).isEqualTo("DELETED");
    assertThat(name(gone.getJsonObject("object"))).isEqualTo("api");
    assertThat(version(gone.getJsonObject("object"))).isEqualTo(removed.name());

    // bookmarks carry the commit the stream has reached
    JsonObject bookmark = watch.next();
    while (!"BOOKMARK".equals(bookmark.getString("type"))) {
      bookmark = watch.next();
    }
    assertThat(version(bookmark.getJsonObject("object"))).isEqualTo(removed.name());

    // from an old resourceVersion: the net changes since then, then live
    WatchStream resumed =
        watch(SERVICES + "?watch=true&resourceVersion=" + base, "application/json");
    assertThat(resumed.status()).isEqualTo(200);
    JsonObject a = resumed.nextChange();
    JsonObject b = resumed.nextChange();
    assertThat(List.of(a, b))
        .extracting(e -> e.getString("type") + " " + name(e.getJsonObject("object")))
        .containsExactly("DELETED api", "MODIFIED web");
  }

  @Test
  void aWatchFromAnUnknownVersionIsGoneAndServerSentEventsCarryIds() throws Exception {
    WatchStream gone =
        watch(SERVICES + "?watch=true&resourceVersion=" + "ab".repeat(20), "application/json");
    assertThat(gone.status()).isEqualTo(410);
    JsonObject status = new JsonObject(gone.body());
    assertThat(status.getString("reason")).isEqualTo("Expired");
    WatchStream malformed =
        watch(SERVICES + "?watch=true&resourceVersion=yesterday", "application/json");
    assertThat(malformed.status()).isEqualTo(400);

    String base = TestRepos.ref(fixture.remote, "refs/heads/main").name();
    WatchStream sse = watch(SERVICES + "?watch=true&timeoutSeconds=2", "text/event-stream");
    assertThat(sse.status()).isEqualTo(200);
    String frame = sse.nextFrame();
    assertThat(frame).startsWith("id: " + base + "\nevent: ADDED\ndata: {\"type\":\"ADDED\"");
    // timeoutSeconds ends the stream
    sse.awaitEnd();
  }

  // -- paging ------------------------------------------------------------------------------------

  @Test
  void pagingThrough2500ResourcesWhileCommitsLandLosesAndRepeatsNothing() throws Exception {
    Map<String, String> many = new LinkedHashMap<>();
    for (int i = 0; i < 2_500; i++) {
      String name = String.format("svc-%04d", i);
      many.put(Fixture.path("default", name), Fixture.service("default", name, 1, "tier", "bulk"));
    }
    pushAndWait(many, Set.of());
    Set<String> expected = new TreeSet<>();
    many.keySet()
        .forEach(p -> expected.add(p.substring(p.lastIndexOf("Service-") + 8, p.length() - 5)));
    expected.addAll(List.of("api", "web"));

    // a watch's start state is written whole, however large (about 750 KB here)
    WatchStream all = watch(SERVICES + "?watch=true", "application/x-ndjson");
    Set<String> added = new TreeSet<>();
    while (added.size() < expected.size()) {
      JsonObject event = all.nextChange();
      assertThat(event.getString("type")).isEqualTo("ADDED");
      added.add(name(event.getJsonObject("object")));
    }
    assertThat(added).isEqualTo(expected);

    List<String> seen = new ArrayList<>();
    String token = null;
    String pinned = null;
    int page = 0;
    do {
      String path = SERVICES + "?limit=100" + (token == null ? "" : "&continue=" + token);
      JsonObject list = api().get(path, "application/json").bodyAsJsonObject();
      JsonObject metadata = list.getJsonObject("metadata");
      if (pinned == null) {
        pinned = metadata.getString("resourceVersion");
      }
      assertThat(metadata.getString("resourceVersion")).isEqualTo(pinned);
      list.getJsonArray("items").forEach(item -> seen.add(name((JsonObject) item)));
      token = metadata.getString("continue");
      page++;
      // meanwhile the branch moves: resources appear, disappear and change
      TestRepos.commit(
          fixture.remote,
          "main",
          Map.of(
              Fixture.path("default", "new-" + page),
              Fixture.service("default", "new-" + page, 1, "tier", "bulk"),
              Fixture.path("default", String.format("svc-%04d", page * 7)),
              Fixture.service("default", String.format("svc-%04d", page * 7), 2, "tier", "bulk")),
          Set.of(Fixture.path("default", String.format("svc-%04d", 2_499 - page))),
          "page " + page);
    } while (token != null);

    assertThat(page).isEqualTo(26);
    assertThat(new HashSet<>(seen)).hasSize(seen.size());
    assertThat(new TreeSet<>(seen)).isEqualTo(expected);

    // a forged token, a token of another list, an expired one
    assertStatus(api().get(SERVICES + "?limit=10&continue=bm90LWEtdG9rZW4"), 400);
    String first =
        api()
            .get(SERVICES + "?limit=10", "application/json")
            .bodyAsJsonObject()
            .getJsonObject("metadata")
            .getString("continue");
    assertStatus(
        api().get(SERVICES.replace("/default/", "/staging/") + "?limit=10&continue=" + first), 400);
    String expired =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                new JsonObject()
                    .put("rv", "cd".repeat(20))
                    .put("after", "svc-0001")
                    .put("list", "apps.cup.io/v1/services|default|null|null")
                    .encode()
                    .getBytes(StandardCharsets.UTF_8));
    JsonObject status = assertStatus(api().get(SERVICES + "?limit=10&continue=" + expired), 410);
    assertThat(status.getString("reason")).isEqualTo("Expired");
  }

  // -- helpers -----------------------------------------------------------------------------------

  /** Pushes a commit to the remote's main and waits until the server's head is there. */
  private ObjectId pushAndWait(Map<String, String> upserts, Set<String> deletes) throws Exception {
    Promise<Void> seen = Promise.promise();
    List<String> target = new ArrayList<>();
    MessageConsumer<JsonObject> consumer =
        vertx
            .eventBus()
            .consumer(
                Addresses.EVENTS_HEAD.name(),
                m -> {
                  synchronized (target) {
                    if (!target.isEmpty()
                        && target.get(0).equals(HeadMoved.fromJson(m.body()).to())) {
                      seen.tryComplete();
                    }
                  }
                });
    consumer.completion().await(2, TimeUnit.MINUTES);
    ObjectId pushed;
    synchronized (target) {
      pushed = TestRepos.commit(fixture.remote, "main", upserts, deletes, "someone else's change");
      target.add(pushed.name());
    }
    seen.future().await(2, TimeUnit.MINUTES);
    consumer.unregister().await(2, TimeUnit.MINUTES);
    // each API instance hears of the move on its own event loop and until then may answer a read
    // it kept from the old head: wait until reads of web agree (gone, or at the pushed commit)
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    int agreeing = 0;
    while (agreeing < 6) {
      assertThat(System.nanoTime()).as("reads show the pushed commit").isLessThan(deadline);
      HttpResponse<Buffer> web = api().get(SERVICES + "/web");
      boolean current =
          web.statusCode() == 404
              || (web.statusCode() == 200 && pushed.name().equals(version(web.bodyAsJsonObject())));
      agreeing = current ? agreeing + 1 : 0;
    }
    return pushed;
  }

  private WatchStream watch(String path, String accept) {
    WatchStream stream = WatchStream.open(config.port(), path, accept);
    streams.add(stream);
    return stream;
  }

  private JsonObject fileOf(HttpResponse<Buffer> accepted, String name) {
    String id = accepted.bodyAsJsonObject().getString("id");
    return new JsonObject(
        TestRepos.read(
            fixture.remote, "refs/heads/cup/proposal/" + id, Fixture.path("default", name)));
  }

  private static String version(JsonObject resource) {
    return resource.getJsonObject("metadata").getString("resourceVersion");
  }

  private static String name(JsonObject resource) {
    return resource.getJsonObject("metadata") != null
        ? resource.getJsonObject("metadata").getString("name")
        : resource.getString("name");
  }

  private static String annotation(JsonObject resource, String key) {
    return resource.getJsonObject("metadata").getJsonObject("annotations").getString(key);
  }

  /** The HTTP API of the server under test, on loopback. */
  private TestHttpClient api() {
    return TestHttpClient.loopback(client, config.port());
  }

  /** The built-in proposals path. */
  private static final class ProposalsPath {
    static String of(String id) {
      return "/apis/cup.flipt.io/v1alpha1/proposals/" + id;
    }
  }
}
