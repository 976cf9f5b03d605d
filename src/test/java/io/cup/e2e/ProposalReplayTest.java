package io.cup.e2e;

import static io.cup.e2e.Fixture.SERVICES;
import static org.assertj.core.api.Assertions.assertThat;

import io.cup.config.ServerConfig;
import io.cup.launcher.CupServer;
import io.cup.testing.TestRepos;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
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
 * Proposals follow their base: when the tracked branch moves, every open proposal is replayed onto
 * the new head (the whole server, packaged descriptors, a real {@code git daemon} remote, the local
 * SCM). A move that touches other resources re-bases the proposal; one that changed the same
 * resource makes it {@code conflicted}.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ProposalReplayTest {
  private static final long POLL_MILLIS = 300;
  private static final String PROPOSALS = "/apis/cup.flipt.io/v1alpha1/proposals/";

  @TempDir Path tmp;
  private Fixture fixture;
  private Vertx vertx;
  private CupServer server;
  private WebClient client;
  private ProposalEvents events;
  private ServerConfig config;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    events = ProposalEvents.record(vertx);
    this.fixture = new Fixture(tmp);
    this.config = fixture.config(tmp.resolve("data"), POLL_MILLIS);
    this.server = CupServer.start(vertx, config, Path.of("verticles")).await();
    this.client = WebClient.create(vertx);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close().await();
    }
    fixture.daemon.close();
  }

  @Test
  void aMoveThatTouchesOtherResourcesCarriesTheProposalOntoTheNewHead() throws Exception {
    String id = propose("web", 5);
    ObjectId oldHead = TestRepos.ref(fixture.remote, "refs/heads/cup/proposal/" + id);
    Promise<JsonObject> updated = awaitEvent(id, "updated");

    ObjectId moved =
        TestRepos.commit(
            fixture.remote,
            "main",
            Map.of(
                Fixture.path("default", "api"),
                Fixture.service("default", "api", 4, "tier", "backend")),
            Set.of(),
            "someone scales api");

    JsonObject event = updated.future().await(90, TimeUnit.SECONDS);
    assertThat(event.getJsonObject("proposal").getString("base")).isEqualTo(moved.name());
    RevCommit head = TestRepos.parseCommit(fixture.remote, "refs/heads/cup/proposal/" + id);
    assertThat(head.getId()).isNotEqualTo(oldHead);
    assertThat(head.getParentCount()).isEqualTo(1);
    assertThat(head.getParent(0).getId()).isEqualTo(moved);
    // the proposal's change and the upstream change, side by side
    Map<String, String> files = TestRepos.files(fixture.remote, head.name());
    assertThat(replicas(files, "web")).isEqualTo(5);
    assertThat(replicas(files, "api")).isEqualTo(4);

    JsonObject proposal = get(PROPOSALS + id).bodyAsJsonObject();
    assertThat(proposal.getJsonObject("status").getString("state")).isEqualTo("open");
    assertThat(proposal.getJsonObject("spec").getString("base")).isEqualTo(moved.name());
    assertThat(proposal.getJsonObject("status").getString("head")).isEqualTo(head.name());
    // its diff is now against the new base: only web changes
    assertThat(proposal.getJsonObject("status").getString("diff"))
        .contains("default/apps.cup.io-v1-Service-web.json")
        .doesNotContain("Service-api.json");

    // and it still merges cleanly, as a fast-forward
    HttpResponse<Buffer> merge = post(PROPOSALS + id + "/merge");
    assertThat(merge.statusCode()).as(merge.bodyAsString()).isEqualTo(200);
    assertThat(TestRepos.ref(fixture.remote, "refs/heads/main")).isEqualTo(head.getId());
  }

  @Test
  void aMoveThatChangedTheSameResourceMarksTheProposalConflicted() throws Exception {
    String id = propose("web", 5);
    ObjectId branch = TestRepos.ref(fixture.remote, "refs/heads/cup/proposal/" + id);
    Promise<JsonObject> conflicted = awaitEvent(id, "conflicted");

    TestRepos.commit(
        fixture.remote,
        "main",
        Map.of(
            Fixture.path("default", "web"),
            Fixture.service("default", "web", 9, "tier", "frontend")),
        Set.of(),
        "someone else scales web");

    JsonObject event = conflicted.future().await(90, TimeUnit.SECONDS);
    assertThat(event.getJsonObject("proposal").getString("state")).isEqualTo("conflicted");
    // the branch is left as it was, for a person to look at
    assertThat(TestRepos.ref(fixture.remote, "refs/heads/cup/proposal/" + id)).isEqualTo(branch);
    JsonObject proposal = get(PROPOSALS + id).bodyAsJsonObject();
    assertThat(proposal.getJsonObject("status").getString("state")).isEqualTo("conflicted");
    // a conflicted proposal takes no more changes
    HttpResponse<Buffer> more =
        put(
            SERVICES + "/api?proposal=" + id,
            new JsonObject(Fixture.service("default", "api", 6, "tier", "backend")));
    assertThat(more.statusCode()).as(more.bodyAsString()).isEqualTo(409);
  }

  @Test
  void aBranchSomeoneElsePushedToIsLeftAlone() throws Exception {
    String older = propose("web", 5);
    String id = proposeApi(6);
    // a person adds a commit to the newer proposal's branch by hand
    ObjectId theirs =
        TestRepos.commit(
            fixture.remote, "cup/proposal/" + id, Map.of("NOTES.md", "by hand\n"), Set.of(), "x");
    Promise<JsonObject> olderUpdated = awaitEvent(older, "updated");
    Promise<JsonObject> updated = awaitEvent(id, "updated");

    TestRepos.commit(fixture.remote, "main", Map.of("README.md", "moved\n"), Set.of(), "readme");

    // replays run one at a time, newest proposal first: once the older one moved, the newer one
    // was looked at and left alone
    olderUpdated.future().await(90, TimeUnit.SECONDS);
    assertThat(updated.future().isComplete()).isFalse();
    assertThat(TestRepos.ref(fixture.remote, "refs/heads/cup/proposal/" + id)).isEqualTo(theirs);
    JsonObject proposal = get(PROPOSALS + id).bodyAsJsonObject();
    assertThat(proposal.getJsonObject("status").getString("state")).isEqualTo("open");
  }

  /**
   * A proposal whose resource is over the limit (made while the limit was higher) is not replayed:
   * its file is not loaded, it stays open on its base, and the proposals after it still move.
   */
  @Test
  void aProposalWithAResourceOverTheLimitIsLeftOnItsBaseAndTheOthersMove() throws Exception {
    String older = proposeApi(6);
    HttpResponse<Buffer> bigPut =
        put(
            SERVICES + "/web",
            new JsonObject(Fixture.service("default", "web", 5, "padding", "x".repeat(100_000))));
    assertThat(bigPut.statusCode()).as("%s", bigPut.statusCode()).isEqualTo(202);
    String big = bigPut.bodyAsJsonObject().getString("id");
    ObjectId bigBranch = TestRepos.ref(fixture.remote, "refs/heads/cup/proposal/" + big);
    server.close().await();
    config = config.withMaxResourceBytes(64 * 1024);
    server = CupServer.start(vertx, config, Path.of("verticles")).await();
    Promise<JsonObject> olderUpdated = awaitEvent(older, "updated");
    Promise<JsonObject> bigUpdated = awaitEvent(big, "updated");
    Promise<JsonObject> bigConflicted = awaitEvent(big, "conflicted");

    TestRepos.commit(fixture.remote, "main", Map.of("README.md", "moved\n"), Set.of(), "readme");

    // newest first: once the older one moved, the big one was looked at and left alone
    olderUpdated.future().await(90, TimeUnit.SECONDS);
    assertThat(bigUpdated.future().isComplete()).isFalse();
    assertThat(bigConflicted.future().isComplete()).isFalse();
    assertThat(TestRepos.ref(fixture.remote, "refs/heads/cup/proposal/" + big))
        .isEqualTo(bigBranch);
    JsonObject proposal = get(PROPOSALS + big).bodyAsJsonObject();
    assertThat(proposal.getJsonObject("status").getString("state")).isEqualTo("open");
  }

  // -- helpers -----------------------------------------------------------------------------------

  private String propose(String name, int replicas) {
    HttpResponse<Buffer> put =
        put(
            SERVICES + "/" + name,
            new JsonObject(Fixture.service("default", name, replicas, "tier", "frontend")));
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(202);
    return put.bodyAsJsonObject().getString("id");
  }

  private static int replicas(Map<String, String> files, String name) {
    return new JsonObject(files.get(Fixture.path("default", name)))
        .getJsonObject("spec")
        .getInteger("replicas");
  }

  private String proposeApi(int replicas) {
    HttpResponse<Buffer> put =
        put(
            SERVICES + "/api",
            new JsonObject(Fixture.service("default", "api", replicas, "tier", "backend")));
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(202);
    return put.bodyAsJsonObject().getString("id");
  }

  /** Completes with the first {@code cup.events.proposal} of {@code type} for {@code id}. */
  private Promise<JsonObject> awaitEvent(String id, String type) {
    return events.of(id, type);
  }

  private HttpResponse<Buffer> get(String path) {
    return client.get(config.port(), "127.0.0.1", path).send().await();
  }

  private HttpResponse<Buffer> post(String path) {
    return client.post(config.port(), "127.0.0.1", path).send().await();
  }

  private HttpResponse<Buffer> put(String path, JsonObject body) {
    return client
        .put(config.port(), "127.0.0.1", path)
        .putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body.encode()))
        .await();
  }
}
