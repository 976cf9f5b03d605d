package io.cup.e2e;

import static io.cup.e2e.Fixture.SERVICES;
import static org.assertj.core.api.Assertions.assertThat;

import io.cup.config.ServerConfig;
import io.cup.launcher.CupServer;
import io.cup.testing.Eventually;
import io.cup.testing.TestRepos;
import io.cup.testing.scm.ScmStandIn;
import io.cup.testing.scm.ScmStandIn.Kind;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes (two Vert.x instances, two data directories, one remote, one SCM): both reconcilers see
 * the same pending proposal and the same moves of the base, and still there is one pull request and
 * one replay.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ScmTwoNodesTest {
  private static final String PROPOSALS = "/apis/cup.flipt.io/v1alpha1/proposals/";
  private static final String CREATE = "pulls/create";

  @TempDir Path tmp;
  private Fixture fixture;
  private ScmStandIn scm;
  private Vertx vertxA;
  private Vertx vertxB;
  private CupServer nodeA;
  private CupServer nodeB;
  private ServerConfig configA;
  private ServerConfig configB;
  private WebClient client;

  @AfterEach
  void stop() throws Exception {
    for (CupServer node : new CupServer[] {nodeA, nodeB}) {
      if (node != null) {
        node.close().await(2, TimeUnit.MINUTES);
      }
    }
    for (Vertx vertx : new Vertx[] {vertxA, vertxB}) {
      if (vertx != null) {
        vertx.close().await(2, TimeUnit.MINUTES);
      }
    }
    fixture.daemon.close();
    try {
      scm.assertNoViolations();
    } finally {
      scm.close();
    }
  }

  @Test
  void bothNodesReconcileTheSameProposalIntoOnePullRequestAndOneReplay() throws Exception {
    fixture = new Fixture(tmp);
    scm = ScmProposalsTest.standIn(Kind.GITHUB);
    Path verticles = ScmProposalsTest.fastVerticles(tmp.resolve("verticles"));
    configA = ScmProposalsTest.config(fixture, tmp, Kind.GITHUB, scm.baseUrl(), "a", 300);
    configB = ScmProposalsTest.config(fixture, tmp, Kind.GITHUB, scm.baseUrl(), "b", 300);
    vertxA = Vertx.vertx();
    vertxB = Vertx.vertx();
    nodeA = CupServer.start(vertxA, configA, verticles).await(2, TimeUnit.MINUTES);
    nodeB = CupServer.start(vertxB, configB, verticles).await(2, TimeUnit.MINUTES);
    client = WebClient.create(vertxA);

    // the SCM refuses creates for now: the proposal stays pending, and node B fetches it
    scm.failNext(CREATE, 503, Map.of(), 1_000);
    HttpResponse<Buffer> put =
        client
            .put(configA.port(), "127.0.0.1", SERVICES + "/web")
            .putHeader("Content-Type", "application/json")
            .sendBuffer(Buffer.buffer(Fixture.service("default", "web", 5, "tier", "frontend")))
            .await(2, TimeUnit.MINUTES);
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(202);
    String id = put.bodyAsJsonObject().getString("id");
    awaitProposal(configB, id, p -> "pending".equals(state(p)));

    // the SCM recovers: both reconcilers try, one pull request comes out, both nodes record it
    scm.clearFaults();
    JsonObject onA = awaitProposal(configA, id, p -> "open".equals(state(p)));
    JsonObject onB = awaitProposal(configB, id, p -> "open".equals(state(p)));
    assertThat(scm.pulls()).hasSize(1);
    long number = scm.pulls().get(0).number();
    assertThat(onA.getJsonObject("status").getLong("pullRequest")).isEqualTo(number);
    assertThat(onB.getJsonObject("status").getLong("pullRequest")).isEqualTo(number);

    // the base moves under the proposal's own resource: both nodes replay it, the leases let one
    // record through (only proposals whose files a move changed are replayed)
    ObjectId branch = TestRepos.ref(fixture.remote, "refs/heads/cup/proposal/" + id);
    TestRepos.commit(
        fixture.remote,
        "main",
        Map.of(
            Fixture.path("default", "web"),
            Fixture.service("default", "web", 4, "tier", "frontend")),
        Set.of(),
        "someone scales web");
    awaitProposal(configA, id, p -> "conflicted".equals(state(p)));
    awaitProposal(configB, id, p -> "conflicted".equals(state(p)));
    assertThat(TestRepos.ref(fixture.remote, "refs/heads/cup/proposal/" + id)).isEqualTo(branch);
    assertThat(scm.pulls().get(0).comments())
        .as("one conflict comment, from the node whose record went through")
        .hasSize(1);
    assertThat(scm.pulls()).hasSize(1);
  }

  private static String state(JsonObject proposal) {
    return proposal.getJsonObject("status").getString("state");
  }

  /**
   * Reads the proposal from one node until it satisfies {@code wanted}: a node learns of another
   * node's writes only through its fetches, so there is no event to wait for.
   */
  private JsonObject awaitProposal(ServerConfig node, String id, Predicate<JsonObject> wanted) {
    AtomicReference<JsonObject> last = new AtomicReference<>();
    try {
      Eventually.until(
          "proposal " + id + " on port " + node.port() + " is as wanted",
          Duration.ofSeconds(60),
          () -> {
            HttpResponse<Buffer> read =
                client
                    .get(node.port(), "127.0.0.1", PROPOSALS + id)
                    .send()
                    .await(2, TimeUnit.MINUTES);
            if (read.statusCode() != 200) {
              return false;
            }
            last.set(read.bodyAsJsonObject());
            return wanted.test(last.get());
          });
    } catch (AssertionError e) {
      throw new AssertionError(
          "proposal " + id + " on port " + node.port() + " stayed " + last.get(), e);
    }
    return last.get();
  }
}
