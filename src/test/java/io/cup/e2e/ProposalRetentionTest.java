package io.cup.e2e;

import static io.cup.e2e.Fixture.SERVICES;
import static org.assertj.core.api.Assertions.assertThat;

import io.cup.config.ServerConfig;
import io.cup.launcher.CupServer;
import io.cup.testing.TestHttpClient;
import io.cup.testing.TestRepos;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention ({@code --api-proposal-retention}): merged and closed proposals older than the period
 * leave the remote's refs, and {@code refs/cup/archive} keeps their records and branch heads
 * reachable. The whole server, the local SCM, a real {@code git daemon} remote.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ProposalRetentionTest {
  private static final String PROPOSALS = "/apis/cup.flipt.io/v1alpha1/proposals/";
  private static final String RECORDS = "refs/cup/proposals/";
  private static final String BRANCHES = "refs/heads/cup/proposal/";

  @TempDir Path tmp;
  private Fixture fixture;
  private Vertx vertx;
  private CupServer server;
  private WebClient client;
  private ServerConfig config;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close().await(2, TimeUnit.MINUTES);
    }
    fixture.daemon.close();
  }

  @Test
  void mergedAndClosedProposalsPastTheRetentionAreArchivedAndOpenOnesStay(Vertx vertx)
      throws Exception {
    this.vertx = vertx;
    fixture = new Fixture(tmp);
    // first without retention: every proposal keeps its refs
    config = fixture.config(tmp.resolve("data"), 300);
    server = CupServer.start(vertx, config, Path.of("verticles")).await(2, TimeUnit.MINUTES);
    client = WebClient.create(vertx);
    String web = propose("web", 5);
    String api = propose("api", 6);
    String cache = propose("cache", 1);
    String db = propose("db", 2);
    assertThat(api().post(PROPOSALS + web + "/merge").statusCode()).isEqualTo(200);
    assertThat(api().post(PROPOSALS + api + "/merge").statusCode()).isEqualTo(200);
    assertThat(api().post(PROPOSALS + cache + "/close").statusCode()).isEqualTo(200);
    List<String> done = List.of(web, api, cache);
    Map<String, ObjectId> before = TestRepos.refs(fixture.remote);
    server.close().await(2, TimeUnit.MINUTES);

    // then with a retention every finished proposal is past
    config = config.withProposalRetention(1);
    server = CupServer.start(vertx, config, Path.of("verticles")).await(2, TimeUnit.MINUTES);
    awaitTrue(
        () -> {
          Map<String, ObjectId> refs = TestRepos.refs(fixture.remote);
          return done.stream().noneMatch(id -> refs.containsKey(RECORDS + id));
        });
    Map<String, ObjectId> after = TestRepos.refs(fixture.remote);
    System.out.printf(
        "retention: %d refs on the remote before, %d after (%s)%n",
        before.size(), after.size(), after.keySet());

    for (String id : done) {
      assertThat(after).doesNotContainKeys(RECORDS + id, BRANCHES + id);
    }
    // the open proposal is untouched
    assertThat(after.get(RECORDS + db)).isEqualTo(before.get(RECORDS + db));
    assertThat(after.get(BRANCHES + db)).isEqualTo(before.get(BRANCHES + db));
    assertThat(after).containsKey("refs/cup/archive");
    assertThat(after.size()).isEqualTo(before.size() - 2 * done.size() + 1);

    // the archive keeps every record commit and branch head reachable, and each record's file
    Set<ObjectId> reachable = reachable(fixture.remote, after.get("refs/cup/archive"));
    for (String id : done) {
      assertThat(reachable).contains(before.get(RECORDS + id), before.get(BRANCHES + id));
      JsonObject archived = archivedRecord(fixture.remote, after.get("refs/cup/archive"), id);
      assertThat(archived.getString("id")).isEqualTo(id);
      assertThat(archived.getString("state")).isIn("merged", "closed");
    }

    // the API no longer lists archived proposals
    String list = api().get(PROPOSALS.substring(0, PROPOSALS.length() - 1)).bodyAsString();
    assertThat(list).contains(db);
    done.forEach(id -> assertThat(list).doesNotContain(id));
    assertThat(api().get(PROPOSALS + web).statusCode()).isEqualTo(404);
    assertThat(api().get(PROPOSALS + db).statusCode()).isEqualTo(200);
  }

  // -- helpers -----------------------------------------------------------------------------------

  /** Waits (without sleeping the test thread in a loop) until {@code condition} holds. */
  private void awaitTrue(BooleanSupplier condition) throws Exception {
    Promise<Void> held = Promise.promise();
    vertx.setPeriodic(
        200,
        timer ->
            vertx
                .executeBlocking(condition::getAsBoolean)
                .onSuccess(
                    yes -> {
                      if (yes) {
                        vertx.cancelTimer(timer);
                        held.tryComplete();
                      }
                    }));
    held.future().await(90, TimeUnit.SECONDS);
  }

  private static Set<ObjectId> reachable(Path repoDir, ObjectId from) throws IOException {
    try (Repository repo = open(repoDir);
        RevWalk walk = new RevWalk(repo)) {
      walk.markStart(walk.parseCommit(from));
      Set<ObjectId> seen = new HashSet<>();
      for (RevCommit commit : walk) {
        seen.add(commit.getId().copy());
      }
      return seen;
    }
  }

  private static JsonObject archivedRecord(Path repoDir, ObjectId archive, String id)
      throws IOException {
    try (Repository repo = open(repoDir);
        RevWalk walk = new RevWalk(repo);
        TreeWalk tree =
            TreeWalk.forPath(repo, id + "/proposal.json", walk.parseCommit(archive).getTree())) {
      assertThat(tree).as("archive entry of " + id).isNotNull();
      return new JsonObject(
          new String(repo.open(tree.getObjectId(0)).getBytes(), StandardCharsets.UTF_8));
    }
  }

  private static Repository open(Path repoDir) throws IOException {
    return new FileRepositoryBuilder().setGitDir(repoDir.toFile()).setMustExist(true).build();
  }

  private String propose(String name, int replicas) throws Exception {
    HttpResponse<Buffer> put =
        client
            .put(config.port(), "127.0.0.1", SERVICES + "/" + name)
            .putHeader("Content-Type", "application/json")
            .sendBuffer(
                Buffer.buffer(Fixture.service("default", name, replicas, "tier", "frontend")))
            .await(2, TimeUnit.MINUTES);
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(202);
    return put.bodyAsJsonObject().getString("id");
  }

  /** The HTTP API of the server under test. */
  private TestHttpClient api() {
    return TestHttpClient.loopback(client, config.port());
  }
}
