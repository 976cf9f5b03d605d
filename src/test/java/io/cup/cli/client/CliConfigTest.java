package io.cup.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cup config} contexts in a temporary {@code XDG_CONFIG_HOME}, the original's {@code
 * config.json}, {@code -c} and {@code CUP_CONFIG}, what overrides what (checked by talking to a
 * real server), and completion script generation.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CliConfigTest {
  @TempDir Path tmp;
  private CliServer server;
  private Map<String, String> env;
  private Cup cup;
  private Path xdg;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    server = new CliServer(vertx, tmp, 500);
    env = CliServer.environment(tmp);
    xdg = Path.of(env.get("XDG_CONFIG_HOME"));
    cup = new Cup(env, tmp);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void contextsAreKeptInXdgConfigHomeAndChooseServerNamespaceAndToken() throws IOException {
    Cup.Result set =
        cup.run(
            "config",
            "set-context",
            "staging",
            "--address",
            server.address,
            "--namespace",
            "staging",
            "--token",
            "s3cret");
    assertThat(set.exitCode()).as(set.toString()).isZero();
    assertThat(set.out()).contains("Context \"staging\" created.");
    Path file = xdg.resolve("cup/config.yaml");
    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    JsonNode saved = new YAMLMapper().readTree(file.toFile());
    assertThat(saved.path("contexts").path("staging").path("address").asText())
        .isEqualTo(server.address);
    assertThat(saved.path("current_context").asText()).isEqualTo("default");

    assertThat(cup.run("config", "use-context", "staging").exitCode()).isZero();
    assertThat(cup.run("config", "current-context").out()).isEqualTo("staging\n");
    assertThat(cup.run("config", "get-contexts").out())
        .containsPattern("(?m)^CURRENT +NAME +ADDRESS +NAMESPACE +AUTH$")
        .containsPattern("(?m)^\\* +staging +" + server.address + " +staging +token$")
        .containsPattern("(?m)^ +default +http://localhost:8181 +default +<none>$");
    assertThat(cup.run("config", "view").out())
        .contains("token: REDACTED")
        .doesNotContain("s3cret");
    assertThat(cup.run("config", "view", "--raw").out()).contains("token: s3cret");

    // the context's server and namespace; its token sent (and never shown)
    Cup.Result staging = cup.run("get", "services", "-o", "name", "--verbose");
    assertThat(staging.exitCode()).as(staging.toString()).isZero();
    assertThat(staging.out()).isEqualTo("service.apps.cup.io/web\n");
    assertThat(staging.err())
        .contains("/namespaces/staging/services")
        .contains("Authorization: Bearer <redacted>")
        .doesNotContain("s3cret");

    // -n overrides the context's namespace, -a its address, --context picks another
    assertThat(cup.run("-n", "default", "get", "services", "-o", "name").out())
        .isEqualTo("service.apps.cup.io/api\nservice.apps.cup.io/web\n");
    int closed = CliServer.freePort();
    Cup.Result elsewhere = cup.run("-a", "http://127.0.0.1:" + closed, "get", "services");
    assertThat(elsewhere.err()).contains("http://127.0.0.1:" + closed);
    assertThat(
            cup.run("config", "set-context", "off", "--address", "127.0.0.1:" + closed).exitCode())
        .isZero();
    Cup.Result other = cup.run("--context", "off", "get", "services");
    assertThat(other.exitCode()).isEqualTo(1);
    assertThat(other.err()).contains("http://127.0.0.1:" + closed);
    Cup.Result unknown = cup.run("--context", "nope", "get", "services");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).contains("context \"nope\" is not in " + file);

    assertThat(cup.run("config", "delete-context", "off").exitCode()).isZero();
    assertThat(cup.run("config", "get-contexts", "-o", "name").out())
        .isEqualTo("default\nstaging\n");
  }

  @Test
  void theOriginalsConfigJsonIsReadAndItsCommandsWork() throws IOException {
    Path original = Files.createDirectories(xdg.resolve("cup")).resolve("config.json");
    Files.writeString(
        original,
        "{\"current_context\":\"local\",\"contexts\":{\"local\":{\"address\":\""
            + server.address
            + "\",\"namespace\":\"staging\"}}}\n");

    Cup.Result listed = cup.run("config", "context");
    assertThat(listed.exitCode()).as(listed.toString()).isZero();
    assertThat(listed.out())
        .containsPattern("(?m)^NAME +ADDRESS +NAMESPACE +CURRENT$")
        .containsPattern("(?m)^local +" + server.address + " +staging +\\*$");
    assertThat(cup.run("get", "services", "-o", "name").out())
        .isEqualTo("service.apps.cup.io/web\n");

    Cup.Result set = cup.run("c", "ctx", "set", "namespace=default");
    assertThat(set.exitCode()).as(set.toString()).isZero();
    JsonNode rewritten = new ObjectMapper().readTree(original.toFile());
    assertThat(rewritten.path("contexts").path("local").path("namespace").asText())
        .isEqualTo("default");
    assertThat(xdg.resolve("cup/config.yaml")).doesNotExist();
    assertThat(cup.run("get", "services", "-o", "name").out())
        .isEqualTo("service.apps.cup.io/api\nservice.apps.cup.io/web\n");

    Cup.Result bad = cup.run("config", "context", "set", "colour=blue");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("unknown config key: \"colour\"");
  }

  @Test
  void aConfigFileNamedByFlagOrEnvironment() throws IOException {
    Path file = tmp.resolve("elsewhere.yaml");
    Files.writeString(
        file,
        "current_context: s\ncontexts:\n  s:\n    address: "
            + server.address
            + "\n    namespace: staging\n");

    assertThat(cup.run("-c", file.toString(), "get", "services", "-o", "name").out())
        .isEqualTo("service.apps.cup.io/web\n");
    env.put("CUP_CONFIG", file.toString());
    assertThat(cup.run("get", "services", "-o", "name").out())
        .isEqualTo("service.apps.cup.io/web\n");

    Files.writeString(file, "contexts:\n  s:\n    adress: x\n");
    Cup.Result broken = cup.run("get", "services");
    assertThat(broken.exitCode()).isEqualTo(1);
    assertThat(broken.err()).contains(file + ": contexts.s.adress: unknown key");
  }

  @Test
  void completionScriptForBash() {
    Cup.Result bash = cup.run("completion", "bash");

    assertThat(bash.exitCode()).as(bash.toString()).isZero();
    assertThat(bash.out())
        .contains("complete -F")
        .contains("cup")
        .contains("definitions")
        .contains("proposals")
        .contains("set-context")
        .contains("--selector");
    assertThat(cup.run("completion").out()).isEqualTo(bash.out());
    assertThat(cup.run("completion", "fish").exitCode()).isEqualTo(2);
  }
}
