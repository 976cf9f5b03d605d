package io.cup.e2e;

import static io.cup.e2e.Fixture.SERVICES;
import static org.assertj.core.api.Assertions.assertThat;

import io.cup.config.ScmSettings;
import io.cup.config.ServerConfig;
import io.cup.launcher.CupServer;
import io.cup.testing.TestHttpClient;
import io.cup.testing.TestRepos;
import io.cup.testing.scm.ScmStandIn;
import io.cup.testing.scm.ScmStandIn.Kind;
import io.cup.testing.scm.ScmStandIn.PullSnapshot;
import io.cup.testing.scm.Webhooks;
import io.cup.testing.scm.Webhooks.Delivery;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole server with a hosted SCM: GitHub, Gitea and GitLab, each played by a stand-in that
 * checks every request against the SCM's published API description (and fails the test on any
 * mismatch), with Git pushes to a real {@code git daemon}. Every 202 must end as exactly one pull
 * or merge request, whatever the SCM answers on the way.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ScmProposalsTest {
  static final String TOKEN = "scm-token-5f1c";
  static final String SECRET = "webhook-secret-9a2e";
  private static final String PROPOSALS = "/apis/cup.flipt.io/v1alpha1/proposals/";

  @TempDir Path tmp;
  private Fixture fixture;
  private Vertx vertx;
  private CupServer server;
  private WebClient client;
  private ProposalEvents events;
  private ServerConfig config;
  private ScmStandIn scm;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close().await(2, TimeUnit.MINUTES);
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

  private void start(Vertx vertx, Kind kind) throws Exception {
    start(vertx, kind, 0);
  }

  /** As {@link #start(Vertx, Kind)}, polling open requests every {@code pollMillis} (0: never). */
  private void start(Vertx vertx, Kind kind, long pollMillis) throws Exception {
    this.vertx = vertx;
    events = ProposalEvents.record(vertx);
    fixture = new Fixture(tmp);
    scm = standIn(kind);
    config = config(fixture, tmp, kind, scm.baseUrl());
    Path verticles = fastVerticles(tmp.resolve("verticles"));
    Path reconciler = verticles.resolve("reconciler.json");
    JsonObject descriptor = new JsonObject(Files.readString(reconciler));
    descriptor.getJsonObject("config").put("scmPollIntervalMillis", pollMillis);
    Files.writeString(reconciler, descriptor.encodePrettily());
    server = CupServer.start(vertx, config, verticles).await(2, TimeUnit.MINUTES);
    client = WebClient.create(vertx);
  }

  // -- polling, without webhooks -----------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aRequestMergedOnTheScmWithoutAWebhookEndsItsProposalAtAPoll(Kind kind, Vertx vertx)
      throws Exception {
    start(vertx, kind, 500);
    String id = put(SERVICES + "/web", 5).bodyAsJsonObject().getString("id");
    PullSnapshot pull = scm.pulls().get(0);
    String getPull =
        switch (kind) {
          case GITHUB -> "pulls/get";
          case GITEA -> "repoGetPullRequest";
          case GITLAB -> "getApiV4ProjectsIdMergeRequestsMergeRequestIid";
        };
    // unchanged, asked twice: GitHub (whose description declares 304) answers the second 304
    assertThat(scm.awaitRequests(getPull, 2, java.time.Duration.ofSeconds(60))).isTrue();
    List<Integer> statuses =
        scm.requests().stream()
            .filter(r -> getPull.equals(r.operationId()))
            .map(ScmStandIn.RecordedRequest::status)
            .toList();
    assertThat(statuses.get(0)).isEqualTo(200);
    if (kind == Kind.GITHUB) {
      assertThat(statuses.subList(1, statuses.size())).containsOnly(304);
    } else {
      assertThat(statuses).containsOnly(200);
    }

    String sha = "7a1b2c3d4e5f60718293a4b5c6d7e8f901234567";
    Promise<JsonObject> merged = awaitEvent(id, "merged");
    scm.merge(pull.number(), sha); // on the SCM, and no webhook
    assertThat(
            merged
                .future()
                .await(60, TimeUnit.SECONDS)
                .getJsonObject("proposal")
                .getString("mergeCommit"))
        .isEqualTo(sha);
    JsonObject read = api().get(PROPOSALS + id).bodyAsJsonObject();
    assertThat(read.getJsonObject("status").getString("state")).isEqualTo("merged");
    long polls = scm.requests().stream().filter(r -> getPull.equals(r.operationId())).count();
    long notModified =
        scm.requests().stream()
            .filter(r -> getPull.equals(r.operationId()) && r.status() == 304)
            .count();
    System.out.printf("%s: %d polls, %d answered 304%n", kind, polls, notModified);
  }

  // -- the happy path ----------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aWriteOpensOnePullRequestWhoseUrlIsInTheAnswer(Kind kind, Vertx vertx) throws Exception {
    start(vertx, kind);
    HttpResponse<Buffer> put = put(SERVICES + "/web", 5);
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(202);
    JsonObject proposal = put.bodyAsJsonObject().getJsonObject("proposal");
    String id = put.bodyAsJsonObject().getString("id");
    assertThat(proposal.getString("source")).isEqualTo(kind.name().toLowerCase(Locale.ROOT));
    assertThat(proposal.getString("state")).isEqualTo("open");

    List<PullSnapshot> pulls = scm.pulls();
    assertThat(pulls).hasSize(1);
    PullSnapshot pull = pulls.get(0);
    assertThat(pull.head()).isEqualTo("cup/proposal/" + id);
    assertThat(pull.base()).isEqualTo("main");
    assertThat(pull.labels()).contains("cup");
    assertThat(pull.title()).contains("web");
    assertThat(pull.body()).contains("default/web").contains(id);
    assertThat(proposal.getString("url")).contains(Integer.toString(pull.number()));

    // the branch is on the remote, the tracked branch untouched
    assertThat(TestRepos.refs(fixture.remote)).containsKey("refs/heads/cup/proposal/" + id);
    JsonObject read = api().get(PROPOSALS + id).bodyAsJsonObject();
    assertThat(read.getJsonObject("status").getLong("pullRequest")).isEqualTo(pull.number());
    assertThat(read.getJsonObject("status").getString("url")).isEqualTo(proposal.getString("url"));
    // the resource shows the open proposal that would change it
    JsonArray onResource =
        api()
            .get(SERVICES + "/web")
            .bodyAsJsonObject()
            .getJsonObject("status")
            .getJsonArray("proposals");
    assertThat(onResource.getJsonObject(0).getString("url")).isEqualTo(proposal.getString("url"));
    // the reconciler's calls are counted where the server's metrics are served
    assertThat(api().get("/metrics").bodyAsString())
        .contains("cup_scm_calls_total{operation=\"open\",outcome=\"success\"");
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aMergedWebhookMovesTheProposalAndARepeatChangesNothing(Kind kind, Vertx vertx)
      throws Exception {
    start(vertx, kind);
    String id = put(SERVICES + "/web", 5).bodyAsJsonObject().getString("id");
    PullSnapshot pull = scm.pulls().get(0);
    String sha = "5e0c7a1b2c3d4e5f60718293a4b5c6d7e8f90123";
    scm.merge(pull.number(), sha);
    Promise<JsonObject> merged = awaitEvent(id, "merged");

    Delivery delivery = mergedDelivery(kind, "cup/proposal/" + id, pull.number(), sha);
    HttpResponse<Buffer> hook = deliver(delivery);
    assertThat(hook.statusCode()).as(hook.bodyAsString()).isEqualTo(200);
    assertThat(
            merged
                .future()
                .await(90, TimeUnit.SECONDS)
                .getJsonObject("proposal")
                .getString("mergeCommit"))
        .isEqualTo(sha);
    JsonObject read = api().get(PROPOSALS + id).bodyAsJsonObject();
    assertThat(read.getJsonObject("status").getString("state")).isEqualTo("merged");

    HttpResponse<Buffer> again = deliver(delivery);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.bodyAsJsonObject().getString("message")).contains("duplicate");
    // a wrongly signed delivery changes nothing and is refused
    HttpResponse<Buffer> forged =
        deliver(mergedDelivery(kind, "cup/proposal/" + id, pull.number(), sha).signedWith("no"));
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(forged.bodyAsJsonObject().getString("kind")).isEqualTo("Status");
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void relatedChangesShareOnePullRequestUntilItIsClosedOnTheScm(Kind kind, Vertx vertx)
      throws Exception {
    start(vertx, kind);
    String id = put(SERVICES + "/web", 5).bodyAsJsonObject().getString("id");
    HttpResponse<Buffer> more = put(SERVICES + "/api?proposal=" + id, 3);
    assertThat(more.statusCode()).as(more.bodyAsString()).isEqualTo(202);
    assertThat(more.bodyAsJsonObject().getString("id")).isEqualTo(id);
    assertThat(scm.pulls()).hasSize(1);
    assertThat(scm.requestCount(createOperation(kind))).isEqualTo(1);
    JsonObject read = api().get(PROPOSALS + id).bodyAsJsonObject();
    assertThat(read.getJsonObject("spec").getJsonArray("resources")).hasSize(2);
    // the request's description lists both resources once the reconciler has rewritten it
    assertThat(scm.awaitRequest(updateOperation(kind), java.time.Duration.ofSeconds(30))).isTrue();
    assertThat(scm.pulls().get(0).body()).contains("default/web").contains("default/api");

    // a person closes it on the SCM
    PullSnapshot pull = scm.pulls().get(0);
    scm.close(pull.number());
    Promise<JsonObject> closed = awaitEvent(id, "closed");
    HttpResponse<Buffer> hook = deliver(closedDelivery(kind, "cup/proposal/" + id, pull.number()));
    assertThat(hook.statusCode()).as(hook.bodyAsString()).isEqualTo(200);
    closed.future().await(90, TimeUnit.SECONDS);
    HttpResponse<Buffer> late = put(SERVICES + "/worker?proposal=" + id, 1);
    assertThat(late.statusCode()).as(late.bodyAsString()).isEqualTo(409);
    // a closed proposal no longer shows on the resource
    assertThat(api().get(SERVICES + "/web").bodyAsJsonObject().getJsonObject("status")).isNull();
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void mergeAndCloseThroughCupHappenOnTheScm(Kind kind, Vertx vertx) throws Exception {
    start(vertx, kind);
    String first = put(SERVICES + "/web", 5).bodyAsJsonObject().getString("id");
    String second = put(SERVICES + "/api", 7).bodyAsJsonObject().getString("id");

    HttpResponse<Buffer> merge = api().post(PROPOSALS + first + "/merge");
    assertThat(merge.statusCode()).as(merge.bodyAsString()).isEqualTo(200);
    assertThat(merge.bodyAsJsonObject().getJsonObject("status").getString("state"))
        .isEqualTo("merged");
    HttpResponse<Buffer> close = api().post(PROPOSALS + second + "/close");
    assertThat(close.statusCode()).as(close.bodyAsString()).isEqualTo(200);
    assertThat(close.bodyAsJsonObject().getJsonObject("status").getString("state"))
        .isEqualTo("closed");

    PullSnapshot merged = pull("cup/proposal/" + first);
    assertThat(merged.merged()).isTrue();
    PullSnapshot closed = pull("cup/proposal/" + second);
    assertThat(closed.state()).isEqualTo("closed");
    assertThat(closed.merged()).isFalse();
    // a merged proposal cannot be closed
    assertThat(api().post(PROPOSALS + first + "/close").statusCode()).isEqualTo(409);
  }

  // -- faults ------------------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Kind.class)
  void serverErrorsAndRateLimitsLeaveItPendingUntilARetryOpensIt(Kind kind, Vertx vertx)
      throws Exception {
    start(vertx, kind);
    String create = createOperation(kind);
    scm.failNext(create, 500, Map.of(), 1);
    scm.failNext(create, 429, Map.of("Retry-After", "1"), 1);

    long started = System.nanoTime();
    HttpResponse<Buffer> put = put(SERVICES + "/web", 5);
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(202);
    String id = put.bodyAsJsonObject().getString("id");
    String state = put.bodyAsJsonObject().getJsonObject("proposal").getString("state");
    if (!state.equals("open")) {
      assertThat(state).isEqualTo("pending");
      awaitEvent(id, "opened").future().await(90, TimeUnit.SECONDS);
    }
    long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
    // the 429 asked for one second: the third attempt waited at least that long
    assertThat(elapsedMillis).isGreaterThanOrEqualTo(1_000);
    assertThat(scm.requestCount(create)).isEqualTo(3);
    assertThat(scm.pulls()).hasSize(1);
    JsonObject read = api().get(PROPOSALS + id).bodyAsJsonObject();
    assertThat(read.getJsonObject("status").getString("state")).isEqualTo("open");
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aLostAnswerNeverOpensASecondPullRequest(Kind kind, Vertx vertx) throws Exception {
    start(vertx, kind);
    String create = createOperation(kind);
    // the SCM creates the pull request, then its answer never comes
    scm.hangNext(create, true);

    HttpResponse<Buffer> put = put(SERVICES + "/web", 5);
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(202);
    String id = put.bodyAsJsonObject().getString("id");
    assertThat(put.bodyAsJsonObject().getJsonObject("proposal").getString("state"))
        .isEqualTo("pending");
    assertThat(put.bodyAsJsonObject().getJsonObject("proposal").getString("url")).isNull();
    JsonObject opened = awaitEvent(id, "opened").future().await(90, TimeUnit.SECONDS);

    assertThat(scm.requestCount(create)).isEqualTo(1);
    assertThat(scm.pulls()).hasSize(1);
    assertThat(opened.getJsonObject("proposal").getLong("pullRequest"))
        .isEqualTo(scm.pulls().get(0).number());
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aConflictingMoveOfTheBaseCommentsOnThePullRequest(Kind kind, Vertx vertx) throws Exception {
    start(vertx, kind);
    String id = put(SERVICES + "/web", 5).bodyAsJsonObject().getString("id");
    Promise<JsonObject> conflicted = awaitEvent(id, "conflicted");

    TestRepos.commit(
        fixture.remote,
        "main",
        Map.of(
            Fixture.path("default", "web"),
            Fixture.service("default", "web", 9, "tier", "frontend")),
        Set.of(),
        "someone else scales web");
    // a signed push webhook makes the server fetch at once
    HttpResponse<Buffer> hook =
        deliver(
            pushDelivery(kind, "main", TestRepos.ref(fixture.remote, "refs/heads/main").name()));
    assertThat(hook.statusCode()).as(hook.bodyAsString()).isEqualTo(200);
    // the webhook answered after the fetch (the poll is a minute here): reads see the push now
    assertThat(
            api()
                .get(SERVICES + "/web")
                .bodyAsJsonObject()
                .getJsonObject("spec")
                .getInteger("replicas"))
        .isEqualTo(9);
    assertThat(
            conflicted
                .future()
                .await(90, TimeUnit.SECONDS)
                .getJsonObject("proposal")
                .getString("state"))
        .isEqualTo("conflicted");
    String comment = commentOn("cup/proposal/" + id);
    assertThat(comment).contains("default/web").contains("conflicted");
  }

  // -- helpers -----------------------------------------------------------------------------------

  static ScmStandIn standIn(Kind kind) {
    return switch (kind) {
      case GITHUB -> ScmStandIn.github("acme", "config", TOKEN);
      case GITEA -> ScmStandIn.gitea("acme", "config", TOKEN);
      case GITLAB -> ScmStandIn.gitlab("platform/teams/config", TOKEN);
    };
  }

  static String repo(Kind kind) {
    return kind == Kind.GITLAB ? "platform/teams/config" : "acme/config";
  }

  static String createOperation(Kind kind) {
    return switch (kind) {
      case GITHUB -> "pulls/create";
      case GITEA -> "repoCreatePullRequest";
      case GITLAB -> "postApiV4ProjectsIdMergeRequests";
    };
  }

  static String updateOperation(Kind kind) {
    return switch (kind) {
      case GITHUB -> "pulls/update";
      case GITEA -> "repoEditPullRequest";
      case GITLAB -> "putApiV4ProjectsIdMergeRequestsMergeRequestIid";
    };
  }

  static ServerConfig config(Fixture fixture, Path tmp, Kind kind, String scmUrl)
      throws IOException {
    return config(fixture, tmp, kind, scmUrl, "data", 60_000);
  }

  /** A server of {@code kind} with its own data directory {@code tmp/<data>}. */
  static ServerConfig config(
      Fixture fixture, Path tmp, Kind kind, String scmUrl, String data, long pollMillis)
      throws IOException {
    Path token = Files.writeString(tmp.resolve("scm-token"), TOKEN + "\n");
    Path secret = Files.writeString(tmp.resolve("webhook-secret"), SECRET + "\n");
    ServerConfig c = fixture.config(tmp.resolve(data), pollMillis);
    return c.toBuilder()
        .gitScm(kind.name().toLowerCase(Locale.ROOT))
        .scm(new ScmSettings(scmUrl, repo(kind), token.toString(), secret.toString()))
        .build();
  }

  /** The packaged descriptors, with the reconciler's waits shortened for tests. */
  static Path fastVerticles(Path dir) throws IOException {
    Files.createDirectories(dir);
    try (var files = Files.list(Path.of("verticles"))) {
      for (Path file : files.toList()) {
        JsonObject descriptor = new JsonObject(Files.readString(file));
        JsonObject verticleConfig = descriptor.getJsonObject("config", new JsonObject());
        switch (descriptor.getString("name")) {
          case "reconciler" ->
              verticleConfig
                  .put("scmRetryBaseMillis", 200)
                  .put("scmCallTimeoutMillis", 2_000)
                  .put("reconcileIntervalMillis", 500);
          case "publisher" -> verticleConfig.put("scmOpenWaitMillis", 1_500);
          default -> {}
        }
        descriptor.put("config", verticleConfig);
        Files.writeString(dir.resolve(file.getFileName()), descriptor.encodePrettily());
      }
    }
    return dir;
  }

  private Delivery mergedDelivery(Kind kind, String branch, long number, String sha) {
    return switch (kind) {
      case GITHUB ->
          Webhooks.github(
              "pull_request",
              Webhooks.githubPullRequest("closed", branch, number, true, sha),
              SECRET);
      case GITEA ->
          Webhooks.gitea(
              "pull_request",
              Webhooks.giteaPullRequest("closed", branch, number, true, sha),
              SECRET);
      case GITLAB ->
          Webhooks.gitlab(
              "Merge Request Hook",
              Webhooks.gitlabMergeRequest("merge", "merged", branch, number, sha),
              SECRET);
    };
  }

  private Delivery closedDelivery(Kind kind, String branch, long number) {
    return switch (kind) {
      case GITHUB ->
          Webhooks.github(
              "pull_request",
              Webhooks.githubPullRequest("closed", branch, number, false, null),
              SECRET);
      case GITEA ->
          Webhooks.gitea(
              "pull_request",
              Webhooks.giteaPullRequest("closed", branch, number, false, null),
              SECRET);
      case GITLAB ->
          Webhooks.gitlab(
              "Merge Request Hook",
              Webhooks.gitlabMergeRequest("close", "closed", branch, number, null),
              SECRET);
    };
  }

  private Delivery pushDelivery(Kind kind, String branch, String after) {
    return switch (kind) {
      case GITHUB -> Webhooks.github("push", Webhooks.githubPush(branch, after), SECRET);
      case GITEA -> Webhooks.gitea("push", Webhooks.giteaPush(branch, after), SECRET);
      case GITLAB -> Webhooks.gitlab("Push Hook", Webhooks.gitlabPush(branch, after), SECRET);
    };
  }

  private PullSnapshot pull(String head) {
    return scm.pulls().stream().filter(p -> p.head().equals(head)).findFirst().orElseThrow();
  }

  /** The first comment on the pull request of {@code head}, once the stand-in has one. */
  private String commentOn(String head) throws InterruptedException {
    String operation =
        switch (scm.kind()) {
          case GITHUB -> "issues/create-comment";
          case GITEA -> "issueCreateComment";
          // not in GitLab's published description: the stand-in checks it by hand
          case GITLAB -> "postApiV4ProjectsIdMergeRequestsNoteableIdNotes";
        };
    assertThat(scm.awaitRequest(operation, java.time.Duration.ofSeconds(60))).isTrue();
    List<String> comments = pull(head).comments();
    assertThat(comments).isNotEmpty();
    return comments.get(0);
  }

  private Promise<JsonObject> awaitEvent(String id, String type) {
    return events.of(id, type);
  }

  private HttpResponse<Buffer> deliver(Delivery delivery) throws Exception {
    HttpRequest<Buffer> request = api().request(HttpMethod.POST, "/webhooks/" + delivery.scm());
    delivery.headers().forEach(request::putHeader);
    return TestHttpClient.await(request.sendBuffer(Buffer.buffer(delivery.body())));
  }

  private HttpResponse<Buffer> put(String path, int replicas) throws Exception {
    String resource = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    String name = resource.substring(resource.lastIndexOf('/') + 1);
    return api()
        .put(
            path,
            Fixture.service("default", name, replicas, "tier", "frontend"),
            "application/json");
  }

  /** The HTTP API of the server under test. */
  private TestHttpClient api() {
    return TestHttpClient.loopback(client, config.port());
  }
}
