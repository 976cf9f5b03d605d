package io.cup.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cup.config.ConfigurationException;
import io.cup.config.ServerConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VerticleDescriptorTest {
  private static final ServerConfig SERVER =
      ServerConfig.builder()
          .host("")
          .port(8181)
          .gitRepo("file:///srv/flags.git")
          .gitBranch("main")
          .resourcesDir(Path.of("/conf"))
          .dataDir(Path.of("/data"))
          .maxBodyBytes(1024)
          .build();

  @TempDir Path dir;

  @Test
  void workerDescriptorBecomesWorkerDeploymentOptions() {
    VerticleDescriptor fetcher =
        VerticleDescriptor.fromJson(
            new JsonObject(
                "{\"name\": \"fetcher\", \"class\": \"io.cup.fetcher.FetcherVerticle\","
                    + " \"order\": 1, \"instances\": 1, \"worker\": true,"
                    + " \"workerPoolName\": \"cup-git\", \"workerPoolSize\": 2,"
                    + " \"maxWorkerExecuteTimeSeconds\": 120, \"config\": {\"x\": 1}}"),
            "fetcher.json");

    DeploymentOptions options = fetcher.deploymentOptions(SERVER);

    assertThat(options.getThreadingModel()).isEqualTo(ThreadingModel.WORKER);
    assertThat(options.getInstances()).isEqualTo(1);
    assertThat(options.getWorkerPoolName()).isEqualTo("cup-git");
    assertThat(options.getWorkerPoolSize()).isEqualTo(2);
    assertThat(options.getMaxWorkerExecuteTime()).isEqualTo(120);
    assertThat(options.getMaxWorkerExecuteTimeUnit()).isEqualTo(TimeUnit.SECONDS);
    assertThat(options.getConfig())
        .isEqualTo(new JsonObject().put("x", 1).put("server", SERVER.toJson()));
    assertThat(fetcher.config()).isEqualTo(new JsonObject().put("x", 1));
  }

  @Test
  void eventLoopDescriptorKeepsVertxDefaults() {
    VerticleDescriptor api =
        VerticleDescriptor.fromJson(
            new JsonObject(
                "{\"name\": \"api\", \"class\": \"io.cup.api.ApiVerticle\", \"order\": 4}"),
            "api.json");

    DeploymentOptions options = api.deploymentOptions(SERVER);

    assertThat(options.getThreadingModel()).isEqualTo(ThreadingModel.EVENT_LOOP);
    assertThat(options.getInstances()).isEqualTo(1);
    assertThat(options.getWorkerPoolName()).isNull();
    assertThat(options.getConfig()).isEqualTo(new JsonObject().put("server", SERVER.toJson()));
  }

  @Test
  void coresMeansTheNumberOfProcessors() {
    VerticleDescriptor controllers =
        VerticleDescriptor.fromJson(
            new JsonObject(
                "{\"name\": \"c\", \"class\": \"C\", \"instances\": \"cores\","
                    + " \"workerPoolSize\": \"cores\", \"worker\": true}"),
            "c.json");

    assertThat(controllers.instances()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(controllers.workerPoolSize()).isEqualTo(Runtime.getRuntime().availableProcessors());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"class\": \"C\"}|x.json: name: required",
        "{\"name\": \"n\"}|x.json: class: required",
        "{\"name\": \"n\", \"class\": \"C\", \"instnces\": 2}|x.json: instnces: unknown field",
        "{\"name\": \"n\", \"class\": \"C\", \"instances\": 0}|x.json: instances: must be at least"
            + " 1",
        "{\"name\": \"n\", \"class\": \"C\", \"instances\": \"many\"}|x.json: instances: expected"
            + " an integer or \"cores\"",
        "{\"name\": \"n\", \"class\": \"C\", \"order\": 1.5}|x.json: order: expected an integer",
        "{\"name\": \"n\", \"class\": \"C\", \"worker\": \"yes\"}|x.json: worker: expected true or"
            + " false",
        "{\"name\": \"n\", \"class\": \"C\", \"config\": []}|x.json: config: expected an object",
        "{\"name\": \"n\", \"class\": \"C\", \"workerPoolSize\": -1}|x.json: workerPoolSize: must"
            + " not be negative",
      })
  void malformedDescriptorsNameTheFileAndField(String json, String message) {
    assertThatThrownBy(() -> VerticleDescriptor.fromJson(new JsonObject(json), "x.json"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void descriptorsAreSortedByOrderThenName() throws IOException {
    Files.writeString(dir.resolve("z.json"), "{\"name\": \"z\", \"class\": \"Z\", \"order\": 1}");
    Files.writeString(dir.resolve("b.json"), "{\"name\": \"b\", \"class\": \"B\", \"order\": 2}");
    Files.writeString(dir.resolve("a.json"), "{\"name\": \"a\", \"class\": \"A\", \"order\": 2}");
    Files.writeString(dir.resolve("last.json"), "{\"name\": \"last\", \"class\": \"L\"}");
    Files.writeString(dir.resolve("README.md"), "descriptors");

    assertThat(VerticleDescriptors.load(dir))
        .extracting(VerticleDescriptor::name)
        .containsExactly("z", "a", "b", "last");
  }

  @Test
  void duplicateNamesAreRefused() throws IOException {
    Files.writeString(dir.resolve("a.json"), "{\"name\": \"api\", \"class\": \"A\"}");
    Files.writeString(dir.resolve("b.json"), "{\"name\": \"api\", \"class\": \"B\"}");

    assertThatThrownBy(() -> VerticleDescriptors.load(dir))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            dir.resolve("b.json") + ": name: \"api\" is already used by " + dir.resolve("a.json"));
  }

  @Test
  void malformedJsonIsRefused() throws IOException {
    Files.writeString(dir.resolve("a.json"), "{\"name\": ");

    assertThatThrownBy(() -> VerticleDescriptors.load(dir))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith(dir.resolve("a.json") + ": not a JSON object: ");
  }

  @Test
  void aDirectoryWithoutDescriptorsIsRefused() {
    assertThatThrownBy(() -> VerticleDescriptors.load(dir))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(dir + ": no verticle descriptors (*.json)");
  }
}
