package io.cup.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.cup.config.ControllerRegistrySettings;
import io.cup.config.ServerConfig;
import io.cup.launcher.CupServer;
import io.cup.oci.Digest;
import io.cup.oci.ImagePusher;
import io.cup.oci.ImageReference;
import io.cup.oci.RegistryClient;
import io.cup.oci.RegistryCredentials;
import io.cup.testing.Eventually;
import io.cup.testing.FliptFixtures;
import io.cup.testing.GitDaemon;
import io.cup.testing.OciRegistry;
import io.cup.testing.TestConfigs;
import io.cup.testing.TestHttpClient;
import io.cup.testing.TestRepos;
import io.cup.wasm.GuestModules;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * WASM controllers named by an OCI reference in the whole server: modules pushed to a real {@code
 * docker-registry} process, served over a real {@code git daemon} remote, by tag and by digest; a
 * tag moved with refresh off (the pinned digest keeps serving) and on (the new digest serves, a
 * call in flight finishes on the old module, a module that does not load keeps the old one);
 * starting with the registry down, with and without a cache; a registry with basic auth whose
 * password never reaches the logs.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class OciControllerEndToEndTest {
  private static final Path FLIPT = Path.of("controllers", "flipt", "flipt.wasm");
  private static final Path FLIPT_DATA = FliptFixtures.REPOSITORY;
  private static final String FLAGS = "/apis/flipt.io/v1alpha1/namespaces/default/flags";

  @TempDir Path tmp;
  private GitDaemon daemon;
  private OciRegistry registry;
  private RegistryClient pusher;
  private CupServer server;
  private WebClient client;
  private ServerConfig config;
  private ListAppender<ILoggingEvent> logs;

  @AfterEach
  void stop() throws Exception {
    if (logs != null) {
      ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }
    if (server != null) {
      server.close().await(2, TimeUnit.MINUTES);
    }
    if (pusher != null) {
      pusher.close();
    }
    if (registry != null) {
      registry.close();
    }
    if (daemon != null) {
      daemon.close();
    }
  }

  private void registry(Vertx vertx, RegistryCredentials credentials, OciRegistry started) {
    registry = started;
    pusher = new RegistryClient(vertx, credentials, Set.of(registry.host()), 30_000);
  }

  private Digest push(Path module, String reference) throws Exception {
    return push(Files.readAllBytes(module), reference);
  }

  private Digest push(byte[] module, String reference) throws Exception {
    return new ImagePusher(pusher)
        .push(ImageReference.parse(reference), module, Map.of(), Instant.now())
        .await(1, TimeUnit.MINUTES)
        .digest();
  }

  private String ref(String repositoryAndTag) {
    return registry.host() + "/" + repositoryAndTag;
  }

  /**
   * The definitions, a Controller named by {@code image} with {@code extra} spec lines, a Binding.
   */
  private Path resources(String image, String extra) throws Exception {
    Path dir = tmp.resolve("resources");
    Files.createDirectories(dir);
    for (String definition : List.of("flags.json", "segments.json")) {
      Files.copy(
          Path.of("src", "main", "resources", "demo", "resources", definition),
          dir.resolve(definition),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    Files.writeString(
        dir.resolve("flipt.yaml"),
        """
        apiVersion: cup.flipt.io/v1alpha1
        kind: Controller
        metadata:
          name: flipt
        spec:
          type: wasm
          spec:
            image: %s
        %s
        ---
        apiVersion: cup.flipt.io/v1alpha1
        kind: Binding
        metadata:
          name: flipt
        spec:
          controller: flipt
          resources:
            - flipt.io/v1alpha1/flags
            - flipt.io/v1alpha1/segments
        """
            .formatted(image, extra.indent(4).stripTrailing()));
    return dir;
  }

  private ServerConfig.Builder configFor(Path resources, Path data) throws Exception {
    if (daemon == null) {
      Map<String, String> seed = FliptFixtures.files(FLIPT_DATA);
      TestRepos.createBare(tmp.resolve("remote").resolve("flags.git"), seed);
      daemon = GitDaemon.serve(tmp.resolve("remote"));
    }
    return TestConfigs.git(daemon.url("flags.git"), data)
        .port(Fixture.freePort())
        .pollInterval(Duration.ofMillis(300))
        .resourcesDir(resources);
  }

  private static ControllerRegistrySettings registries(
      String host, long refreshMillis, Path credentials) {
    return new ControllerRegistrySettings(
        credentials == null ? null : credentials.toString(),
        List.of(host),
        List.of(),
        refreshMillis,
        ControllerRegistrySettings.DEFAULT_MAX_MODULE_BYTES,
        10_000);
  }

  private void start(Vertx vertx, ServerConfig cfg) throws Exception {
    config = cfg;
    server = CupServer.start(vertx, cfg, Path.of("verticles")).await(2, TimeUnit.MINUTES);
    client = WebClient.create(vertx);
  }

  private TestHttpClient api() {
    return TestHttpClient.loopback(client, config.port());
  }

  private List<String> flagNames() throws Exception {
    HttpResponse<Buffer> answer = api().get(FLAGS);
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
    List<String> names = new ArrayList<>();
    for (String line : answer.bodyAsString().split("\n")) {
      if (!line.isBlank()) {
        names.add(new JsonObject(line).getJsonObject("metadata").getString("name"));
      }
    }
    return names;
  }

  private String metrics() throws Exception {
    return api().get("/metrics").bodyAsString();
  }

  private static String imageLine(String metrics) {
    return metrics
        .lines()
        .filter(l -> l.startsWith("cup_controller_image{"))
        .findFirst()
        .orElse("");
  }

  @Test
  void theFliptControllerPushedByTagIsServedEndToEndPinnedToItsDigest(Vertx vertx)
      throws Exception {
    registry(vertx, RegistryCredentials.NONE, OciRegistry.anonymous(tmp.resolve("registry")));
    Digest digest = push(FLIPT, ref("controllers/flipt:1.0"));
    ServerConfig cfg =
        configFor(resources(ref("controllers/flipt:1.0"), ""), tmp.resolve("data"))
            .registries(registries(registry.host(), 0, null))
            .build();
    start(vertx, cfg);

    assertThat(flagNames()).containsExactly("dark-mode", "new-checkout", "search-ranking-v2");
    HttpResponse<Buffer> put =
        api()
            .put(
                "/apis/flipt.io/v1alpha1/namespaces/team/flags/alpha",
                FliptFixtures.flag("team", "alpha", true));
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(202);
    assertThat(imageLine(metrics()))
        .contains("controller=\"flipt\"")
        .contains("digest=\"" + digest + "\"")
        .contains("reference=\"" + ref("controllers/flipt:1.0") + "\"");
    JsonObject apis = api().get("/apis").bodyAsJsonObject();
    JsonObject controller =
        apis.getJsonObject("flipt.io/v1alpha1/flags")
            .getJsonObject("status")
            .getJsonObject("controller");
    assertThat(controller.getString("name")).isEqualTo("flipt");
    assertThat(controller.getString("digest")).isEqualTo(digest.toString());

    // cup controllers shows the same, from GET /apis
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    Map<String, String> env =
        Map.of(
            "HOME", Files.createDirectories(tmp.resolve("home")).toString(),
            "XDG_CONFIG_HOME", Files.createDirectories(tmp.resolve("xdg")).toString());
    int code =
        io.cup.Main.run(
            new String[] {"-a", "http://127.0.0.1:" + config.port(), "controllers"},
            env,
            tmp,
            new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
            new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("NAME")
        .contains("DIGEST")
        .containsPattern(
            "flipt +wasm +"
                + java.util.regex.Pattern.quote(ref("controllers/flipt:1.0"))
                + " +"
                + digest
                + " +flags.flipt.io/v1alpha1,segments.flipt.io/v1alpha1");
  }

  @Test
  void aSignatureRequiredButMissingStopsTheStartNamingTheController(Vertx vertx) throws Exception {
    registry(vertx, RegistryCredentials.NONE, OciRegistry.anonymous(tmp.resolve("registry")));
    push(FLIPT, ref("controllers/flipt:1.0"));
    java.security.KeyPairGenerator ec = java.security.KeyPairGenerator.getInstance("EC");
    ec.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    String pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(ec.generateKeyPair().getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----";
    ServerConfig cfg =
        configFor(
                resources(
                    ref("controllers/flipt:1.0"), "verify:\n  publicKey: |\n" + pem.indent(4)),
                tmp.resolve("data"))
            .registries(registries(registry.host(), 0, null))
            .build();
    Throwable failed;
    try {
      CupServer.start(vertx, cfg, Path.of("verticles")).await(2, TimeUnit.MINUTES);
      throw new AssertionError("started without the required signature");
    } catch (Exception e) {
      failed = e;
    }
    assertThat(failed)
        .hasMessageContaining("controller flipt")
        .hasMessageContaining("has no cosign signature");
  }

  @Test
  void aControllerNamedByDigestIsServed(Vertx vertx) throws Exception {
    registry(vertx, RegistryCredentials.NONE, OciRegistry.anonymous(tmp.resolve("registry")));
    Digest digest = push(FLIPT, ref("controllers/flipt:1.0"));
    ServerConfig cfg =
        configFor(resources(ref("controllers/flipt@" + digest), ""), tmp.resolve("data"))
            .registries(registries(registry.host(), 0, null))
            .build();
    start(vertx, cfg);
    assertThat(flagNames()).containsExactly("dark-mode", "new-checkout", "search-ranking-v2");
  }

  @Test
  void aMovedTagKeepsServingThePinnedDigestWhenRefreshIsOff(Vertx vertx) throws Exception {
    registry(vertx, RegistryCredentials.NONE, OciRegistry.anonymous(tmp.resolve("registry")));
    Digest first = push(FLIPT, ref("controllers/flipt:stable"));
    ServerConfig cfg =
        configFor(resources(ref("controllers/flipt:stable"), ""), tmp.resolve("data"))
            .registries(registries(registry.host(), 0, null))
            .build();
    start(vertx, cfg);
    Digest moved = push(GuestModules.wasm("slow-flag", tmp), ref("controllers/flipt:stable"));
    assertThat(moved).isNotEqualTo(first);

    assertThat(flagNames()).containsExactly("dark-mode", "new-checkout", "search-ranking-v2");
    assertThat(imageLine(metrics())).contains("digest=\"" + first + "\"");
  }

  @Test
  void aMovedTagIsServedWhenRefreshIsOnAndACallInFlightFinishesOnTheOldModule(Vertx vertx)
      throws Exception {
    registry(vertx, RegistryCredentials.NONE, OciRegistry.anonymous(tmp.resolve("registry")));
    Digest slow = push(GuestModules.wasm("slow-flag", tmp), ref("controllers/flipt:stable"));
    ServerConfig cfg =
        configFor(
                resources(ref("controllers/flipt:stable"), "limits:\n  timeout: 25s"),
                tmp.resolve("data"))
            .registries(registries(registry.host(), 200, null))
            .build();
    start(vertx, cfg);
    assertThat(imageLine(metrics())).contains("digest=\"" + slow + "\"");

    Future<HttpResponse<Buffer>> inFlight =
        api().request(io.vertx.core.http.HttpMethod.GET, FLAGS).send();
    Eventually.until("a call runs in the slow module", Duration.ofSeconds(30), this::aGuestRuns);
    Digest flipt = push(FLIPT, ref("controllers/flipt:stable"));
    Eventually.until(
        "the new digest runs",
        Duration.ofSeconds(60),
        () -> imageLine(metrics()).contains("digest=\"" + flipt + "\""));
    assertThat(aGuestRuns()).as("the call in flight is still running").isTrue();

    assertThat(flagNames()).containsExactly("dark-mode", "new-checkout", "search-ranking-v2");
    HttpResponse<Buffer> old = TestHttpClient.await(inFlight);
    assertThat(old.statusCode()).as(old.bodyAsString()).isEqualTo(200);
    assertThat(
            new JsonObject(old.bodyAsString().strip()).getJsonObject("metadata").getString("name"))
        .isEqualTo("slow");

    // a module that does not load under the moved tag: the old one keeps running
    push("not a wasm module".getBytes(StandardCharsets.UTF_8), ref("controllers/flipt:stable"));
    Eventually.until(
        "a refresh failed",
        Duration.ofSeconds(60),
        () ->
            metrics()
                .contains("cup_controller_image_refresh_failures_total{controller=\"flipt\"}"));
    assertThat(imageLine(metrics())).contains("digest=\"" + flipt + "\"");
    assertThat(flagNames()).containsExactly("dark-mode", "new-checkout", "search-ranking-v2");
  }

  /** Whether a thread of this JVM is running a WASM guest now. */
  private boolean aGuestRuns() {
    return Thread.getAllStackTraces().values().stream()
        .anyMatch(
            stack ->
                java.util.Arrays.stream(stack)
                    .anyMatch(
                        f ->
                            f.getClassName().equals("io.cup.wasm.WasmRunner")
                                && f.getMethodName().equals("run")));
  }

  @Test
  void aServerStartsFromItsCacheWhenTheRegistryIsDownAndFailsClearlyWithoutOne(Vertx vertx)
      throws Exception {
    registry(vertx, RegistryCredentials.NONE, OciRegistry.anonymous(tmp.resolve("registry")));
    push(FLIPT, ref("controllers/flipt:1.0"));
    Path resources = resources(ref("controllers/flipt:1.0"), "");
    ServerConfig cfg =
        configFor(resources, tmp.resolve("data"))
            .registries(registries(registry.host(), 0, null))
            .build();
    start(vertx, cfg);
    server.close().await(2, TimeUnit.MINUTES);
    server = null;
    registry.stop();

    start(vertx, cfg.toBuilder().port(Fixture.freePort()).build());
    assertThat(flagNames()).containsExactly("dark-mode", "new-checkout", "search-ranking-v2");
    server.close().await(2, TimeUnit.MINUTES);
    server = null;

    ServerConfig empty =
        configFor(resources, tmp.resolve("fresh-data"))
            .registries(registries(registry.host(), 0, null))
            .build();
    Throwable failed;
    try {
      CupServer.start(vertx, empty, Path.of("verticles")).await(2, TimeUnit.MINUTES);
      throw new AssertionError("the server started without its module");
    } catch (Exception e) {
      failed = e;
    }
    assertThat(failed)
        .hasMessageContaining("controller flipt")
        .hasMessageContaining("registry " + registry.host());
  }

  @Test
  void aRegistryWithBasicAuthIsReachedWithTheConfiguredLoginThatNeverReachesTheLogs(Vertx vertx)
      throws Exception {
    String password = "s3cret-" + Long.toHexString(System.nanoTime());
    OciRegistry started = OciRegistry.withLogin(tmp.resolve("registry"), "ci", password);
    registry(
        vertx,
        RegistryCredentials.of(
            Map.of(started.host(), new RegistryCredentials.Login("ci", password))),
        started);
    push(FLIPT, ref("controllers/flipt:1.0"));
    Path docker = tmp.resolve("docker-config.json");
    String auth =
        Base64.getEncoder().encodeToString(("ci:" + password).getBytes(StandardCharsets.UTF_8));
    Files.writeString(
        docker,
        new JsonObject()
            .put("auths", new JsonObject().put(registry.host(), new JsonObject().put("auth", auth)))
            .encode());

    logs = new ListAppender<>();
    logs.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);

    // without the login the registry refuses, and the start failure says so
    ServerConfig anonymous =
        configFor(resources(ref("controllers/flipt:1.0"), ""), tmp.resolve("data-anonymous"))
            .registries(registries(registry.host(), 0, tmp.resolve("missing.json")))
            .build();
    Throwable refused;
    try {
      CupServer.start(vertx, anonymous, Path.of("verticles")).await(2, TimeUnit.MINUTES);
      throw new AssertionError("started without a login");
    } catch (Exception e) {
      refused = e;
    }
    assertThat(refused)
        .hasMessageContaining("controller flipt")
        .hasMessageContaining("no login configured");

    ServerConfig cfg =
        configFor(resources(ref("controllers/flipt:1.0"), ""), tmp.resolve("data"))
            .registries(registries(registry.host(), 0, docker))
            .build();
    start(vertx, cfg);
    assertThat(flagNames()).containsExactly("dark-mode", "new-checkout", "search-ranking-v2");
    assertThat(logs.list).isNotEmpty();
    for (ILoggingEvent event : List.copyOf(logs.list)) {
      assertThat(event.getFormattedMessage()).doesNotContain(password).doesNotContain(auth);
      if (event.getThrowableProxy() != null) {
        assertThat(event.getThrowableProxy().getMessage()).doesNotContain(password);
      }
    }
  }
}
