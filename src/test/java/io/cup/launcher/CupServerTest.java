package io.cup.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.cup.config.ConfigurationException;
import io.cup.config.Demo;
import io.cup.config.ServerConfig;
import io.cup.git.GitClone;
import io.cup.git.GitTesting;
import io.cup.testing.TestConfigs;
import io.cup.testing.TestRepos;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class CupServerTest {
  private static final String RECORDER = RecordingVerticle.class.getName();

  @TempDir Path dir;
  private Path verticles;
  private Path resources;
  private Path data;

  @BeforeEach
  void setUp() throws IOException, URISyntaxException {
    RecordingVerticle.JOURNAL.clear();
    RecordingVerticle.CONFIGS.clear();
    verticles = Files.createDirectories(dir.resolve("verticles"));
    resources = Files.createDirectories(dir.resolve("resources"));
    data = dir.resolve("data");
    Path fixture = Path.of(getClass().getResource("/config/template").toURI());
    try (Stream<Path> files = Files.list(fixture)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.copy(file, resources.resolve(file.getFileName()));
      }
    }
  }

  @Test
  void deploysInOrderWithEachDescriptorsOptionsAndConfig(VertxTestContext ctx) {
    descriptor("c", RECORDER, 3, "\"instances\": 2");
    descriptor("a", RECORDER, 1, "\"worker\": true, \"workerPoolName\": \"test-pool\"");
    descriptor("b", RECORDER, 2, "\"config\": {\"greeting\": \"hello\"}");
    ServerConfig config = config(false);

    CupServer.start(config, verticles)
        .onComplete(
            ctx.succeeding(
                server ->
                    ctx.verify(
                        () -> {
                          List<String> journal = RecordingVerticle.JOURNAL;
                          assertThat(journal).hasSize(4);
                          assertThat(journal.get(0)).startsWith("start a worker test-pool-");
                          assertThat(journal.get(1)).startsWith("start b event-loop ");
                          assertThat(journal.subList(2, 4))
                              .allSatisfy(
                                  line -> assertThat(line).startsWith("start c event-loop"));
                          JsonObject bConfig = RecordingVerticle.CONFIGS.get(1);
                          assertThat(bConfig.getString("greeting")).isEqualTo("hello");
                          assertThat(bConfig.getJsonObject("server")).isEqualTo(config.toJson());
                          assertThat(ServerConfig.of(bConfig)).isEqualTo(config);
                          assertThat(server.deploymentIds()).hasSize(3);
                          assertThat(server.descriptors())
                              .extracting(VerticleDescriptor::name)
                              .containsExactly("a", "b", "c");
                          assertThat(server.resources().served())
                              .containsOnlyKeys("test.cup.flipt.io/v1alpha1/resources");
                          server.close().onComplete(ctx.succeedingThenComplete());
                        })));
  }

  @Test
  void verticlesOfOneOrderStartTogetherAndTheNextOrderWaitsForAllOfThem(VertxTestContext ctx) {
    descriptor("a", RECORDER, 1, "");
    descriptor("b", RECORDER, 2, "\"config\": {\"startsAfter\": \"c\"}");
    descriptor("c", RECORDER, 2, "\"worker\": true");
    descriptor("d", RECORDER, 3, "");

    CupServer.start(config(false), verticles)
        .onComplete(
            ctx.succeeding(
                server ->
                    ctx.verify(
                        () -> {
                          List<String> journal = RecordingVerticle.JOURNAL;
                          assertThat(journal.get(0)).startsWith("start a ");
                          assertThat(journal.subList(1, 4))
                              .anySatisfy(line -> assertThat(line).startsWith("start b "))
                              .anySatisfy(line -> assertThat(line).startsWith("start c "))
                              .contains("started b");
                          assertThat(journal.get(4)).startsWith("start d ");
                          assertThat(server.descriptors())
                              .extracting(VerticleDescriptor::name)
                              .containsExactly("a", "b", "c", "d");
                          assertThat(server.deploymentIds()).hasSize(4);
                          server.close().onComplete(ctx.succeedingThenComplete());
                        })));
  }

  @Test
  void aFailureInOneOrderTakesDownTheOthersOfThatOrderToo(VertxTestContext ctx) {
    descriptor("a", RECORDER, 1, "");
    descriptor("b", RECORDER, 2, "\"config\": {\"failStart\": true}");
    descriptor("c", RECORDER, 2, "\"config\": {\"startsAfter\": \"b\"}");
    descriptor("d", RECORDER, 3, "");

    CupServer.start(config(false), verticles)
        .onComplete(
            ctx.failing(
                failure ->
                    ctx.verify(
                        () -> {
                          assertThat(failure)
                              .isInstanceOf(DeploymentException.class)
                              .hasMessageStartingWith("verticle \"b\" (" + RECORDER + ", ")
                              .hasMessageEndingWith("failed to start: boom in b");
                          assertThat(RecordingVerticle.JOURNAL)
                              .noneMatch(line -> line.startsWith("start d"))
                              .contains("started c", "stop c", "stop a");
                          ctx.completeNow();
                        })));
  }

  @Test
  void whenSeveralPreparationStepsFailTheConfigurationIsNamedFirst(VertxTestContext ctx)
      throws IOException {
    Files.writeString(verticles.resolve("broken.json"), "[]");
    Files.delete(resources.resolve("binding.json"));

    failsOnTheMissingBindingBeforeAnythingIsDeployed(ctx);
  }

  @Test
  void aBrokenDescriptorFailsTheStartWhateverElseWasPreparedBesideIt(VertxTestContext ctx)
      throws IOException {
    descriptor("first", RECORDER, 1, "");
    Files.writeString(verticles.resolve("broken.json"), "[]");
    Path remote = TestRepos.createBare(dir.resolve("remote.git"), Map.of("a.txt", "a"));
    ServerConfig withResources =
        TestConfigs.git(GitTesting.fileUrl(remote), data).resourcesDir(resources).build();
    // a clone from an earlier run, which the start opens while it reads the descriptors
    GitClone earlier = GitClone.create(withResources);
    earlier.cloneOrOpen();
    earlier.close();

    CupServer.start(withResources, verticles)
        .onComplete(
            ctx.failing(
                failure ->
                    ctx.verify(
                        () -> {
                          assertThat(failure)
                              .isInstanceOf(ConfigurationException.class)
                              .hasMessageStartingWith(
                                  verticles.resolve("broken.json") + ": not a JSON object");
                          assertThat(RecordingVerticle.JOURNAL).isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  void closeWaitsForEveryVerticlesStop(VertxTestContext ctx) {
    descriptor("fetcher", RECORDER, 1, "\"config\": {\"stopDelayMillis\": 300}");
    descriptor("api", RECORDER, 2, "");

    CupServer.start(config(false), verticles)
        .compose(server -> server.close().map(server))
        .onComplete(
            ctx.succeeding(
                server ->
                    ctx.verify(
                        () -> {
                          assertThat(RecordingVerticle.JOURNAL)
                              .contains("stop fetcher after 300ms", "stop api");
                          assertThat(server.onClose().succeeded()).isTrue();
                          ctx.completeNow();
                        })));
  }

  @Test
  void aVerticleThatFailsToStartFailsTheStartAndTakesDownTheOthers(VertxTestContext ctx) {
    descriptor("first", RECORDER, 1, "");
    descriptor("second", RECORDER, 2, "\"config\": {\"failStart\": true}");
    descriptor("third", RECORDER, 3, "");

    CupServer.start(config(false), verticles)
        .onComplete(
            ctx.failing(
                failure ->
                    ctx.verify(
                        () -> {
                          assertThat(failure).isInstanceOf(DeploymentException.class);
                          assertThat(failure.getMessage())
                              .startsWith("verticle \"second\" (" + RECORDER + ", ")
                              .endsWith("failed to start: boom in second");
                          assertThat(RecordingVerticle.JOURNAL)
                              .noneMatch(line -> line.startsWith("start third"))
                              .contains("stop first");
                          ctx.completeNow();
                        })));
  }

  @Test
  void aMissingVerticleClassIsNamed(VertxTestContext ctx) {
    descriptor("fetcher", "io.cup.nowhere.MissingVerticle", 1, "");

    CupServer.start(config(false), verticles)
        .onComplete(
            ctx.failing(
                failure ->
                    ctx.verify(
                        () -> {
                          assertThat(failure)
                              .isInstanceOf(DeploymentException.class)
                              .hasMessageEndingWith(
                                  "failed to start: class io.cup.nowhere.MissingVerticle not"
                                      + " found");
                          ctx.completeNow();
                        })));
  }

  @Test
  void aBrokenResourceConfigurationFailsBeforeAnythingIsDeployed(VertxTestContext ctx)
      throws IOException {
    descriptor("first", RECORDER, 1, "");
    Files.delete(resources.resolve("binding.json"));

    failsOnTheMissingBindingBeforeAnythingIsDeployed(ctx);
  }

  @Test
  void theDemoIsCreatedBeforeTheVerticlesStart(VertxTestContext ctx) {
    descriptor("fetcher", RECORDER, 1, "");
    ServerConfig demo =
        TestConfigs.demo(data)
            .gitRepo(Demo.originUrl(data))
            .resourcesDir(Demo.resources(data))
            .pollInterval(Duration.ofSeconds(1))
            .author("Cup", "cup@localhost")
            .maxBodyBytes(1024)
            .build();

    CupServer.start(demo, verticles)
        .onComplete(
            ctx.succeeding(
                server ->
                    ctx.verify(
                        () -> {
                          assertThat(Demo.origin(data).resolve("HEAD")).exists();
                          assertThat(server.resources().served())
                              .containsOnlyKeys(
                                  "flipt.io/v1alpha1/flags", "flipt.io/v1alpha1/segments");
                          server.close().onComplete(ctx.succeedingThenComplete());
                        })));
  }

  @Test
  void onASharedVertxCloseUndeploysOnlyWhatItDeployed(Vertx vertx, VertxTestContext ctx) {
    descriptor("a", RECORDER, 1, "");
    descriptor("b", RECORDER, 2, "");

    CupServer.start(vertx, config(false), verticles)
        .compose(server -> server.close().map(server))
        .onComplete(
            ctx.succeeding(
                server ->
                    ctx.verify(
                        () -> {
                          assertThat(RecordingVerticle.JOURNAL).endsWith("stop b", "stop a");
                          assertThat(vertx.deploymentIDs()).isEmpty();
                          assertThat(server.vertx()).isSameAs(vertx);
                          // The shared instance is still open: its timers still fire.
                          vertx.setTimer(1, id -> ctx.completeNow());
                        })));
  }

  @Test
  void packagedDescriptorsAreTheRepositorysVerticlesDirectory() {
    List<VerticleDescriptor> packaged = VerticleDescriptors.load(null);
    List<VerticleDescriptor> repository = VerticleDescriptors.load(Path.of("verticles"));

    assertThat(packaged)
        .extracting(VerticleDescriptor::name)
        .containsExactly(
            "fetcher",
            "controllers",
            "controllers-write",
            "controller-images",
            "publisher",
            "reconciler",
            "api");
    assertThat(packaged)
        .extracting(VerticleDescriptor::className)
        .containsExactly(
            "io.cup.fetcher.FetcherVerticle",
            "io.cup.controllers.ControllerVerticle",
            "io.cup.controllers.ControllerVerticle",
            "io.cup.controllers.ControllerImagesVerticle",
            "io.cup.proposals.PublisherVerticle",
            "io.cup.proposals.ReconcilerVerticle",
            "io.cup.api.ApiVerticle");
    assertThat(packaged)
        .usingRecursiveFieldByFieldElementComparatorIgnoringFields("file")
        .isEqualTo(repository);
    VerticleDescriptor fetcher = packaged.get(0);
    assertThat(fetcher.worker()).isTrue();
    assertThat(fetcher.instances()).isEqualTo(1);
    assertThat(fetcher.workerPoolName()).isEqualTo("cup-git");
    VerticleDescriptor controllers = packaged.get(1);
    assertThat(controllers.instances()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(controllers.workerPoolName()).isEqualTo("cup-controllers-read");
    assertThat(controllers.config().getString("serves")).isEqualTo("read");
    VerticleDescriptor writes = packaged.get(2);
    assertThat(writes.workerPoolName()).isEqualTo("cup-controllers-write");
    assertThat(writes.config().getString("serves")).isEqualTo("write");
    VerticleDescriptor images = packaged.get(3);
    assertThat(images.worker()).isFalse();
    assertThat(images.instances()).isEqualTo(1);
    VerticleDescriptor publisher = packaged.get(4);
    assertThat(publisher.instances()).isEqualTo(2);
    assertThat(publisher.workerPoolName()).isEqualTo("cup-publisher");
    VerticleDescriptor api = packaged.get(6);
    assertThat(api.worker()).isFalse();
    assertThat(api.instances()).isEqualTo(2);
  }

  // ------------------------------------------------------------------ helpers

  private ServerConfig config(boolean demo) {
    return TestConfigs.local(dir, data)
        .resourcesDir(resources)
        .pollInterval(Duration.ofSeconds(1))
        .author("Cup", "cup@localhost")
        .demo(demo)
        .maxBodyBytes(1024)
        .build();
  }

  private void descriptor(String name, String className, int order, String extra) {
    String json =
        "{\"name\": \""
            + name
            + "\", \"class\": \""
            + className
            + "\", \"order\": "
            + order
            + (extra.isEmpty() ? "" : ", " + extra)
            + "}";
    JsonObject descriptor = new JsonObject(json);
    JsonObject config = descriptor.getJsonObject("config", new JsonObject());
    descriptor.put("config", config.put("record", name));
    try {
      Files.writeString(verticles.resolve(name + ".json"), descriptor.encodePrettily());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The start fails on the resource configuration without bindings, and nothing was deployed. */
  private void failsOnTheMissingBindingBeforeAnythingIsDeployed(VertxTestContext ctx) {
    CupServer.start(config(false), verticles)
        .onComplete(
            ctx.failing(
                failure ->
                    ctx.verify(
                        () -> {
                          assertThat(failure)
                              .isInstanceOf(ConfigurationException.class)
                              .hasMessage(resources + ": no bindings: nothing to serve");
                          assertThat(RecordingVerticle.JOURNAL).isEmpty();
                          ctx.completeNow();
                        })));
  }
}
