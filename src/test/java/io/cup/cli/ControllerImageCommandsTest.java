package io.cup.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.cup.Main;
import io.cup.testing.FliptFixtures;
import io.cup.testing.OciRegistry;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cup controller push}, {@code inspect} and {@code test REFERENCE} against a real {@code
 * docker-registry} process; {@code skopeo} (an independent OCI client) reads what {@code push}
 * wrote.
 */
class ControllerImageCommandsTest {
  private static final Path FLIPT = Path.of("controllers/flipt/flipt.wasm").toAbsolutePath();

  @TempDir Path tmp;
  private OciRegistry registry;
  private ByteArrayOutputStream out;
  private ByteArrayOutputStream err;

  @BeforeEach
  void start() {
    out = new ByteArrayOutputStream();
    err = new ByteArrayOutputStream();
  }

  @AfterEach
  void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  private int main(String... args) {
    out.reset();
    err.reset();
    return Main.run(
        args, Map.of(), tmp, new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
  }

  private String stdout() {
    return out.toString(UTF_8);
  }

  private String stderr() {
    return err.toString(UTF_8);
  }

  private static String skopeo(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("skopeo"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }

  @Test
  void pushPrintsTheDigestOfAStandardWasmArtifactThatInspectAndTestRead() throws Exception {
    registry = OciRegistry.anonymous(tmp.resolve("registry"));
    String ref = registry.host() + "/controllers/flipt:1.0";
    Path config = tmp.resolve("none.json");

    int pushed =
        main(
            "controller",
            "push",
            FLIPT.toString(),
            ref,
            "--plain-http",
            "--annotation",
            "org.opencontainers.image.source=https://example.com/flipt",
            "--registry-config",
            config.toString());
    assertThat(pushed).as(stderr()).isZero();
    String digest = stdout().strip();
    assertThat(digest).matches("sha256:[0-9a-f]{64}");
    assertThat(stderr()).contains("pushed " + ref + "@" + digest);

    String raw = skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + ref);
    JsonObject manifest = new JsonObject(raw);
    assertThat(manifest.getString("mediaType"))
        .isEqualTo("application/vnd.oci.image.manifest.v1+json");
    assertThat(manifest.getJsonObject("config").getString("mediaType"))
        .isEqualTo("application/vnd.wasm.config.v0+json");
    assertThat(manifest.getJsonArray("layers")).hasSize(1);
    assertThat(manifest.getJsonArray("layers").getJsonObject(0).getString("mediaType"))
        .isEqualTo("application/wasm");
    String config0 =
        skopeo("inspect", "--raw", "--config", "--tls-verify=false", "docker://" + ref);
    JsonObject wasmConfig = new JsonObject(config0);
    assertThat(wasmConfig.getString("architecture")).isEqualTo("wasm");
    assertThat(wasmConfig.getString("os")).isEqualTo("wasip1");
    // skopeo copies the artifact out as an OCI layout, byte for byte
    Path layout = tmp.resolve("layout");
    skopeo("copy", "--src-tls-verify=false", "docker://" + ref, "oci:" + layout + ":copy");
    String layer = manifest.getJsonArray("layers").getJsonObject(0).getString("digest");
    assertThat(Files.readAllBytes(layout.resolve("blobs/sha256").resolve(layer.substring(7))))
        .isEqualTo(Files.readAllBytes(FLIPT));

    assertThat(
            main(
                "controller",
                "inspect",
                ref,
                "--plain-http",
                "--registry-config",
                config.toString()))
        .as(stderr())
        .isZero();
    JsonObject inspected = new JsonObject(stdout());
    assertThat(inspected.getString("digest")).isEqualTo(digest);
    assertThat(inspected.getBoolean("controller")).isTrue();
    assertThat(inspected.getJsonObject("module").getString("digest")).isEqualTo(layer);
    assertThat(inspected.getJsonObject("config").getString("os")).isEqualTo("wasip1");
    assertThat(
            inspected
                .getJsonObject("manifest")
                .getJsonObject("annotations")
                .getString("org.opencontainers.image.source"))
        .isEqualTo("https://example.com/flipt");

    Path data = tmp.resolve("repository");
    for (Map.Entry<String, String> file :
        FliptFixtures.files(FliptFixtures.REPOSITORY).entrySet()) {
      Path target = data.resolve(file.getKey());
      Files.createDirectories(target.getParent());
      Files.writeString(target, file.getValue(), UTF_8);
    }
    int tested =
        main(
            "controller",
            "test",
            registry.host() + "/controllers/flipt@" + digest,
            "get",
            "Flag",
            "default",
            "dark-mode",
            "--repo",
            data.toString(),
            "--plain-http",
            "--registry-config",
            config.toString());
    assertThat(tested).as(stderr()).isZero();
    assertThat(stdout())
        .contains("module:    " + registry.host() + "/controllers/flipt@" + digest)
        .contains("argv:      flipt get Flag default dark-mode")
        .contains("\"name\": \"dark-mode\"");
  }

  @Test
  void pushWithALoginFromTheDockerConfigAndWithoutOne() throws Exception {
    registry = OciRegistry.withLogin(tmp.resolve("registry"), "ci", "pa55-word");
    String ref = registry.host() + "/controllers/flipt:1.0";
    Path none = tmp.resolve("none.json");
    assertThat(
            main(
                "controller",
                "push",
                FLIPT.toString(),
                ref,
                "--plain-http",
                "--registry-config",
                none.toString()))
        .isEqualTo(1);
    assertThat(stderr()).contains("cup controller push: ").contains("no login configured");

    Path docker = tmp.resolve("config.json");
    Files.writeString(
        docker,
        new JsonObject()
            .put(
                "auths",
                new JsonObject()
                    .put(
                        "http://" + registry.host() + "/v1/",
                        new JsonObject()
                            .put(
                                "auth",
                                Base64.getEncoder()
                                    .encodeToString("ci:pa55-word".getBytes(UTF_8)))))
            .encode());
    assertThat(
            main(
                "controller",
                "push",
                FLIPT.toString(),
                ref,
                "--plain-http",
                "--registry-config",
                docker.toString()))
        .as(stderr())
        .isZero();
    assertThat(stderr()).doesNotContain("pa55-word");
    assertThat(stdout().strip()).matches("sha256:[0-9a-f]{64}");
  }

  @Test
  void usageErrorsExitTwo() throws Exception {
    Files.writeString(tmp.resolve("notes.txt"), "not a module", UTF_8);
    assertThat(main("controller", "push", FLIPT.toString(), "no-registry:1.0")).isEqualTo(2);
    assertThat(stderr()).contains("does not name a registry");
    assertThat(
            main(
                "controller",
                "push",
                FLIPT.toString(),
                "localhost:5000/a@sha256:" + "0".repeat(64)))
        .isEqualTo(2);
    assertThat(stderr()).contains("push to a tag");
    assertThat(main("controller", "push", "notes.txt", "localhost:5000/a:1")).isEqualTo(2);
    assertThat(stderr()).contains("is not a WebAssembly module");
  }
}
