package io.cup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cup.config.AccessSettings;
import io.cup.config.BridgeSettings;
import io.cup.config.ControllerRegistrySettings;
import io.cup.config.Demo;
import io.cup.config.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CliTest {
  private static final String REPO = "file:///srv/git/flags.git";

  @TempDir Path work;
  private final Map<String, String> env = new HashMap<>();
  private StringWriter out;
  private StringWriter err;

  @BeforeEach
  void setUp() throws IOException {
    Files.createDirectories(work.resolve("conf/resources"));
  }

  // ------------------------------------------------------------------ defaults

  @Test
  void defaultsOfAGitServer() {
    ServerConfig config = serve("--api-git-repo", REPO);

    assertThat(config.host()).isEmpty();
    assertThat(config.port()).isEqualTo(8181);
    assertThat(config.source()).isEqualTo("git");
    assertThat(config.gitRepo()).isEqualTo(REPO);
    assertThat(config.gitScm()).isEqualTo("local");
    assertThat(config.gitBranch()).isNull();
    assertThat(config.pollIntervalMillis()).isEqualTo(10_000);
    assertThat(config.authorName()).isEqualTo("Cup");
    assertThat(config.authorEmail()).isEqualTo("cup@localhost");
    assertThat(config.dataDir()).isEqualTo(work.resolve("data").toString());
    assertThat(config.resourcesDir()).isEqualTo(work.toString());
    assertThat(config.maxBodyBytes()).isEqualTo(10L * 1024 * 1024);
    assertThat(config.wasmMaxBodyBytes()).isEqualTo(1024 * 1024);
    assertThat(config.maxResourceBytes()).isEqualTo(ServerConfig.DEFAULT_MAX_RESOURCE_BYTES);
    assertThat(config.demo()).isFalse();
    assertThat(config.gitTokenFile()).isNull();
    assertThat(config.localPath()).isNull();
    assertThat(config.proposalRetentionMillis()).as("retention is off by default").isZero();
  }

  @Test
  void proposalRetentionFromFlagEnvironmentOrFile() throws IOException {
    assertThat(
            serve("--api-git-repo", REPO, "--api-proposal-retention", "720h")
                .proposalRetentionMillis())
        .isEqualTo(720L * 3600 * 1000);
    assertThat(
            serve("--api-git-repo", REPO, "--api-proposal-retention", "0")
                .proposalRetentionMillis())
        .isZero();
    Files.writeString(work.resolve("conf/cupd.yaml"), "api-proposal-retention: 48h\n");
    assertThat(serve("--api-git-repo", REPO).proposalRetentionMillis())
        .isEqualTo(48L * 3600 * 1000);
    env.put("CUPD_API_PROPOSAL_RETENTION", "1h30m");
    assertThat(serve("--api-git-repo", REPO).proposalRetentionMillis())
        .as("env over file")
        .isEqualTo(90L * 60 * 1000);
  }

  @Test
  void bridgesFromFlagEnvironmentOrFile() throws IOException {
    ServerConfig defaults = serve("--api-git-repo", REPO);
    assertThat(defaults.bridges()).isEqualTo(BridgeSettings.DEFAULT);
    assertThat(defaults.bridges().tcp()).as("no TCP bridge unless asked").isFalse();
    assertThat(defaults.bridges().sockJs()).as("SockJS on by default").isTrue();

    ServerConfig flags =
        serve(
            "--api-git-repo",
            REPO,
            "--bridge-tcp-address",
            "127.0.0.1:7000",
            "--bridge-sockjs=false",
            "--bridge-inbound",
            "orders.notify, audit.note");
    assertThat(flags.bridges())
        .isEqualTo(
            new BridgeSettings("127.0.0.1", 7000, false, List.of("orders.notify", "audit.note")));

    Files.writeString(
        work.resolve("conf/cupd.yaml"),
        "bridge-tcp-address: \":7001\"\nbridge-sockjs: false\nbridge-inbound: a.b\n");
    assertThat(serve("--api-git-repo", REPO).bridges())
        .isEqualTo(new BridgeSettings("", 7001, false, List.of("a.b")));
    env.put("CUPD_BRIDGE_TCP_ADDRESS", ":7002");
    env.put("CUPD_BRIDGE_INBOUND", "c.d");
    assertThat(serve("--api-git-repo", REPO).bridges())
        .as("env over file")
        .isEqualTo(new BridgeSettings("", 7002, false, List.of("c.d")));
  }

  @Test
  void controllerRegistryFlagsLandInTheServerConfig() throws IOException {
    assertThat(serve("--api-git-repo", REPO).registries())
        .isEqualTo(ControllerRegistrySettings.DEFAULT);
    Path docker = Files.writeString(work.resolve("config.json"), "{}");
    ServerConfig flags =
        serve(
            "--api-git-repo",
            REPO,
            "--controller-registry-config",
            "config.json",
            "--controller-registry-insecure",
            "127.0.0.1:5000, registry.local",
            "--controller-allowed-registries",
            "ghcr.io",
            "--controller-refresh-interval",
            "5m",
            "--controller-max-module-bytes",
            "8MiB");
    assertThat(flags.registries())
        .isEqualTo(
            new ControllerRegistrySettings(
                docker.toString(),
                List.of("127.0.0.1:5000", "registry.local"),
                List.of("ghcr.io"),
                300_000,
                8L * 1024 * 1024,
                ControllerRegistrySettings.DEFAULT_TIMEOUT_MILLIS));
    env.put("CUPD_CONTROLLER_REFRESH_INTERVAL", "30s");
    assertThat(serve("--api-git-repo", REPO).registries().refreshMillis()).isEqualTo(30_000);
  }

  @Test
  void everyFlagLandsInTheServerConfig() throws IOException {
    Path token = Files.writeString(work.resolve("token"), "secret");
    Path key = Files.writeString(work.resolve("id_ed25519"), "key");

    ServerConfig config =
        serve(
            "--api-address", "127.0.0.1:9090",
            "--api-source", "git",
            "--api-git-repo", REPO,
            "--api-git-scm", "local",
            "--api-git-branch", "refs/heads/release/1.x",
            "--api-git-poll-interval", "1h30m",
            "--api-git-author-name", "Flag Bot",
            "--api-git-author-email", "bot@example.test",
            "--api-git-token-file", "token",
            "--api-git-ssh-key-file", key.toString(),
            "--api-resources", "conf/resources",
            "--data-dir", "var/cup",
            "--max-body-bytes", "512KiB",
            "--api-wasm-max-body-bytes", "256KiB",
            "--api-max-resource-bytes", "2MiB");

    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(9090);
    assertThat(config.gitBranch()).isEqualTo("release/1.x");
    assertThat(config.pollIntervalMillis()).isEqualTo(90 * 60 * 1000L);
    assertThat(config.authorName()).isEqualTo("Flag Bot");
    assertThat(config.authorEmail()).isEqualTo("bot@example.test");
    assertThat(config.gitTokenFile()).isEqualTo(token.toString());
    assertThat(config.gitSshKeyFile()).isEqualTo(key.toString());
    assertThat(config.resourcesDir()).isEqualTo(work.resolve("conf/resources").toString());
    assertThat(config.dataDir()).isEqualTo(work.resolve("var/cup").toString());
    assertThat(config.maxBodyBytes()).isEqualTo(512 * 1024);
    assertThat(config.wasmMaxBodyBytes()).isEqualTo(256 * 1024);
    assertThat(config.maxResourceBytes()).isEqualTo(2 * 1024 * 1024);
  }

  @Test
  void httpFlagsEnvironmentAndFileLandInTheHttpSettings() throws IOException {
    ServerConfig defaults = serve("--api-git-repo", REPO);
    assertThat(defaults.http().idleTimeoutMillis()).isEqualTo(120_000L);
    assertThat(defaults.http().requestTimeoutMillis()).isEqualTo(60_000L);
    assertThat(defaults.http().maxConnections()).isZero();
    assertThat(defaults.http().bodySpoolBytes()).isEqualTo(256 * 1024);
    assertThat(defaults.http().publicUrl()).isNull();

    ServerConfig flags =
        serve(
            "--api-git-repo", REPO,
            "--api-idle-timeout", "90s",
            "--api-request-timeout", "15s",
            "--api-max-connections", "500",
            "--api-body-spool-threshold", "64KiB",
            "--api-public-url", "https://cup.example.com/config/",
            "--api-allowed-hosts", "cup.internal, Cup.Example.org",
            "--api-cors-allowed-origins", "https://ui.example.com");
    assertThat(flags.http().idleTimeoutMillis()).isEqualTo(90_000L);
    assertThat(flags.http().requestTimeoutMillis()).isEqualTo(15_000L);
    assertThat(flags.http().maxConnections()).isEqualTo(500);
    assertThat(flags.http().bodySpoolBytes()).isEqualTo(64 * 1024);
    assertThat(flags.http().publicUrl()).isEqualTo("https://cup.example.com/config");
    assertThat(flags.http().allowedHosts()).containsExactly("cup.internal", "cup.example.org");
    assertThat(flags.http().corsAllowedOrigins()).containsExactly("https://ui.example.com");

    env.put("CUPD_API_MAX_CONNECTIONS", "100");
    Files.writeString(work.resolve("cupd.yaml"), "api-request-timeout: 5s\n");
    ServerConfig sources = serve("--api-git-repo", REPO, "--config", "cupd.yaml");
    assertThat(sources.http().maxConnections()).isEqualTo(100);
    assertThat(sources.http().requestTimeoutMillis()).isEqualTo(5_000L);

    // a bookmark interval raised alone takes the idle timeout with it
    ServerConfig slowBookmarks =
        serve("--api-git-repo", REPO, "--api-watch-bookmark-interval", "5m");
    assertThat(slowBookmarks.http().idleTimeoutMillis()).isEqualTo(10 * 60_000L);
  }

  @Test
  void theOriginalsSingleDashFlagsAndEqualsFormWork() {
    ServerConfig config =
        serve("-api-address", "[::1]:8282", "-api-git-repo=" + REPO, "-api-resources", ".");

    assertThat(config.host()).isEqualTo("::1");
    assertThat(config.port()).isEqualTo(8282);
    assertThat(config.gitRepo()).isEqualTo(REPO);
  }

  @Test
  void singleDashConfigAndDemoWork() throws IOException {
    Files.writeString(work.resolve("flags.yaml"), "api-address: \":6060\"\n");

    ServerConfig config = serve("-config", "flags.yaml", "-demo");

    assertThat(config.port()).isEqualTo(6060);
    assertThat(config.demo()).isTrue();
  }

  @Test
  void localSource() throws IOException {
    Path served = Files.createDirectories(work.resolve("served"));

    ServerConfig config = serve("--api-source", "local", "--api-local-path", "served");

    assertThat(config.source()).isEqualTo("local");
    assertThat(config.localPath()).isEqualTo(served.toString());
    assertThat(config.gitRepo()).isNull();
  }

  @Test
  void demoServesTheDemoRepositoryAndResources() {
    ServerConfig config = serve("--demo", "--data-dir", "d");

    Path data = work.resolve("d");
    assertThat(config.demo()).isTrue();
    assertThat(config.source()).isEqualTo("git");
    assertThat(config.gitScm()).isEqualTo("local");
    assertThat(config.gitRepo()).isEqualTo(Demo.originUrl(data));
    assertThat(config.gitRepo()).startsWith("file:///").endsWith("/d/demo/origin.git");
    assertThat(config.resourcesDir()).isEqualTo(Demo.resources(data).toString());
  }

  @Test
  void demoKeepsResourcesThatWereGiven() {
    ServerConfig config = serve("--demo", "--api-resources", "conf/resources");

    assertThat(config.resourcesDir()).isEqualTo(work.resolve("conf/resources").toString());
  }

  @Test
  void verticlesDefaultToTheWorkingDirectorysThenThePackagedOnes() throws IOException {
    assertThat(parse("serve", "--api-git-repo", REPO).verticlesDir()).isNull();

    Path local = Files.createDirectories(work.resolve("verticles"));
    assertThat(parse("serve", "--api-git-repo", REPO).verticlesDir()).isEqualTo(local);

    Path other = Files.createDirectories(work.resolve("other"));
    assertThat(parse("serve", "--api-git-repo", REPO, "--verticles", "other").verticlesDir())
        .isEqualTo(other);
  }

  // ------------------------------------------------------------------ precedence

  @Test
  void flagBeatsEnvironmentBeatsFileBeatsDefault() throws IOException {
    Files.writeString(
        work.resolve("conf/cupd.yaml"),
        String.join(
            "\n",
            "api-address: \"127.0.0.1:1111\"",
            "api-git-repo: file:///from/file.git",
            "api-git-poll-interval: 3s",
            "api-git-author-name: File Author",
            "data-dir: file-data",
            ""));
    env.put("CUPD_API_ADDRESS", "127.0.0.1:2222");
    env.put("CUPD_API_GIT_POLL_INTERVAL", "4s");
    env.put("CUPD_DATA_DIR", "env-data");

    ServerConfig config = serve("--api-address", "127.0.0.1:3333");

    assertThat(config.port()).as("flag over env and file").isEqualTo(3333);
    assertThat(config.pollIntervalMillis()).as("env over file").isEqualTo(4000);
    assertThat(config.dataDir()).as("env over file").isEqualTo(work.resolve("env-data").toString());
    assertThat(config.gitRepo()).as("file over default").isEqualTo("file:///from/file.git");
    assertThat(config.authorName()).as("file over default").isEqualTo("File Author");
    assertThat(config.authorEmail()).as("default").isEqualTo("cup@localhost");
  }

  @Test
  void environmentAloneAndDefaultAlone() {
    env.put("CUPD_API_GIT_REPO", REPO);
    env.put("CUPD_MAX_BODY_BYTES", "2048");
    env.put("CUPD_API_WASM_MAX_BODY_BYTES", "1024");
    env.put("CUPD_API_MAX_RESOURCE_BYTES", "1024");
    env.put("CUPD_API_GIT_AUTHOR_EMAIL", "env@example.test");

    ServerConfig config = serve();

    assertThat(config.gitRepo()).isEqualTo(REPO);
    assertThat(config.maxBodyBytes()).isEqualTo(2048);
    assertThat(config.wasmMaxBodyBytes()).isEqualTo(1024);
    assertThat(config.maxResourceBytes()).isEqualTo(1024);
    assertThat(config.authorEmail()).isEqualTo("env@example.test");
    assertThat(config.port()).isEqualTo(8181);
  }

  @Test
  void booleanFromEnvironmentAndFlagOverride() {
    env.put("CUPD_DEMO", "yes");
    assertThat(serve().demo()).isTrue();
    assertThat(serve("--demo=false", "--api-git-repo", REPO).demo()).isFalse();
  }

  @Test
  void configFileNamedByFlagBeatsCupdConfigBeatsTheDefaultFile() throws IOException {
    Files.writeString(work.resolve("conf/cupd.yaml"), "api-address: \":1001\"\n");
    Files.writeString(work.resolve("env.yaml"), "api-address: \":1002\"\n");
    Files.writeString(work.resolve("flag.yaml"), "api-address: \":1003\"\n");
    env.put("CUPD_API_GIT_REPO", REPO);

    assertThat(serve().port()).isEqualTo(1001);
    env.put("CUPD_CONFIG", "env.yaml");
    assertThat(serve().port()).isEqualTo(1002);
    assertThat(serve("--config", "flag.yaml").port()).isEqualTo(1003);
    assertThat(serve("--config=flag.yaml").port()).isEqualTo(1003);
  }

  @Test
  void nestedYamlKeysJoinWithDashes() throws IOException {
    Files.writeString(
        work.resolve("conf/cupd.yaml"),
        "api:\n  address: \":7000\"\n  git:\n    repo: " + REPO + "\n    poll-interval: 250ms\n");

    ServerConfig config = serve();

    assertThat(config.port()).isEqualTo(7000);
    assertThat(config.gitRepo()).isEqualTo(REPO);
    assertThat(config.pollIntervalMillis()).isEqualTo(250);
  }

  @Test
  void yamlScalarsOfOtherTypesAreTakenAsText() throws IOException {
    Files.writeString(
        work.resolve("conf/cupd.yaml"),
        "api-git-repo: "
            + REPO
            + "\nmax-body-bytes: 4096\napi-wasm-max-body-bytes: 3072\napi-max-resource-bytes:"
            + " 100KiB\ndemo: false\n");

    ServerConfig config = serve();

    assertThat(config.maxBodyBytes()).isEqualTo(4096);
    assertThat(config.wasmMaxBodyBytes()).isEqualTo(3072);
    assertThat(config.maxResourceBytes()).isEqualTo(100 * 1024);
    assertThat(config.demo()).isFalse();
  }

  @Test
  void theShippedExampleFileChangesNothing() throws IOException {
    Files.copy(Path.of("conf/cupd.yaml"), work.resolve("conf/cupd.yaml"));

    ServerConfig config = serve("--api-git-repo", REPO);

    assertThat(config).isEqualTo(serveWithoutFile());
  }

  private ServerConfig serveWithoutFile() throws IOException {
    Files.delete(work.resolve("conf/cupd.yaml"));
    return serve("--api-git-repo", REPO);
  }

  // ------------------------------------------------------------------ exit code 2

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--no-such-flag|Unknown option: '--no-such-flag'",
        "--api-git-poll-interval 10|invalid value for --api-git-poll-interval: invalid duration"
            + " \"10\": missing unit",
        "--api-git-poll-interval ten|invalid value for --api-git-poll-interval: invalid duration"
            + " \"ten\"",
        "--api-git-poll-interval 0s|invalid value for --api-git-poll-interval: must be greater than"
            + " 0",
        "--api-git-poll-interval -1s|invalid value for --api-git-poll-interval: must be greater"
            + " than 0",
        "--api-git-poll-interval 300us|invalid value for --api-git-poll-interval: must be at least"
            + " 1ms",
        "--api-proposal-retention 30d|invalid value for --api-proposal-retention: invalid"
            + " duration",
        "--api-proposal-retention -1h|invalid value for --api-proposal-retention: must not be"
            + " negative",
        "--api-address 8181|invalid value for --api-address: invalid address \"8181\": missing"
            + " port",
        "--api-address ::1:8181|invalid value for --api-address: invalid address \"::1:8181\"",
        "--api-source svn|invalid value for --api-source: \"svn\" is not one of git, local",
        "--api-git-scm github|--api-git-scm github needs an API token: set CUPD_API_GIT_SCM_TOKEN"
            + " or --api-git-scm-token-file",
        "--api-git-scm gitlab --api-git-scm-url ftp://x|invalid value for --api-git-scm-url:"
            + " \"ftp://x\" is not an http(s) URL",
        "--api-git-scm gitea --api-git-scm-repo a/b/c|invalid value for --api-git-scm-repo:"
            + " \"a/b/c\" is not owner/name",
        "--api-git-scm gitea --api-source local --api-local-path .|--api-git-scm gitea needs"
            + " --api-source git",
        "--api-git-scm github --api-git-scm-token-file none.txt|invalid value for"
            + " --api-git-scm-token-file: file",
        "--api-webhook-secret-file none.txt|invalid value for --api-webhook-secret-file: file",
        "--api-git-scm bitbucket|invalid value for --api-git-scm: \"bitbucket\" is not one of"
            + " local, github, gitea, gitlab",
        "--api-git-branch a..b|invalid value for --api-git-branch: \"a..b\" is not a valid branch"
            + " name",
        "--max-body-bytes lots|invalid value for --max-body-bytes: \"lots\" is not a size",
        "--max-body-bytes 0|invalid value for --max-body-bytes: must be greater than 0",
        "--api-wasm-max-body-bytes 0|invalid value for --api-wasm-max-body-bytes: must be greater"
            + " than 0",
        "--api-max-resource-bytes 0|invalid value for --api-max-resource-bytes: must be greater"
            + " than 0",
        "--api-git-token-file missing.txt|invalid value for --api-git-token-file: file",
        "--api-resources nowhere|invalid value for --api-resources: directory",
        "--verticles nowhere|invalid value for --verticles: directory",
        "--config missing.yaml|missing.yaml: file not found",
        "--demo --api-source local|--demo serves a Git repository; it cannot be combined with"
            + " --api-source local",
        "--api-idle-timeout 20s|invalid value for --api-idle-timeout: must be longer than"
            + " --api-watch-bookmark-interval",
        "--api-max-connections many|invalid value for --api-max-connections: \"many\" is not a"
            + " number",
        "--api-public-url ftp://x|invalid value for --api-public-url: \"ftp://x\" is not an"
            + " http(s) URL",
        "--api-public-url https://cup.example.com/?a=b|invalid value for --api-public-url:",
        "--api-cors-allowed-origins *|invalid value for --api-cors-allowed-origins: * is not"
            + " allowed",
        "--api-cors-allowed-origins https://ui.example.com/app|invalid value for"
            + " --api-cors-allowed-origins: \"https://ui.example.com/app\" is not an origin",
        "--bridge-tcp-address 7000|invalid value for --bridge-tcp-address: invalid address"
            + " \"7000\": missing port",
        "--bridge-inbound cup.controller.get|invalid value for --bridge-inbound:"
            + " \"cup.controller.get\" is internal",
        "--bridge-inbound orders.notify,cup.proposal.merge|invalid value for --bridge-inbound:"
            + " \"cup.proposal.merge\" is internal",
        "--bridge-inbound CUP.scm.open|invalid value for --bridge-inbound: \"CUP.scm.open\" is"
            + " internal",
        "--bridge-inbound cup.repository.fetch|invalid value for --bridge-inbound:"
            + " \"cup.repository.fetch\" is internal",
        "--bridge-inbound cup.events.resource|invalid value for --bridge-inbound:"
            + " \"cup.events.resource\" is internal",
        "--bridge-inbound __vertx.reply.1|invalid value for --bridge-inbound: \"__vertx.reply.1\""
            + " is internal",
      })
  void badFlagsExitWithUsageErrorNamingTheFlag(String flags, String message) {
    List<String> args = new ArrayList<>(List.of("serve", "--api-git-repo", REPO));
    if (flags.startsWith("--demo")) {
      args = new ArrayList<>(List.of("serve"));
    }
    args.addAll(Arrays.asList(flags.split(" ")));

    Invocation invocation = parse(args.toArray(String[]::new));

    assertThat(invocation.exitCode()).isEqualTo(2);
    assertThat(invocation.serve()).isFalse();
    assertThat(err.toString()).contains(message).contains("cup serve --help");
  }

  @Test
  void aHostedScmTakesItsRepositoryFromTheRemoteAndItsTokenFromAFile() throws Exception {
    Path token = Files.writeString(work.resolve("token"), "s3cret-token\n");
    ServerConfig config =
        serve(
            "--api-git-repo",
            "https://gitlab.example/platform/config/flags.git",
            "--api-git-scm",
            "gitlab",
            "--api-git-scm-url",
            "https://gitlab.example/",
            "--api-git-scm-token-file",
            token.toString());

    assertThat(config.gitScm()).isEqualTo("gitlab");
    assertThat(config.scm().url()).isEqualTo("https://gitlab.example/");
    assertThat(config.scm().token()).contains("s3cret-token");
    assertThat(config.toJson().encode()).doesNotContain("s3cret-token");
    assertThat(
            io.cup.scm.ScmRepository.of(io.cup.scm.ScmKind.GITLAB, config.gitRepo(), null).path())
        .isEqualTo("platform/config/flags");
    assertThat(
            io.cup.scm.ScmRepository.of(io.cup.scm.ScmKind.GITHUB, config.gitRepo(), null).path())
        .isEqualTo("config/flags");
  }

  @Test
  void theScmTokenMayComeFromTheEnvironmentOfTheInvocation() {
    env.put("CUPD_API_GIT_SCM_TOKEN", "from-the-environment");
    ServerConfig config =
        serve("--api-git-repo", "https://github.com/acme/config.git", "--api-git-scm", "github");

    assertThat(config.gitScm()).isEqualTo("github");
    assertThat(config.scm().tokenFile()).isNull();
    assertThat(config.toJson().encode()).doesNotContain("from-the-environment");
  }

  @Test
  void gitSourceNeedsARepository() {
    Invocation invocation = parse("serve");

    assertThat(invocation.exitCode()).isEqualTo(2);
    assertThat(err.toString())
        .contains("--api-git-repo is required with --api-source git (or try --demo)");
  }

  @Test
  void localSourceNeedsAPath() {
    Invocation invocation = parse("serve", "--api-source", "local");

    assertThat(invocation.exitCode()).isEqualTo(2);
    assertThat(err.toString()).contains("--api-local-path is required with --api-source local");
  }

  @Test
  void localPathMustExist() {
    Invocation invocation = parse("serve", "--api-source", "local", "--api-local-path", "nope");

    assertThat(invocation.exitCode()).isEqualTo(2);
    assertThat(err.toString())
        .contains("invalid value for --api-local-path: directory " + work.resolve("nope"));
  }

  @Test
  void badValuesFromTheEnvironmentNameTheVariable() {
    env.put("CUPD_API_GIT_POLL_INTERVAL", "soon");

    Invocation invocation = parse("serve", "--api-git-repo", REPO);

    assertThat(invocation.exitCode()).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "invalid value for --api-git-poll-interval (from environment variable"
                + " CUPD_API_GIT_POLL_INTERVAL): invalid duration \"soon\"");
  }

  @Test
  void badBooleanFromTheEnvironment() {
    env.put("CUPD_DEMO", "maybe");

    Invocation invocation = parse("serve", "--api-git-repo", REPO);

    assertThat(invocation.exitCode()).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "invalid value for --demo (from environment variable CUPD_DEMO): \"maybe\" is not"
                + " true or false");
  }

  @Test
  void badValuesFromTheFileNameTheFileAndKey() throws IOException {
    Files.writeString(work.resolve("conf/cupd.yaml"), "api-address: nowhere\n");

    Invocation invocation = parse("serve", "--api-git-repo", REPO);

    assertThat(invocation.exitCode()).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "invalid value for --api-address (from "
                + work.resolve("conf/cupd.yaml")
                + " (api-address)): invalid address \"nowhere\"");
  }

  @Test
  void unknownKeysInTheFileAreRefused() throws IOException {
    Files.writeString(work.resolve("conf/cupd.yaml"), "api-adress: \":8181\"\n");

    Invocation invocation = parse("serve", "--api-git-repo", REPO);

    assertThat(invocation.exitCode()).isEqualTo(2);
    assertThat(err.toString())
        .contains(work.resolve("conf/cupd.yaml") + ": api-adress: unknown option (known: ");
  }

  @Test
  void malformedFileGivesLineAndColumn() throws IOException {
    Files.writeString(work.resolve("conf/cupd.yaml"), "api-address: [\"unclosed\"\n");

    Invocation invocation = parse("serve", "--api-git-repo", REPO);

    assertThat(invocation.exitCode()).isEqualTo(2);
    assertThat(err.toString()).containsPattern("cupd\\.yaml: line \\d+, column \\d+: ");
  }

  @Test
  void demoConflictsWithARepositoryFromAnySource() {
    env.put("CUPD_API_GIT_REPO", REPO);

    Invocation invocation = parse("serve", "--demo");

    assertThat(invocation.exitCode()).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "--demo serves its own repository; drop --api-git-repo (from environment variable"
                + " CUPD_API_GIT_REPO)");
  }

  @Test
  void noCommandIsAUsageError() {
    Invocation invocation = parse();

    assertThat(invocation.exitCode()).isEqualTo(2);
    assertThat(err.toString()).contains("missing command").contains("serve");
  }

  @Test
  void unknownCommandIsAUsageError() {
    assertThat(parse("srve").exitCode()).isEqualTo(2);
    assertThat(err.toString()).contains("srve");
  }

  // ------------------------------------------------------------------ help and version

  @Test
  void helpListsEveryFlagAndExitsZero() {
    Invocation invocation = parse("serve", "--help");

    assertThat(invocation.exitCode()).isZero();
    assertThat(out.toString())
        .contains(
            "--api-address",
            "--api-source",
            "--api-git-repo",
            "--api-git-scm",
            "--api-local-path",
            "--api-resources",
            "--api-git-branch",
            "--api-git-poll-interval",
            "--api-git-author-name",
            "--api-git-author-email",
            "--api-git-token-file",
            "--api-git-ssh-key-file",
            "--data-dir",
            "--demo",
            "--config",
            "--verticles",
            "--max-body-bytes",
            "--api-idle-timeout",
            "--api-request-timeout",
            "--api-max-connections",
            "--api-body-spool-threshold",
            "--api-public-url",
            "--api-allowed-hosts",
            "--api-cors-allowed-origins",
            "CUPD_API_ADDRESS");
  }

  @Test
  void rootHelpAndVersion() {
    assertThat(parse("--help").exitCode()).isZero();
    assertThat(out.toString()).contains("serve");
    assertThat(parse("--version").exitCode()).isZero();
    assertThat(out.toString()).containsPattern("cup \\d+\\.\\d+\\.\\d+");
  }

  @Test
  void brokenDefaultConfigFileDoesNotBreakHelp() throws IOException {
    Files.writeString(work.resolve("conf/cupd.yaml"), "{ broken");

    assertThat(parse("serve", "--help").exitCode()).isZero();
  }

  // ------------------------------------------------------------------ identity and access

  @Test
  void accessOptionsComeFromFlagsEnvironmentAndFile() throws IOException {
    for (String name :
        List.of("tls.crt", "tls.key", "tokens.csv", "oidc-ca.crt", "client-ca.crt")) {
      Files.writeString(work.resolve(name), "x\n");
    }
    ServerConfig byFlags =
        serve(
            "--api-git-repo",
            REPO,
            "--api-tls-cert-file",
            "tls.crt",
            "--api-tls-private-key-file",
            "tls.key",
            "--api-token-auth-file",
            "tokens.csv",
            "--api-oidc-issuer-url",
            "https://issuer.example",
            "--api-oidc-client-id",
            "cup",
            "--api-oidc-ui-client-id",
            "cup-ui",
            "--api-oidc-username-claim",
            "email",
            "--api-oidc-groups-claim",
            "roles",
            "--api-oidc-ca-file",
            "oidc-ca.crt",
            "--api-client-ca-file",
            "client-ca.crt",
            "--api-anonymous-auth",
            "--api-authorization-mode",
            "rbac",
            "--api-audit-log-path",
            "audit/audit.log",
            "--api-git-author-email-domain",
            "example.com");
    AccessSettings access = byFlags.access();
    assertThat(access.tlsCertFile()).isEqualTo(work.resolve("tls.crt").toString());
    assertThat(access.tlsKeyFile()).isEqualTo(work.resolve("tls.key").toString());
    assertThat(access.tokenAuthFile()).isEqualTo(work.resolve("tokens.csv").toString());
    assertThat(access.oidcIssuerUrl()).isEqualTo("https://issuer.example");
    assertThat(access.oidcClientId()).isEqualTo("cup");
    assertThat(access.oidcUiClientId()).isEqualTo("cup-ui");
    assertThat(access.oidcUsernameClaim()).isEqualTo("email");
    assertThat(access.oidcGroupsClaim()).isEqualTo("roles");
    assertThat(access.oidcCaFile()).isEqualTo(work.resolve("oidc-ca.crt").toString());
    assertThat(access.clientCaFile()).isEqualTo(work.resolve("client-ca.crt").toString());
    assertThat(access.anonymousAuth()).isTrue();
    assertThat(access.authorizationMode()).isEqualTo(AccessSettings.RBAC);
    assertThat(access.auditLogPath()).isEqualTo(work.resolve("audit/audit.log").toString());
    assertThat(access.emailDomain()).isEqualTo("example.com");
    assertThat(access.tls()).isTrue();

    env.put("CUPD_API_TOKEN_AUTH_FILE", "tokens.csv");
    env.put("CUPD_API_ANONYMOUS_AUTH", "true");
    env.put("CUPD_API_AUDIT_LOG_PATH", "-");
    env.put("CUPD_API_OIDC_ISSUER_URL", "https://issuer.example");
    env.put("CUPD_API_OIDC_CLIENT_ID", "cup");
    env.put("CUPD_API_OIDC_UI_CLIENT_ID", "cup-web");
    AccessSettings fromEnvironment = serve("--api-git-repo", REPO).access();
    assertThat(fromEnvironment.oidcUiClientId()).isEqualTo("cup-web");
    assertThat(fromEnvironment.tokenAuthFile()).isEqualTo(work.resolve("tokens.csv").toString());
    assertThat(fromEnvironment.anonymousAuth()).isTrue();
    assertThat(fromEnvironment.auditLogPath()).isEqualTo("-");
    assertThat(fromEnvironment.effectiveAuthorizationMode()).isEqualTo(AccessSettings.RBAC);
    env.clear();

    Files.writeString(
        work.resolve("conf/cupd.yaml"),
        "api-oidc-issuer-url: https://issuer.example\napi-oidc-client-id: cup\n"
            + "api-oidc-ui-client-id: cup-browser\n"
            + "api-authorization-mode: AlwaysAllow\n");
    AccessSettings fromFile = serve("--api-git-repo", REPO).access();
    assertThat(fromFile.oidcUiClientId()).isEqualTo("cup-browser");
    assertThat(fromFile.oidcIssuerUrl()).isEqualTo("https://issuer.example");
    assertThat(fromFile.oidcUsernameClaim()).isEqualTo("sub");
    assertThat(fromFile.oidcGroupsClaim()).isEqualTo("groups");
    assertThat(fromFile.effectiveAuthorizationMode()).isEqualTo(AccessSettings.ALWAYS_ALLOW);
  }

  @Test
  void withoutAccessOptionsTheServerIsOpenAsBefore() {
    AccessSettings access = serve("--api-git-repo", REPO).access();
    assertThat(access.authenticates()).isFalse();
    assertThat(access.tls()).isFalse();
    assertThat(access.effectiveAuthorizationMode()).isEqualTo(AccessSettings.ALWAYS_ALLOW);
    assertThat(access.auditLogPath()).isNull();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--api-tls-cert-file tls.crt|go together: give both",
        "--api-oidc-issuer-url http://issuer.example --api-oidc-client-id cup|must be an https://",
        "--api-oidc-issuer-url https://issuer.example|needs --api-oidc-client-id",
        "--api-oidc-ui-client-id cup-ui|--api-oidc-ui-client-id needs --api-oidc-issuer-url",
        "--api-client-ca-file tls.crt|needs --api-tls-cert-file",
        "--api-authorization-mode Webhook|is not AlwaysAllow or RBAC",
        "--api-token-auth-file missing.csv|invalid value for --api-token-auth-file: file",
      })
  void badAccessOptionsAreUsageErrors(String flags, String message) throws IOException {
    Files.writeString(work.resolve("tls.crt"), "x\n");
    List<String> args = new ArrayList<>(List.of("serve", "--api-git-repo", REPO));
    args.addAll(Arrays.asList(flags.split(" ")));
    Invocation invocation = parse(args.toArray(String[]::new));
    assertThat(invocation.exitCode()).isEqualTo(2);
    assertThat(err.toString()).contains(message);
  }

  // ------------------------------------------------------------------ helpers

  private ServerConfig serve(String... flags) {
    String[] args = new String[flags.length + 1];
    args[0] = "serve";
    System.arraycopy(flags, 0, args, 1, flags.length);
    Invocation invocation = parse(args);
    assertThat(invocation.exitCode()).as(err.toString()).isZero();
    assertThat(invocation.serve()).isTrue();
    return invocation.server();
  }

  private Invocation parse(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    return Cli.parse(args, env, work, new PrintWriter(out), new PrintWriter(err));
  }
}
