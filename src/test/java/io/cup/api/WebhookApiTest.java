package io.cup.api;

import static io.cup.api.ApiFixture.HOST;
import static io.cup.testing.StatusAssert.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.cup.api.ApiFixture.Deployed;
import io.cup.bus.Addresses;
import io.cup.bus.RepositoryStatus;
import io.cup.bus.SourceKind;
import io.cup.config.ScmSettings;
import io.cup.status.StatusException;
import io.cup.testing.scm.Webhooks;
import io.cup.testing.scm.Webhooks.Delivery;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /webhooks/{scm}} against a deployed {@link ApiVerticle}, with stand-ins on the bus
 * for the fetcher ({@code cup.repository.status}, {@code cup.repository.fetch}) and the SCM
 * verticle ({@code cup.scm.pull-request}) that record every request they get.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class WebhookApiTest {
  private static final String SECRET = "correct horse battery staple";
  private static final String BEFORE = "9049f1265b7d61be4a8904a9a27120d2064dab3b";
  private static final String AFTER = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";
  private static final String MERGE = "e2fd1d4c9a5f3b0e6f0a2f6c1f4b8e1d1b7d9c3a";
  private static final String BRANCH = "cup/proposal/01jh7k2q9x";

  @TempDir Path dir;

  private Path secretFile;
  private Deployed api;
  private final List<JsonObject> fetches = new CopyOnWriteArrayList<>();
  private final List<JsonObject> pullRequests = new CopyOnWriteArrayList<>();
  private final AtomicBoolean fetchFails = new AtomicBoolean();
  private final AtomicBoolean fetchAnswered = new AtomicBoolean();
  private MessageConsumer<JsonObject> scmConsumer;

  /** The deliveries handled, shared by every API instance of the test as of a server's. */
  private final WebhookDeliveries deliveries = new RecentWebhookDeliveries();

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) throws Exception {
    assertThat(System.getenv(ScmSettings.WEBHOOK_SECRET_ENV))
        .as("these tests need %s unset", ScmSettings.WEBHOOK_SECRET_ENV)
        .isNull();
    Path config = Files.createDirectories(dir.resolve("config"));
    ApiFixture.writeConfiguration(config);
    secretFile = dir.resolve("webhook-secret");
    Files.writeString(secretFile, SECRET + "\n");
    vertx
        .eventBus()
        .<JsonObject>consumer(
            Addresses.REPOSITORY_STATUS.name(),
            m ->
                m.reply(
                    new RepositoryStatus(true, SourceKind.GIT, "main", BEFORE, 1L, null).toJson()));
    vertx.eventBus().<JsonObject>consumer(Addresses.REPOSITORY_FETCH.name(), this::fetch);
    scmConsumer = vertx.eventBus().consumer(Addresses.SCM_PULL_REQUEST.name(), this::pullRequest);
    deploy(vertx, config, new ScmSettings(null, null, null, secretFile.toString()))
        .onComplete(
            ctx.succeeding(
                deployed ->
                    ctx.verify(
                        () -> {
                          api = deployed;
                          ctx.completeNow();
                        })));
  }

  private Future<Deployed> deploy(Vertx vertx, Path config, ScmSettings scm) {
    return ApiFixture.deploy(
        vertx, config, new JsonObject().put("scm", scm.toJson()), new JsonObject(), deliveries);
  }

  private void fetch(Message<JsonObject> message) {
    fetches.add(message.body());
    if (fetchFails.get()) {
      StatusException.reply(
          message,
          StatusException.unavailable("cannot fetch git://127.0.0.1/config: refused", null));
      return;
    }
    fetchAnswered.set(true);
    message.reply(new RepositoryStatus(true, SourceKind.GIT, "main", AFTER, 2L, null).toJson());
  }

  private void pullRequest(Message<JsonObject> message) {
    pullRequests.add(message.body());
    message.reply(
        new JsonObject()
            .put("proposal", "01jh7k2q9x")
            .put("state", message.body().getString("state")));
  }

  // -- push ------------------------------------------------------------------------------------

  @Test
  void aSignedPushToTheTrackedBranchFetchesOnceAndAnswersWithTheNewHead(
      Vertx vertx, VertxTestContext ctx) {
    send(Webhooks.github("push", Webhooks.githubPush("main", AFTER), SECRET))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          JsonObject status = assertSuccess(r);
                          // answered after the fetch replied: the message names the head the fetch
                          // reported
                          assertThat(fetchAnswered).isTrue();
                          assertThat(status.getString("message"))
                              .isEqualTo("fetched: main is at " + AFTER);
                          assertThat(fetches).containsExactly(new JsonObject());
                          assertThat(pullRequests).isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  void giteaAndGitlabPushesFetchToo(VertxTestContext ctx) {
    send(Webhooks.gitea("push", Webhooks.giteaPush("main", AFTER), SECRET))
        .compose(
            gitea -> {
              ctx.verify(() -> assertSuccess(gitea));
              return send(Webhooks.gitlab("Push Hook", Webhooks.gitlabPush("main", AFTER), SECRET));
            })
        .onComplete(
            ctx.succeeding(
                gitlab ->
                    ctx.verify(
                        () -> {
                          assertSuccess(gitlab);
                          assertThat(fetches).hasSize(2);
                          ctx.completeNow();
                        })));
  }

  @Test
  void aPushToAnotherBranchIsIgnored(VertxTestContext ctx) {
    send(Webhooks.github("push", Webhooks.githubPush("feature/x", AFTER), SECRET))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(assertSuccess(r).getString("message"))
                              .isEqualTo("ignored: push to feature/x; Cup tracks main");
                          assertThat(fetches).isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  void aFailedFetchAnswersItsStatus(VertxTestContext ctx) {
    fetchFails.set(true);
    Delivery delivery = Webhooks.github("push", Webhooks.githubPush("main", AFTER), SECRET);
    send(delivery)
        .compose(
            first -> {
              ctx.verify(
                  () -> {
                    JsonObject status = assertStatus(first, 503, "ServiceUnavailable");
                    assertThat(status.getString("message")).contains("cannot fetch");
                  });
              // a failed delivery is not remembered: the SCM's redelivery is handled
              fetchFails.set(false);
              return send(delivery);
            })
        .onComplete(
            ctx.succeeding(
                again ->
                    ctx.verify(
                        () -> {
                          assertThat(assertSuccess(again).getString("message"))
                              .startsWith("fetched:");
                          assertThat(fetches).hasSize(2);
                          ctx.completeNow();
                        })));
  }

  @Test
  void aDuplicateDeliveryIsIgnored(VertxTestContext ctx) {
    Delivery delivery = Webhooks.github("push", Webhooks.githubPush("main", AFTER), SECRET);
    send(delivery)
        .compose(
            first -> {
              ctx.verify(() -> assertSuccess(first));
              return send(delivery);
            })
        .onComplete(
            ctx.succeeding(
                second ->
                    ctx.verify(
                        () -> {
                          assertThat(assertSuccess(second).getString("message"))
                              .isEqualTo(
                                  "duplicate delivery " + delivery.deliveryId() + " ignored");
                          assertThat(fetches).hasSize(1);
                          ctx.completeNow();
                        })));
  }

  @Test
  void theDuplicateCacheIsSharedByEveryApiInstance(Vertx vertx, VertxTestContext ctx) {
    Delivery delivery = Webhooks.gitea("push", Webhooks.giteaPush("main", AFTER), SECRET);
    send(delivery)
        .compose(first -> deploy(vertx, dir.resolve("config"), settings()))
        .compose(other -> send(other, delivery))
        .onComplete(
            ctx.succeeding(
                second ->
                    ctx.verify(
                        () -> {
                          assertThat(assertSuccess(second).getString("message"))
                              .startsWith("duplicate delivery");
                          assertThat(fetches).hasSize(1);
                          ctx.completeNow();
                        })));
  }

  // -- signatures ------------------------------------------------------------------------------

  @Test
  void aWronglySignedDeliveryIs401AndDoesNothing(VertxTestContext ctx) {
    Delivery good = Webhooks.github("push", Webhooks.githubPush("main", AFTER), SECRET);
    send(good.signedWith("not the secret"))
        .compose(
            github -> {
              ctx.verify(
                  () ->
                      assertThat(assertStatus(github, 401, "Unauthorized").getString("message"))
                          .contains("X-Hub-Signature-256")
                          .doesNotContain(SECRET));
              return send(
                  Webhooks.gitea("push", Webhooks.giteaPush("main", AFTER), SECRET)
                      .signedWith("not the secret"));
            })
        .compose(
            gitea -> {
              ctx.verify(() -> assertStatus(gitea, 401, "Unauthorized"));
              return send(
                  Webhooks.gitlab("Push Hook", Webhooks.gitlabPush("main", AFTER), SECRET)
                      .signedWith("not the secret"));
            })
        .compose(
            gitlab -> {
              ctx.verify(() -> assertStatus(gitlab, 401, "Unauthorized"));
              // the body changed after signing
              return send(
                  good.withBody(
                      Webhooks.githubPush("main", BEFORE)
                          .encode()
                          .getBytes(StandardCharsets.UTF_8)));
            })
        .onComplete(
            ctx.succeeding(
                tampered ->
                    ctx.verify(
                        () -> {
                          assertStatus(tampered, 401, "Unauthorized");
                          assertThat(fetches).isEmpty();
                          assertThat(pullRequests).isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  void aDeliveryWithoutSignatureIs401AndDoesNothing(VertxTestContext ctx) {
    send(Webhooks.github("push", Webhooks.githubPush("main", AFTER), SECRET)
            .withoutHeader("X-Hub-Signature-256"))
        .compose(
            github -> {
              ctx.verify(
                  () ->
                      assertThat(assertStatus(github, 401, "Unauthorized").getString("message"))
                          .contains("X-Hub-Signature-256 header is missing"));
              return send(
                  Webhooks.gitlab(
                          "Merge Request Hook",
                          Webhooks.gitlabMergeRequest("merge", "merged", BRANCH, 4, MERGE),
                          SECRET)
                      .withoutHeader("X-Gitlab-Token"));
            })
        .onComplete(
            ctx.succeeding(
                gitlab ->
                    ctx.verify(
                        () -> {
                          assertStatus(gitlab, 401, "Unauthorized");
                          assertThat(fetches).isEmpty();
                          assertThat(pullRequests).isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  void withoutAConfiguredSecretEveryDeliveryIs401(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, dir.resolve("config"), ScmSettings.NONE)
        .compose(
            unconfigured ->
                send(
                    unconfigured,
                    Webhooks.github("push", Webhooks.githubPush("main", AFTER), SECRET)))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          String message =
                              assertStatus(r, 401, "Unauthorized").getString("message");
                          assertThat(message)
                              .contains("webhooks need a secret")
                              .contains(ScmSettings.WEBHOOK_SECRET_ENV)
                              .contains("--api-webhook-secret-file");
                          assertThat(fetches).isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  void aRotatedSecretFileTakesEffectAtOnce(VertxTestContext ctx) throws Exception {
    Files.writeString(secretFile, "the new secret");
    send(Webhooks.github("push", Webhooks.githubPush("main", AFTER), SECRET))
        .compose(
            old -> {
              ctx.verify(() -> assertStatus(old, 401, "Unauthorized"));
              return send(
                  Webhooks.github("push", Webhooks.githubPush("main", AFTER), "the new secret"));
            })
        .onComplete(
            ctx.succeeding(
                rotated ->
                    ctx.verify(
                        () -> {
                          assertSuccess(rotated);
                          assertThat(fetches).hasSize(1);
                          ctx.completeNow();
                        })));
  }

  // -- bodies and paths ------------------------------------------------------------------------

  @Test
  void aBodyOverTwentyFiveMebibytesIs413AndDoesNothing(VertxTestContext ctx) {
    byte[] body = new byte[26 * 1024 * 1024];
    java.util.Arrays.fill(body, (byte) ' ');
    send(Webhooks.github("push", body, SECRET))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          JsonObject status = assertStatus(r, 413, "RequestEntityTooLarge");
                          assertThat(status.getString("message"))
                              .contains(String.valueOf(25 * 1024 * 1024));
                          assertThat(fetches).isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  void aBodyJustUnderTheLimitIsRead(VertxTestContext ctx) {
    // 24 MiB of whitespace after a real payload: still JSON, still signed, still handled
    byte[] payload = Webhooks.githubPush("main", AFTER).encode().getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[24 * 1024 * 1024];
    java.util.Arrays.fill(body, (byte) ' ');
    System.arraycopy(payload, 0, body, 0, payload.length);
    send(Webhooks.github("push", body, SECRET))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertSuccess(r);
                          assertThat(fetches).hasSize(1);
                          ctx.completeNow();
                        })));
  }

  @Test
  void aMalformedPayloadIs400AndDoesNothing(VertxTestContext ctx) {
    send(Webhooks.github(
            "push", "{\"ref\": \"refs/heads/main\",".getBytes(StandardCharsets.UTF_8), SECRET))
        .compose(
            notJson -> {
              ctx.verify(
                  () ->
                      assertThat(assertStatus(notJson, 400, "BadRequest").getString("message"))
                          .contains("the payload is not JSON"));
              JsonObject noBranch =
                  Webhooks.gitlabMergeRequest("merge", "merged", BRANCH, 4, MERGE);
              noBranch.getJsonObject("object_attributes").remove("source_branch");
              return send(Webhooks.gitlab("Merge Request Hook", noBranch, SECRET));
            })
        .onComplete(
            ctx.succeeding(
                noBranch ->
                    ctx.verify(
                        () -> {
                          assertThat(assertStatus(noBranch, 400, "BadRequest").getString("message"))
                              .contains("source_branch");
                          assertThat(fetches).isEmpty();
                          assertThat(pullRequests).isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  void anUnknownScmIs404AndOtherMethods405(VertxTestContext ctx) {
    Delivery delivery = Webhooks.github("push", Webhooks.githubPush("main", AFTER), SECRET);
    send(api, "/webhooks/bitbucket", delivery)
        .compose(
            unknown -> {
              ctx.verify(
                  () ->
                      assertThat(assertStatus(unknown, 404, "NotFound").getString("message"))
                          .contains("bitbucket"));
              return api.get("/webhooks/github").send();
            })
        .onComplete(
            ctx.succeeding(
                get ->
                    ctx.verify(
                        () -> {
                          assertStatus(get, 405, "MethodNotAllowed");
                          assertThat(get.getHeader("Allow")).isEqualTo("POST");
                          assertThat(fetches).isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  void aPingIsAnsweredAndIgnored(VertxTestContext ctx) {
    JsonObject ping = new JsonObject().put("zen", "Keep it logically awesome.").put("hook_id", 1);
    send(Webhooks.github("ping", ping, SECRET))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(assertSuccess(r).getString("message"))
                              .isEqualTo("ignored: github event \"ping\" is not used");
                          assertThat(fetches).isEmpty();
                          assertThat(pullRequests).isEmpty();
                          ctx.completeNow();
                        })));
  }

  // -- pull and merge requests -----------------------------------------------------------------

  @Test
  void aMergedPullRequestOfEachScmGoesToTheScmVerticle(VertxTestContext ctx) {
    send(Webhooks.github(
            "pull_request", Webhooks.githubPullRequest("closed", BRANCH, 7, true, MERGE), SECRET))
        .compose(
            github -> {
              ctx.verify(
                  () ->
                      assertThat(assertSuccess(github).getString("message"))
                          .isEqualTo("pull request #7 is merged: proposal 01jh7k2q9x is merged"));
              return send(
                  Webhooks.gitea(
                      "pull_request",
                      Webhooks.giteaPullRequest("closed", BRANCH, 12, true, MERGE),
                      SECRET));
            })
        .compose(
            gitea -> {
              ctx.verify(() -> assertSuccess(gitea));
              return send(
                  Webhooks.gitlab(
                      "Merge Request Hook",
                      Webhooks.gitlabMergeRequest("merge", "merged", BRANCH, 4, MERGE),
                      SECRET));
            })
        .onComplete(
            ctx.succeeding(
                gitlab ->
                    ctx.verify(
                        () -> {
                          assertThat(assertSuccess(gitlab).getString("message"))
                              .isEqualTo(
                                  "merge request #4 is merged: proposal 01jh7k2q9x is merged");
                          assertThat(pullRequests)
                              .containsExactly(
                                  pullRequest(
                                      "github",
                                      7,
                                      "merged",
                                      MERGE,
                                      "https://github.com/octo-org/config/pull/7"),
                                  pullRequest(
                                      "gitea",
                                      12,
                                      "merged",
                                      MERGE,
                                      "http://gitea.example/octo-org/config/pulls/12"),
                                  pullRequest(
                                      "gitlab",
                                      4,
                                      "merged",
                                      MERGE,
                                      "https://gitlab.example/octo-group/config/-/merge_requests/4"));
                          assertThat(pullRequests.get(0).getValue("number"))
                              .isInstanceOf(Long.class);
                          assertThat(fetches).isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  void aClosedPullRequestIsSentAsClosed(VertxTestContext ctx) {
    send(Webhooks.github(
            "pull_request", Webhooks.githubPullRequest("closed", BRANCH, 8, false, null), SECRET))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertSuccess(r);
                          assertThat(pullRequests)
                              .containsExactly(
                                  pullRequest(
                                      "github",
                                      8,
                                      "closed",
                                      null,
                                      "https://github.com/octo-org/config/pull/8"));
                          ctx.completeNow();
                        })));
  }

  @Test
  void aPullRequestOfAnotherBranchIsIgnored(VertxTestContext ctx) {
    send(Webhooks.github(
            "pull_request",
            Webhooks.githubPullRequest("closed", "feature/x", 9, true, MERGE),
            SECRET))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(assertSuccess(r).getString("message"))
                              .isEqualTo(
                                  "ignored: pull request #9 is from feature/x, not a Cup proposal branch");
                          assertThat(pullRequests).isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  void withoutAnScmVerticleAPullRequestIsIgnored(VertxTestContext ctx) {
    Delivery delivery =
        Webhooks.github(
            "pull_request", Webhooks.githubPullRequest("closed", BRANCH, 7, true, MERGE), SECRET);
    scmConsumer
        .unregister()
        .compose(v -> send(delivery))
        .compose(
            first -> {
              ctx.verify(
                  () ->
                      assertThat(assertSuccess(first).getString("message"))
                          .isEqualTo("ignored: no SCM is configured (--api-git-scm)"));
              // not remembered as handled: a redelivery once an SCM answers is not a duplicate
              return send(delivery);
            })
        .onComplete(
            ctx.succeeding(
                again ->
                    ctx.verify(
                        () -> {
                          assertThat(assertSuccess(again).getString("message"))
                              .startsWith("ignored: no SCM");
                          ctx.completeNow();
                        })));
  }

  @Test
  void anScmVerticleFailureAnswersItsStatus(Vertx vertx, VertxTestContext ctx) {
    scmConsumer
        .unregister()
        .compose(
            v ->
                vertx
                    .eventBus()
                    .<JsonObject>consumer(
                        Addresses.SCM_PULL_REQUEST.name(),
                        m ->
                            StatusException.reply(
                                m, StatusException.badGateway("GitHub answered 502", null)))
                    .completion())
        .compose(
            v ->
                send(
                    Webhooks.github(
                        "pull_request",
                        Webhooks.githubPullRequest("closed", BRANCH, 7, true, MERGE),
                        SECRET)))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(assertStatus(r, 502, "BadGateway").getString("message"))
                              .isEqualTo("GitHub answered 502");
                          ctx.completeNow();
                        })));
  }

  // -- helpers ---------------------------------------------------------------------------------

  private ScmSettings settings() {
    return new ScmSettings(null, null, null, secretFile.toString());
  }

  private static JsonObject pullRequest(
      String scm, long number, String state, String mergeCommit, String url) {
    return new JsonObject()
        .put("scm", scm)
        .put("branch", BRANCH)
        .put("number", number)
        .put("state", state)
        .put("mergeCommit", mergeCommit)
        .put("url", url);
  }

  private Future<HttpResponse<Buffer>> send(Delivery delivery) {
    return send(api, delivery);
  }

  private static Future<HttpResponse<Buffer>> send(Deployed to, Delivery delivery) {
    return send(to, "/webhooks/" + delivery.scm(), delivery);
  }

  private static Future<HttpResponse<Buffer>> send(Deployed to, String path, Delivery delivery) {
    HttpRequest<Buffer> request = to.client().post(to.port(), HOST, path);
    delivery.headers().forEach(request::putHeader);
    return request.sendBuffer(Buffer.buffer(delivery.body()));
  }

  private static JsonObject assertSuccess(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as("answer %s", response.bodyAsString()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
    JsonObject status = response.bodyAsJsonObject();
    assertThat(status.getString("kind")).isEqualTo("Status");
    assertThat(status.getString("apiVersion")).isEqualTo("v1");
    assertThat(status.getString("status")).isEqualTo("Success");
    assertThat(status.getInteger("code")).isEqualTo(200);
    return status;
  }
}
