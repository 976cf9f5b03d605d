package io.cup.e2e;

import static io.cup.e2e.Fixture.SERVICES;
import static org.assertj.core.api.Assertions.assertThat;

import io.cup.e2e.ClusterNodes.Node;
import io.cup.testing.Eventually;
import io.cup.testing.TestRepos;
import io.cup.testing.WatchStream;
import io.cup.testing.scm.ScmStandIn;
import io.cup.testing.scm.ScmStandIn.Kind;
import io.cup.testing.scm.ScmStandIn.PullSnapshot;
import io.cup.testing.scm.Webhooks;
import io.cup.testing.scm.Webhooks.Delivery;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several Cup nodes on Vert.x's Hazelcast cluster, each a JVM process of its own on loopback,
 * joined over TCP/IP, serving one remote behind a real {@code git daemon}: what is written or
 * pushed through one node is served and watched on the others, a webhook delivery is handled once
 * per cluster, and the one node that opens pull requests can die (SIGKILL) without losing or
 * doubling one.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ClusterTest {
  private static final String PROPOSALS = "/apis/cup.flipt.io/v1alpha1/proposals/";
  private static final String CREATE = "pulls/create";

  /**
   * How soon the other nodes serve a push one node heard of. The design's aim is one second (a
   * fetch of each clone after the first node's head event); the test allows more for a loaded
   * machine.
   */
  private static final Duration PROPAGATION = Duration.ofSeconds(3);

  @TempDir Path tmp;
  private Fixture fixture;
  private ClusterNodes nodes;
  private ScmStandIn scm;

  @AfterEach
  void stop() throws Exception {
    if (nodes != null) {
      nodes.close();
    }
    fixture.daemon.close();
    if (scm != null) {
      try {
        scm.assertNoViolations();
      } finally {
        scm.close();
      }
    }
  }

  @Test
  void writesWatchesAndWebhooksReachEveryNodeOfThree() throws Exception {
    fixture = new Fixture(tmp);
    Path secret = Files.writeString(tmp.resolve("webhook-secret"), ScmProposalsTest.SECRET + "\n");
    nodes =
        new ClusterNodes(
            tmp,
            List.of("a", "b", "c"),
            List.of(
                "--api-git-repo",
                fixture.url(),
                "--api-git-poll-interval",
                "10m",
                "--api-resources",
                fixture.resources.toString(),
                "--api-webhook-secret-file",
                secret.toString(),
                "--verticles",
                Path.of("verticles").toAbsolutePath().toString()));
    nodes.startAll();
    Node a = nodes.node("a");
    Node b = nodes.node("b");
    Node c = nodes.node("c");

    // a watcher on C, from C's current state
    JsonObject list =
        new JsonObject(
            nodes
                .send(
                    HttpRequest.newBuilder(c.url(SERVICES))
                        .header("Accept", "application/json")
                        .GET()
                        .build())
                .body());
    String listed = list.getJsonObject("metadata").getString("resourceVersion");
    WatchStream watch =
        WatchStream.open(
            c.apiPort, SERVICES + "?watch=true&resourceVersion=" + listed, "application/json");

    // a write through A is pending on B at once (status.proposals) ...
    HttpResponse<String> put =
        nodes.send(
            HttpRequest.newBuilder(a.url(SERVICES + "/web"))
                .header("Content-Type", "application/json")
                .PUT(
                    HttpRequest.BodyPublishers.ofString(
                        Fixture.service("default", "web", 7, "tier", "frontend")))
                .build());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(202);
    String id = new JsonObject(put.body()).getString("id");
    // asked for at once, B fetches the proposal it has not fetched yet
    HttpResponse<String> fromB = nodes.get(b, PROPOSALS + id);
    assertThat(fromB.statusCode()).as(fromB.body()).isEqualTo(200);
    assertThat(new JsonObject(fromB.body()).getJsonObject("metadata").getString("name"))
        .isEqualTo(id);
    Eventually.until(
        "B shows the proposal made through A on the resource it changes",
        PROPAGATION,
        () -> {
          JsonObject web = new JsonObject(nodes.get(b, SERVICES + "/web").body());
          JsonArray pending =
              web.getJsonObject("status", new JsonObject()).getJsonArray("proposals");
          return pending != null
              && pending.stream().anyMatch(p -> id.equals(((JsonObject) p).getString("id")));
        });
    // ... merged through A, it is served by B and watched on C
    HttpResponse<String> merged =
        nodes.send(
            HttpRequest.newBuilder(a.url(PROPOSALS + id + "/merge"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(merged.statusCode()).as(merged.body()).isEqualTo(200);
    Eventually.until(
        "B serves the write merged through A",
        PROPAGATION,
        () -> replicas(nodes.get(b, SERVICES + "/web")) == 7);
    JsonObject event = watch.nextChange();
    assertThat(event.getString("type")).isEqualTo("MODIFIED");
    assertThat(event.getJsonObject("object").getJsonObject("spec").getInteger("replicas"))
        .isEqualTo(7);
    watch.close();

    // a push the remote got, told to B by a signed webhook: A and C serve it too
    ObjectId pushed =
        TestRepos.commit(
            fixture.remote,
            TestRepos.MAIN,
            Map.of(
                Fixture.path("default", "push"), Fixture.service("default", "push", 9, "t", "x")));
    Delivery delivery =
        Webhooks.github(
            "push", Webhooks.githubPush(TestRepos.MAIN, pushed.name()), ScmProposalsTest.SECRET);
    HttpResponse<String> toB = deliver(b, delivery);
    assertThat(toB.statusCode()).as(toB.body()).isEqualTo(200);
    assertThat(toB.body()).contains("fetched");
    for (Node other : List.of(a, c)) {
      Eventually.until(
          other + " serves the push B was told of",
          PROPAGATION,
          () -> nodes.get(other, SERVICES + "/push").statusCode() == 200);
    }
    // the same delivery again, to A and to C: handled once per cluster
    for (Node other : List.of(a, c)) {
      HttpResponse<String> again = deliver(other, delivery);
      assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
      assertThat(again.body()).contains("duplicate delivery");
    }
  }

  @Test
  void anotherNodeOpensEveryAcceptedPullRequestOnceWhenTheOwnerIsKilled() throws Exception {
    fixture = new Fixture(tmp);
    scm = ScmProposalsTest.standIn(Kind.GITHUB);
    Path token = Files.writeString(tmp.resolve("scm-token"), ScmProposalsTest.TOKEN + "\n");
    Path secret = Files.writeString(tmp.resolve("webhook-secret"), ScmProposalsTest.SECRET + "\n");
    Path verticles = ScmProposalsTest.fastVerticles(tmp.resolve("verticles"));
    nodes =
        new ClusterNodes(
            tmp,
            List.of("a", "b"),
            List.of(
                "--api-git-repo",
                fixture.url(),
                "--api-git-scm",
                "github",
                "--api-git-scm-url",
                scm.baseUrl(),
                "--api-git-scm-repo",
                ScmProposalsTest.repo(Kind.GITHUB),
                "--api-git-scm-token-file",
                token.toString(),
                "--api-webhook-secret-file",
                secret.toString(),
                "--api-git-poll-interval",
                "10m",
                "--api-resources",
                fixture.resources.toString(),
                "--verticles",
                verticles.toString()));
    nodes.startAll();
    Node a = nodes.node("a");
    Node b = nodes.node("b");
    Eventually.until(
        "one node owns the reconciler",
        Duration.ofSeconds(30),
        () -> nodes.ownsReconciler(a) != nodes.ownsReconciler(b));
    Node owner = nodes.ownsReconciler(a) ? a : b;
    Node survivor = owner == a ? b : a;

    // the SCM refuses every pull request: three writes are accepted, pending
    scm.failNext(CREATE, 503, Map.of(), 10_000);
    List<String> ids = new ArrayList<>();
    ids.add(write(owner, "web", 5));
    ids.add(write(survivor, "api", 6));
    ids.add(write(owner, "worker", 1));
    for (String id : ids) {
      assertThat(state(owner, id)).isEqualTo("pending");
    }
    assertThat(scm.pulls()).isEmpty();

    nodes.kill(owner);
    scm.clearFaults();
    Eventually.until(
        survivor + " owns the reconciler once " + owner + " is killed",
        Duration.ofSeconds(15),
        () -> nodes.ownsReconciler(survivor));
    awaitOpen(survivor, ids);
    List<PullSnapshot> pulls = scm.pulls();
    assertThat(pulls)
        .extracting(PullSnapshot::head)
        .containsExactlyInAnyOrderElementsOf(ids.stream().map(i -> "cup/proposal/" + i).toList());

    // the killed node, started again on its data directory, rejoins
    nodes.start(owner);
    nodes.awaitMembers(owner, 2);
    nodes.awaitMembers(survivor, 2);
    // and writes through it go on, their pull requests opened by the one owner
    ids.add(write(owner, "cache", 2));
    awaitOpen(owner, ids);
    assertThat(nodes.ownsReconciler(survivor)).isTrue();
    assertThat(nodes.ownsReconciler(owner)).isFalse();
    assertThat(scm.pulls())
        .extracting(PullSnapshot::head)
        .containsExactlyInAnyOrderElementsOf(ids.stream().map(i -> "cup/proposal/" + i).toList());
    assertThat(Files.readString(nodes.log(owner)))
        .as("the restarted node never took the role while its owner lives")
        .containsOnlyOnce("now owns the reconciler");
  }

  private String write(Node node, String name, int replicas) throws Exception {
    HttpResponse<String> put =
        nodes.send(
            HttpRequest.newBuilder(node.url(SERVICES + "/" + name))
                .header("Content-Type", "application/json")
                .PUT(
                    HttpRequest.BodyPublishers.ofString(
                        Fixture.service("default", name, replicas, "tier", "backend")))
                .build());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(202);
    return new JsonObject(put.body()).getString("id");
  }

  private String state(Node node, String id) throws Exception {
    return new JsonObject(nodes.get(node, PROPOSALS + id).body())
        .getJsonObject("status")
        .getString("state");
  }

  private void awaitOpen(Node node, List<String> ids) {
    List<String> waiting = new ArrayList<>(ids);
    try {
      Eventually.until(
          "proposals " + ids + " are open with their pull requests",
          Duration.ofSeconds(60),
          () -> {
            waiting.removeIf(
                id -> {
                  try {
                    JsonObject status =
                        new JsonObject(nodes.get(node, PROPOSALS + id).body())
                            .getJsonObject("status");
                    return status != null
                        && "open".equals(status.getString("state"))
                        && status.getValue("pullRequest") != null;
                  } catch (Exception e) {
                    return false;
                  }
                });
            return waiting.isEmpty();
          });
    } catch (AssertionError e) {
      throw new AssertionError(
          "proposals " + waiting + " never opened; " + node + "'s log:\n" + nodes.tail(node), e);
    }
  }

  private HttpResponse<String> deliver(Node node, Delivery delivery) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(node.url("/webhooks/github"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body()));
    delivery.headers().forEach(request::header);
    return nodes.send(request.build());
  }

  private static int replicas(HttpResponse<String> response) {
    if (response.statusCode() != 200) {
      return -1;
    }
    return new JsonObject(response.body()).getJsonObject("spec").getInteger("replicas", -1);
  }
}
