package io.cup.e2e;

import static io.cup.e2e.Fixture.SERVICES;
import static org.assertj.core.api.Assertions.assertThat;

import io.cup.config.ServerConfig;
import io.cup.launcher.CupServer;
import io.cup.metrics.Metrics;
import io.cup.testing.TestHttpClient;
import io.cup.testing.TestRepos;
import io.micrometer.core.instrument.Counter;
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
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    events = ProposalEvents.record(vertx);
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
  void aMoveThatTouchesOtherResourcesLeavesTheProposalOnItsBaseAndItStillMerges() throws Exception {
    String id = propose("web", 5);
    ObjectId oldHead = TestRepos.ref(fixture.remote, "refs/heads/cup/proposal/" + id);
    ObjectId base =
        oldHead == null
            ? null
            : TestRepos.parseCommit(fixture.remote, oldHead.name()).getParent(0).getId();

    ObjectId moved =
        TestRepos.commit(
            fixture.remote,
            "main",
            Map.of(
                Fixture.path("default", "api"),
                Fixture.service("default", "api", 4, "tier", "backend")),
            Set.of(),
            "someone scales api");

    // a merge through Cup fetches first, so it sees the move; the proposal was not replayed (its
    // file did not change upstream), and merges onto the moved branch with a merge commit
    HttpResponse<Buffer> merge = api().post(PROPOSALS + id + "/merge");
    assertThat(merge.statusCode()).as(merge.bodyAsString()).isEqualTo(200);
    assertThat(TestRepos.ref(fixture.remote, "refs/heads/cup/proposal/" + id)).isEqualTo(oldHead);
    JsonObject proposal = api().get(PROPOSALS + id).bodyAsJsonObject();
    assertThat(proposal.getJsonObject("spec").getString("base")).isEqualTo(base.name());
    RevCommit main = TestRepos.parseCommit(fixture.remote, "refs/heads/main");
    assertThat(main.getParents()).extracting(RevCommit::getId).containsExactly(moved, oldHead);
    // the proposal's change and the upstream change, side by side
    Map<String, String> files = TestRepos.files(fixture.remote, main.name());
    assertThat(replicas(files, "web")).isEqualTo(5);
    assertThat(replicas(files, "api")).isEqualTo(4);
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
    JsonObject proposal = api().get(PROPOSALS + id).bodyAsJsonObject();
    assertThat(proposal.getJsonObject("status").getString("state")).isEqualTo("conflicted");
    // a conflicted proposal takes no more changes
    HttpResponse<Buffer> more =
        api()
            .put(
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
    Promise<JsonObject> olderConflicted = awaitEvent(older, "conflicted");
    Promise<JsonObject> updated = awaitEvent(id, "updated");
    Promise<JsonObject> conflicted = awaitEvent(id, "conflicted");

    // a move that changes the files of both proposals
    TestRepos.commit(
        fixture.remote,
        "main",
        Map.of(
            Fixture.path("default", "web"),
            Fixture.service("default", "web", 9, "tier", "frontend"),
            Fixture.path("default", "api"),
            Fixture.service("default", "api", 2, "tier", "backend")),
        Set.of(),
        "both");

    // replays run one at a time, newest proposal first: once the older one was looked at, the
    // newer one was too, and left alone
    olderConflicted.future().await(90, TimeUnit.SECONDS);
    assertThat(updated.future().isComplete()).isFalse();
    assertThat(conflicted.future().isComplete()).isFalse();
    assertThat(TestRepos.ref(fixture.remote, "refs/heads/cup/proposal/" + id)).isEqualTo(theirs);
    JsonObject proposal = api().get(PROPOSALS + id).bodyAsJsonObject();
    assertThat(proposal.getJsonObject("status").getString("state")).isEqualTo("open");
  }

  @Test
  void aMoveReplaysOnlyTheProposalsWhoseFilesItChanged() throws Exception {
    String web = propose("web", 5);
    String api = proposeApi(6);
    ObjectId apiBranch = TestRepos.ref(fixture.remote, "refs/heads/cup/proposal/" + api);
    String apiRecord = TestRepos.ref(fixture.remote, "refs/cup/proposals/" + api).name();
    double replaysBefore = replays();
    Promise<JsonObject> webConflicted = awaitEvent(web, "conflicted");
    Promise<JsonObject> apiUpdated = awaitEvent(api, "updated");

    // a push that changes web's file only
    TestRepos.commit(
        fixture.remote,
        "main",
        Map.of(
            Fixture.path("default", "web"),
            Fixture.service("default", "web", 9, "tier", "frontend")),
        Set.of(),
        "someone else scales web");

    // the newer proposal (api) would have been replayed first: by now it was not
    webConflicted.future().await(90, TimeUnit.SECONDS);
    assertThat(apiUpdated.future().isComplete()).isFalse();
    assertThat(TestRepos.ref(fixture.remote, "refs/heads/cup/proposal/" + api))
        .isEqualTo(apiBranch);
    assertThat(TestRepos.ref(fixture.remote, "refs/cup/proposals/" + api).name())
        .isEqualTo(apiRecord);
    assertThat(replays() - replaysBefore).isEqualTo(1.0);

    // and api still merges: its file did not change upstream
    HttpResponse<Buffer> merge = api().post(PROPOSALS + api + "/merge");
    assertThat(merge.statusCode()).as(merge.bodyAsString()).isEqualTo(200);
    Map<String, String> files = TestRepos.files(fixture.remote, "refs/heads/main");
    assertThat(replicas(files, "api")).isEqualTo(6);
    assertThat(replicas(files, "web")).isEqualTo(9);
  }

  private static double replays() {
    return Metrics.registry().find("cup.proposals.replays").counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  /**
   * A move that makes a proposal's resource larger than the resource limit upstream: the replay
   * does not load it, the proposal stays open on its base (not conflicted), and the proposals after
   * it still move.
   */
  @Test
  void aProposalWhoseResourceIsOverTheLimitUpstreamIsLeftOnItsBase() throws Exception {
    server.close().await(2, TimeUnit.MINUTES);
    config = config.withMaxResourceBytes(64 * 1024);
    server = CupServer.start(vertx, config, Path.of("verticles")).await(2, TimeUnit.MINUTES);
    String older = proposeApi(6);
    String big = propose("web", 5);
    ObjectId bigBranch = TestRepos.ref(fixture.remote, "refs/heads/cup/proposal/" + big);
    Promise<JsonObject> olderConflicted = awaitEvent(older, "conflicted");
    Promise<JsonObject> bigUpdated = awaitEvent(big, "updated");
    Promise<JsonObject> bigConflicted = awaitEvent(big, "conflicted");

    // upstream changes both proposals' resources; web's file is now over the limit
    TestRepos.commit(
        fixture.remote,
        "main",
        Map.of(
            Fixture.path("default", "api"),
            Fixture.service("default", "api", 3, "tier", "middle"),
            Fixture.path("default", "web"),
            Fixture.service("default", "web", 2, "padding", "x".repeat(100_000))),
        Set.of(),
        "relabel, and a big web");

    // newest first: once the older one was replayed (and found conflicted), the big one was
    // looked at and left alone
    olderConflicted.future().await(90, TimeUnit.SECONDS);
    assertThat(bigUpdated.future().isComplete()).isFalse();
    assertThat(bigConflicted.future().isComplete()).isFalse();
    assertThat(TestRepos.ref(fixture.remote, "refs/heads/cup/proposal/" + big))
        .isEqualTo(bigBranch);
    JsonObject proposal = api().get(PROPOSALS + big).bodyAsJsonObject();
    assertThat(proposal.getJsonObject("status").getString("state")).isEqualTo("open");
  }

  // -- helpers -----------------------------------------------------------------------------------

  private String propose(String name, int replicas) throws Exception {
    HttpResponse<Buffer> put =
        api()
            .put(
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

  private String proposeApi(int replicas) throws Exception {
    HttpResponse<Buffer> put =
        api()
            .put(
                SERVICES + "/api",
                new JsonObject(Fixture.service("default", "api", replicas, "tier", "backend")));
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(202);
    return put.bodyAsJsonObject().getString("id");
  }

  /** Completes with the first {@code cup.events.proposal} of {@code type} for {@code id}. */
  private Promise<JsonObject> awaitEvent(String id, String type) {
    return events.of(id, type);
  }

  /** The HTTP API of the server under test. */
  private TestHttpClient api() {
    return TestHttpClient.loopback(client, config.port());
  }
}
