package io.cup.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerConfigTest {
  private static final Path DATA = Path.of("/var/cup");

  /** Every field set, so that the JSON form below covers them all. */
  private static ServerConfig everything() {
    return ServerConfig.builder()
        .host("127.0.0.1")
        .port(9090)
        .gitRepo("https://git.example/platform/flags.git")
        .gitScm("gitlab")
        .gitBranch("refs/heads/release")
        .pollInterval(Duration.ofSeconds(5))
        .resourcesDir(Path.of("/etc/cup/resources"))
        .dataDir(DATA)
        .author("Bot", "bot@example.test")
        .gitTokenFile(Path.of("/run/git-token"))
        .gitSshKeyFile(Path.of("/run/ssh-key"))
        .maxBodyBytes(2048)
        .watchBookmarkInterval(Duration.ofSeconds(20))
        .scm(new ScmSettings("https://gitlab.example", "platform/flags", "/run/scm", "/run/hook"))
        .access(
            new AccessSettings(
                "/tls/crt",
                "/tls/key",
                "/tokens.csv",
                "https://issuer.example",
                "cup",
                "email",
                "roles",
                "/oidc-ca",
                "/client-ca",
                true,
                AccessSettings.RBAC,
                "-",
                "example.test",
                "cup-ui"))
        .maxResourceBytes(4096)
        .http(
            new HttpSettings(
                90_000,
                15_000,
                7,
                1024,
                "https://cup.example/api/",
                List.of("cup.internal"),
                List.of("https://ui.example")))
        .proposalRetention(Duration.ofHours(720))
        .wasmMaxBodyBytes(512)
        .bridges(new BridgeSettings("127.0.0.1", 7000, false, List.of("orders.notify")))
        .build();
  }

  @Test
  void theJsonFormIsTheDeploymentConfigByteForByte() {
    String expected =
        "{\"host\":\"127.0.0.1\",\"port\":9090,\"source\":\"git\","
            + "\"gitRepo\":\"https://git.example/platform/flags.git\",\"gitScm\":\"gitlab\","
            + "\"gitBranch\":\"release\",\"pollIntervalMillis\":5000,\"localPath\":null,"
            + "\"resourcesDir\":\"/etc/cup/resources\",\"dataDir\":\"/var/cup\","
            + "\"authorName\":\"Bot\",\"authorEmail\":\"bot@example.test\","
            + "\"gitTokenFile\":\"/run/git-token\",\"gitSshKeyFile\":\"/run/ssh-key\","
            + "\"demo\":false,\"maxBodyBytes\":2048,\"watchBookmarkMillis\":20000,"
            + "\"scm\":{\"url\":\"https://gitlab.example\",\"repo\":\"platform/flags\","
            + "\"tokenFile\":\"/run/scm\",\"webhookSecretFile\":\"/run/hook\"},"
            + "\"access\":{\"tlsCertFile\":\"/tls/crt\",\"tlsKeyFile\":\"/tls/key\","
            + "\"tokenAuthFile\":\"/tokens.csv\",\"oidcIssuerUrl\":\"https://issuer.example\","
            + "\"oidcClientId\":\"cup\",\"oidcUsernameClaim\":\"email\","
            + "\"oidcGroupsClaim\":\"roles\",\"oidcCaFile\":\"/oidc-ca\","
            + "\"clientCaFile\":\"/client-ca\",\"anonymousAuth\":true,"
            + "\"authorizationMode\":\"RBAC\",\"auditLogPath\":\"-\","
            + "\"emailDomain\":\"example.test\",\"oidcUiClientId\":\"cup-ui\"},\"maxResourceBytes\":4096,"
            + "\"http\":{\"idleTimeoutMillis\":90000,\"requestTimeoutMillis\":15000,"
            + "\"maxConnections\":7,\"bodySpoolBytes\":1024,"
            + "\"publicUrl\":\"https://cup.example/api\",\"allowedHosts\":[\"cup.internal\"],"
            + "\"corsAllowedOrigins\":[\"https://ui.example\"]},"
            + "\"proposalRetentionMillis\":2592000000,\"wasmMaxBodyBytes\":512,"
            + "\"bridges\":{\"tcpHost\":\"127.0.0.1\",\"tcpPort\":7000,\"sockJs\":false,"
            + "\"inbound\":[\"orders.notify\"]},"
            + "\"cluster\":{\"enabled\":false,\"host\":null,\"port\":5701,\"members\":[],"
            + "\"kubernetesServiceDns\":null,\"name\":\"cup\",\"busPort\":0,"
            + "\"busPublicHost\":null},"
            + "\"registries\":{\"registryConfig\":null,\"insecure\":[],\"allowed\":[],"
            + "\"refreshMillis\":0,\"maxModuleBytes\":67108864,\"timeoutMillis\":30000}}";

    ServerConfig config = everything();

    assertThat(config.toJson().encode()).isEqualTo(expected);
    assertThat(ServerConfig.fromJson(new JsonObject(expected))).isEqualTo(config);
    assertThat(config.toBuilder().build()).isEqualTo(config);
  }

  @Test
  void theBuildersDefaultsAreTheJsonDefaults() {
    ServerConfig built = ServerConfig.builder().gitRepo("file:///srv/flags.git").build();

    assertThat(built)
        .isEqualTo(ServerConfig.fromJson(new JsonObject().put("gitRepo", "file:///srv/flags.git")));
    assertThat(built.port()).isEqualTo(8181);
    assertThat(built.pollIntervalMillis()).isEqualTo(10_000);
    assertThat(built.dataDir()).isEqualTo("data");
  }

  @Test
  void theDemoServesItsOwnRepositoryAndResources() {
    ServerConfig demo = ServerConfig.builder().dataDir(DATA).demo(true).build();

    assertThat(demo.gitRepo()).isEqualTo(Demo.originUrl(DATA));
    assertThat(demo.resourcesDir()).isEqualTo(Demo.resources(DATA).toString());
    assertThat(demo.toBuilder().build()).isEqualTo(demo);
  }

  @Test
  void aWrongValueNamesItsOption() {
    assertProblem(ServerConfig.builder().source("svn"), "api-source", "\"svn\" is not one of");
    assertProblem(
        ServerConfig.builder().gitRepo("x").gitScm("bitbucket"), "api-git-scm", "bitbucket");
    assertProblem(
        ServerConfig.builder().gitRepo("x").pollInterval(Duration.ZERO),
        "api-git-poll-interval",
        "must be greater than 0");
    assertProblem(
        ServerConfig.builder().gitRepo("x").pollInterval(Duration.ofNanos(300_000)),
        "api-git-poll-interval",
        "must be at least 1ms");
    assertProblem(
        ServerConfig.builder().gitRepo("x").maxBodyBytes(0),
        "max-body-bytes",
        "must be greater than 0");
    assertProblem(
        ServerConfig.builder().gitRepo("x").gitBranch("a..b"),
        "api-git-branch",
        "\"a..b\" is not a valid branch name");
    assertProblem(
        ServerConfig.builder().gitRepo("x").author(" ", "a@b"),
        "api-git-author-name",
        "must not be empty");
    assertProblem(
        ServerConfig.builder()
            .gitRepo("x")
            .bridges(
                new BridgeSettings(null, BridgeSettings.OFF, true, List.of("cup.proposal.merge"))),
        "bridge-inbound",
        "\"cup.proposal.merge\" is internal");
    assertProblem(
        ServerConfig.builder().gitRepo("x").proposalRetention(Duration.ofHours(-1)),
        "api-proposal-retention",
        "must not be negative");
    assertProblem(
        ServerConfig.builder().gitRepo("x").http(HttpSettings.DEFAULT.withTimeouts(20_000, 60_000)),
        "api-idle-timeout",
        "must be longer than --api-watch-bookmark-interval (30s)");
    assertProblem(
        ServerConfig.builder()
            .gitRepo("x")
            .http(HttpSettings.DEFAULT.withBrowsers(null, List.of(), List.of("*"))),
        "api-cors-allowed-origins",
        "* is not allowed");
  }

  @Test
  void settingsThatDoNotGoTogetherAreNamedTogether() {
    assertConflict(
        ServerConfig.builder(),
        "--api-git-repo is required with --api-source git (or try --demo)",
        "api-git-repo",
        "api-source");
    assertConflict(
        ServerConfig.builder().source("local"),
        "--api-local-path is required with --api-source local",
        "api-local-path",
        "api-source");
    assertConflict(
        ServerConfig.builder().demo(true).source("local").localPath(DATA),
        "--demo serves a Git repository; it cannot be combined with --api-source local",
        "demo",
        "api-source");
    assertConflict(
        ServerConfig.builder().demo(true).gitRepo("file:///elsewhere.git"),
        "--demo serves its own repository; drop --api-git-repo",
        "demo",
        "api-git-repo");
    assertConflict(
        ServerConfig.builder().source("local").localPath(DATA).gitScm("gitea"),
        "--api-git-scm gitea needs --api-source git",
        "api-source",
        "api-git-scm");
    assertConflict(
        ServerConfig.builder()
            .gitRepo("x")
            .access(
                new AccessSettings(
                    "/crt", null, null, null, null, null, null, null, null, false, null, null, null,
                    null)),
        "--api-tls-cert-file and --api-tls-private-key-file go together: give both",
        "api-tls-cert-file",
        "api-tls-private-key-file");
  }

  private static void assertProblem(ServerConfig.Builder builder, String option, String problem) {
    assertThatThrownBy(builder::build)
        .isInstanceOfSatisfying(
            InvalidServerConfigException.class,
            e -> {
              assertThat(e.options()).containsExactly(option);
              assertThat(e.valueProblem()).hasValueSatisfying(p -> assertThat(p).contains(problem));
              assertThat(e.getMessage()).startsWith("invalid value for --" + option + ": ");
            });
  }

  private static void assertConflict(
      ServerConfig.Builder builder, String message, String... options) {
    assertThatThrownBy(builder::build)
        .isInstanceOfSatisfying(
            InvalidServerConfigException.class,
            e -> {
              assertThat(e.getMessage()).isEqualTo(message);
              assertThat(e.options()).containsExactly(options);
              assertThat(e.valueProblem()).isEmpty();
            });
  }
}
