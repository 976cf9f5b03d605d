package io.cup.fetcher;

import static io.cup.git.GitTesting.gitConfig;
import static org.assertj.core.api.Assertions.assertThat;

import io.cup.bus.Addresses;
import io.cup.bus.HeadMoved;
import io.cup.bus.RepositoryStatus;
import io.cup.bus.SourceKind;
import io.cup.config.ServerConfig;
import io.cup.git.DirectorySource;
import io.cup.git.GitClone;
import io.cup.git.GitTesting;
import io.cup.metrics.Metrics;
import io.cup.testing.GitDaemon;
import io.cup.testing.TestRepos;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class FetcherVerticleTest {
  @TempDir Path served;
  @TempDir Path data;
  private GitDaemon daemon;
  private Path remote;
  private final List<GitClone> clones = new ArrayList<>();

  @BeforeEach
  void seed() {
    remote = TestRepos.createBare(served.resolve("flags.git"), Map.of("a.json", "{}\n"));
    daemon = GitDaemon.serve(served);
  }

  @AfterEach
  void cleanUp() {
    daemon.close();
    clones.forEach(GitClone::close);
  }

  /** A fetcher as the launcher makes it: of a clone this test owns, or of a local directory. */
  private Future<String> deploy(Vertx vertx, ServerConfig cfg) {
    FetcherVerticle fetcher;
    if ("local".equals(cfg.source())) {
      fetcher = new FetcherVerticle(DirectorySource.create(cfg));
    } else {
      GitClone clone = GitClone.create(cfg);
      clones.add(clone);
      fetcher = new FetcherVerticle(clone);
    }
    return vertx.deployVerticle(
        fetcher,
        new DeploymentOptions()
            .setThreadingModel(ThreadingModel.WORKER)
            .setConfig(new JsonObject().put("server", cfg.toJson())));
  }

  private static Future<RepositoryStatus> request(Vertx vertx, String address) {
    return vertx
        .eventBus()
        .<JsonObject>request(address, new JsonObject())
        .map(reply -> RepositoryStatus.fromJson(reply.body()));
  }

  /** Completes with the first {@link HeadMoved} published on cup.events.head. */
  private static Future<HeadMoved> nextHeadMoved(Vertx vertx) {
    Promise<HeadMoved> moved = Promise.promise();
    var consumer = vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS_HEAD.name());
    consumer.handler(
        message -> {
          consumer.unregister();
          moved.tryComplete(HeadMoved.fromJson(message.body()));
        });
    return consumer.completion().compose(v -> moved.future());
  }

  @Test
  void pollPicksUpAPushAndPublishesTheMovedHead(Vertx vertx, VertxTestContext ctx) {
    ServerConfig cfg = gitConfig(daemon.url("flags.git"), data, null, 200);
    ObjectId seed = TestRepos.ref(remote, "refs/heads/main");
    Promise<HeadMoved> sentToControllers = Promise.promise();
    vertx
        .eventBus()
        .<JsonObject>consumer(
            Addresses.CONTROLLER_CHANGES.name(),
            message -> {
              sentToControllers.tryComplete(HeadMoved.fromJson(message.body()));
              message.reply(new JsonObject().put("events", 1));
            });
    // Listening before the deployment: a start that moved nothing must publish nothing, so the
    // first event seen is the push's.
    Future<HeadMoved> published = nextHeadMoved(vertx);

    deploy(vertx, cfg)
        .compose(id -> request(vertx, Addresses.REPOSITORY_STATUS.name()))
        .compose(
            status -> {
              ctx.verify(
                  () -> {
                    assertThat(status.ready()).isTrue();
                    assertThat(status.head()).isEqualTo(seed.name());
                  });
              return vertx.executeBlocking(
                  () -> TestRepos.commit(remote, "main", Map.of("b.json", "{}\n")));
            })
        .compose(pushed -> Future.all(published, sentToControllers.future()).map(all -> pushed))
        .onComplete(
            ctx.succeeding(
                pushed ->
                    ctx.verify(
                        () -> {
                          HeadMoved moved = published.result();
                          assertThat(moved)
                              .isEqualTo(new HeadMoved("main", seed.name(), pushed.name()));
                          assertThat(sentToControllers.future().result()).isEqualTo(moved);
                          ctx.completeNow();
                        })));
  }

  @Test
  void aMoveOfSeveralCommitsReachesTheControllersStepByStepEvenWhenTheyListenLate(
      Vertx vertx, VertxTestContext ctx) {
    ServerConfig cfg = gitConfig(daemon.url("flags.git"), data, null, 3_600_000); // no poll here
    ObjectId seed = TestRepos.ref(remote, "refs/heads/main");
    List<ObjectId> pushed = new ArrayList<>();
    List<HeadMoved> received = new ArrayList<>();
    Promise<Void> three = Promise.promise();
    deploy(vertx, cfg)
        .compose(
            id ->
                vertx.executeBlocking(
                    () -> {
                      for (String file : List.of("b", "c", "d")) {
                        pushed.add(TestRepos.commit(remote, "main", Map.of(file, file)));
                      }
                      return null;
                    }))
        // the fetch announces the move before any controller worker listens (as at a start)
        .compose(v -> request(vertx, Addresses.REPOSITORY_FETCH.name()))
        .compose(
            status ->
                vertx
                    .eventBus()
                    .<JsonObject>consumer(
                        Addresses.CONTROLLER_CHANGES.name(),
                        message -> {
                          received.add(HeadMoved.fromJson(message.body()));
                          message.reply(new JsonObject().put("events", 0));
                          if (received.size() == 3) {
                            three.tryComplete();
                          }
                        })
                    .completion())
        .compose(v -> three.future())
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(received)
                              .containsExactly(
                                  new HeadMoved("main", seed.name(), pushed.get(0).name()),
                                  new HeadMoved("main", pushed.get(0).name(), pushed.get(1).name()),
                                  new HeadMoved(
                                      "main", pushed.get(1).name(), pushed.get(2).name()));
                          ctx.completeNow();
                        })));
  }

  @Test
  void fetchRepliesWithTheStatusAndCountsInTheMetrics(Vertx vertx, VertxTestContext ctx) {
    ServerConfig cfg = gitConfig(daemon.url("flags.git"), data);
    double okBefore = okCount();
    deploy(vertx, cfg)
        .compose(
            id -> vertx.executeBlocking(() -> TestRepos.commit(remote, "main", Map.of("c", "c"))))
        .compose(
            pushed ->
                request(vertx, Addresses.REPOSITORY_FETCH.name())
                    .onComplete(
                        ctx.succeeding(
                            status ->
                                ctx.verify(
                                    () -> {
                                      assertThat(status.ready()).isTrue();
                                      assertThat(status.source()).isEqualTo(SourceKind.GIT);
                                      assertThat(status.branch()).isEqualTo("main");
                                      assertThat(status.head()).isEqualTo(pushed.name());
                                      assertThat(status.lastFetch()).isPositive();
                                      assertThat(status.lastError()).isNull();
                                      assertThat(okCount()).isGreaterThanOrEqualTo(okBefore + 2);
                                      double age =
                                          Metrics.registry()
                                              .get("cup.fetch.age.seconds")
                                              .gauge()
                                              .value();
                                      assertThat(age).isBetween(0.0, 60.0);
                                      ctx.completeNow();
                                    }))));
  }

  @Test
  void aStoppedRemoteFailsTheFetchWith503UntilItComesBack(Vertx vertx, VertxTestContext ctx) {
    ServerConfig cfg = gitConfig(daemon.url("flags.git"), data);
    deploy(vertx, cfg)
        .compose(
            id ->
                vertx.executeBlocking(
                    () -> {
                      daemon.stop();
                      return null;
                    }))
        .compose(v -> request(vertx, Addresses.REPOSITORY_FETCH.name()))
        .transform(
            ar -> {
              ctx.verify(
                  () -> {
                    assertThat(ar.failed()).as("fetch with the remote down").isTrue();
                    assertThat(ar.cause()).isInstanceOf(ReplyException.class);
                    ReplyException failure = (ReplyException) ar.cause();
                    assertThat(failure.failureCode()).isEqualTo(503);
                    JsonObject status = new JsonObject(failure.getMessage());
                    assertThat(status.getString("kind")).isEqualTo("Status");
                    // the client hears that the remote is down, not where it is
                    assertThat(status.getString("message"))
                        .isEqualTo("cannot fetch from the Git remote; try again later")
                        .doesNotContain(daemon.url("flags.git"));
                    assertThat(status.getJsonObject("details").getLong("retryAfterSeconds"))
                        .isPositive();
                  });
              return request(vertx, Addresses.REPOSITORY_STATUS.name());
            })
        .compose(
            status -> {
              ctx.verify(
                  () -> {
                    assertThat(status.ready()).as("the old clone is still served").isTrue();
                    assertThat(status.lastError()).contains(daemon.url("flags.git"));
                  });
              return vertx.executeBlocking(
                  () -> {
                    daemon.start();
                    return TestRepos.commit(remote, "main", Map.of("d", "d"));
                  });
            })
        .compose(
            pushed ->
                request(vertx, Addresses.REPOSITORY_FETCH.name()).map(s -> Map.entry(pushed, s)))
        .onComplete(
            ctx.succeeding(
                result ->
                    ctx.verify(
                        () -> {
                          assertThat(result.getValue().lastError()).isNull();
                          assertThat(result.getValue().head()).isEqualTo(result.getKey().name());
                          ctx.completeNow();
                        })));
  }

  @Test
  void aRemoteDownAtStartIsNotReadyThenClonesAndAnnouncesTheFirstHead(
      Vertx vertx, VertxTestContext ctx) {
    ServerConfig cfg = gitConfig(daemon.url("flags.git"), data, null, 200);
    daemon.stop();
    ObjectId seed = TestRepos.ref(remote, "refs/heads/main");
    Future<HeadMoved> published = nextHeadMoved(vertx);

    deploy(vertx, cfg)
        .compose(id -> request(vertx, Addresses.REPOSITORY_STATUS.name()))
        .compose(
            status -> {
              ctx.verify(
                  () -> {
                    assertThat(status.ready()).isFalse();
                    assertThat(status.head()).isNull();
                    assertThat(status.lastError()).contains(daemon.url("flags.git"));
                  });
              return vertx.executeBlocking(() -> daemon.start());
            })
        .compose(started -> published)
        .onComplete(
            ctx.succeeding(
                moved ->
                    ctx.verify(
                        () -> {
                          assertThat(moved).isEqualTo(new HeadMoved("main", null, seed.name()));
                          ctx.completeNow();
                        })));
  }

  @Test
  void aLocalSourceIsReadyAtOnceAndHasNothingToFetch(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    Path dir = Files.createDirectories(data.resolve("served"));
    deploy(vertx, GitTesting.localConfig(dir, data))
        .compose(id -> request(vertx, Addresses.REPOSITORY_FETCH.name()))
        .onComplete(
            ctx.succeeding(
                status ->
                    ctx.verify(
                        () -> {
                          assertThat(status.ready()).isTrue();
                          assertThat(status.source()).isEqualTo(SourceKind.LOCAL);
                          assertThat(status.head()).isEqualTo("local");
                          assertThat(status.lastError()).isNull();
                          ctx.completeNow();
                        })));
  }

  private static double okCount() {
    var counter = Metrics.registry().find("cup.fetch.total").tag("result", "ok").counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void aMoveWaitsAsLongAsTheControllersMayRun() throws Exception {
    // the controller workers may run a request this long (verticles/controllers.json); the
    // fetcher sends the next move only once the previous one answered or ran out of this time, so
    // a shorter wait would let two moves overlap and their resource events leave order
    JsonObject controllers =
        new JsonObject(Files.readString(Path.of("verticles", "controllers.json")));
    long controllerLimitMillis = controllers.getLong("maxWorkerExecuteTimeSeconds") * 1000;
    assertThat(FetcherVerticle.DEFAULT_CHANGES_TIMEOUT_MILLIS)
        .isGreaterThanOrEqualTo(controllerLimitMillis);
  }
}
