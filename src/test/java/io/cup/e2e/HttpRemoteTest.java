package io.cup.e2e;

import static io.cup.e2e.Fixture.SERVICES;
import static io.cup.testing.StatusAssert.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import io.cup.bus.Addresses;
import io.cup.config.ServerConfig;
import io.cup.git.Credentials;
import io.cup.launcher.CupServer;
import io.cup.testing.GitHttpServer;
import io.cup.testing.GitHttpServer.Auth;
import io.cup.testing.GitHttpServer.Request;
import io.cup.testing.TestHttpClient;
import io.cup.testing.TestRepos;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The whole server against an {@code http://} remote: a real smart-HTTP Git server ({@code git
 * http-backend} behind {@link GitHttpServer}) that demands HTTP Basic auth with a token. The token
 * comes from a token file ({@code --api-git-token-file}); it must authenticate clone, fetch and
 * push, and must never show up in an answer or in any log line.
 *
 * <p>The token in {@code CUPD_API_GIT_TOKEN} is not tested here: {@link Credentials#of} reads
 * {@code System.getenv} directly, which a test cannot set in process. That path is covered at the
 * credentials level ({@code CredentialsTest}, through {@code Credentials.forRemote}).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HttpRemoteTest {
  private static final long POLL_MILLIS = 500;
  private static final String REPO = "config.git";

  @TempDir Path tmp;
  private final String token = "cup-token-" + UUID.randomUUID();
  private final String wrongToken = "cup-wrong-" + UUID.randomUUID();
  private Vertx vertx;
  private Fixture fixture;
  private GitHttpServer http;
  private CupServer server;
  private WebClient client;
  private ServerConfig config;
  private CapturedLogs logs;
  private final Map<String, Level> levels = new HashMap<>();

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    this.logs = CapturedLogs.attach(levels);
    this.fixture = new Fixture(tmp);
    // the same bare repository, reachable over HTTP only
    fixture.daemon.close();
    this.http = GitHttpServer.serve(fixture.remote.getParent(), token);
    this.client = WebClient.create(vertx);
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      if (server != null) {
        server.close().await(2, TimeUnit.MINUTES);
      }
    } finally {
      http.close();
      logs.detach(levels);
    }
  }

  @Test
  void aTokenFileAuthenticatesTheCloneTheReadsAndTheProposalPush() throws Exception {
    start(writeToken(token + "\n"));
    assertThat(api().get("/readyz").statusCode()).isEqualTo(200);
    JsonObject web = api().get(SERVICES + "/web").bodyAsJsonObject();
    assertThat(web.getJsonObject("spec").getInteger("replicas")).isEqualTo(2);

    ObjectId base = TestRepos.ref(fixture.remote, "refs/heads/main");
    String changed = Fixture.service("default", "web", 5, "t", "x");
    HttpResponse<Buffer> put = api().put(SERVICES + "/web", changed, "application/json");
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(202);
    String id = put.bodyAsJsonObject().getString("id");

    // the proposal branch and its record are on the HTTP remote; the tracked branch is untouched
    Map<String, ObjectId> refs = TestRepos.refs(fixture.remote);
    assertThat(refs).containsKeys("refs/heads/cup/proposal/" + id, "refs/cup/proposals/" + id);
    assertThat(refs.get("refs/heads/main")).isEqualTo(base);
    RevCommit head = TestRepos.parseCommit(fixture.remote, "refs/heads/cup/proposal/" + id);
    assertThat(head.getParent(0).getId()).isEqualTo(base);
    assertThat(TestRepos.read(fixture.remote, head.name(), Fixture.path("default", "web")))
        .isEqualTo(changed);
    TestRepos.Fsck fsck = TestRepos.fsck(fixture.remote);
    assertThat(fsck.ok()).as(fsck.output()).isTrue();

    // every request git answered carried the token as Basic auth: fetch and push alike
    List<Request> requests = http.requests();
    assertThat(requests).as(http.log()).noneMatch(r -> r.auth() == Auth.REJECTED);
    List<Request> accepted = requests.stream().filter(r -> r.auth() == Auth.ACCEPTED).toList();
    assertThat(accepted).extracting(Request::user).containsOnly(Credentials.TOKEN_USER);
    assertThat(accepted)
        .filteredOn(r -> r.method().equals("POST") && r.isService("git-upload-pack"))
        .extracting(Request::status)
        .contains(200);
    assertThat(accepted)
        .filteredOn(r -> r.method().equals("POST") && r.isService("git-receive-pack"))
        .extracting(Request::status)
        .containsExactly(200);

    assertThat(put.bodyAsString()).doesNotContain(token);
    assertThat(api().get("/metrics").bodyAsString()).doesNotContain(token);
    assertLogsNeverShow(token);
  }

  @Test
  void aStoppedHttpRemoteFailsWritesWith503WithoutTheTokenAndWorksAgainOnceBack() throws Exception {
    start(writeToken(token));
    Map<String, ObjectId> before = TestRepos.refs(fixture.remote);

    http.stop();
    String web = Fixture.service("default", "web", 7, "t", "x");
    HttpResponse<Buffer> refused = api().put(SERVICES + "/web", web, "application/json");
    assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(503);
    JsonObject status = refused.bodyAsJsonObject();
    assertThat(status.getString("kind")).isEqualTo("Status");
    assertThat(status.getString("message"))
        .contains("cannot push to the Git remote")
        .doesNotContain(http.url(REPO))
        .doesNotContain(token);
    assertThat(refused.getHeader("Retry-After")).isEqualTo("10");
    assertThat(logs.text()).contains("cannot push to " + http.url(REPO));
    assertThat(api().get(SERVICES + "/web").statusCode()).isEqualTo(200);
    assertThat(TestRepos.refs(fixture.remote)).isEqualTo(before);

    http.start();
    HttpResponse<Buffer> put = api().put(SERVICES + "/web", web, "application/json");
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(202);
    String id = put.bodyAsJsonObject().getString("id");
    assertThat(TestRepos.refs(fixture.remote)).containsKey("refs/heads/cup/proposal/" + id);
    assertLogsNeverShow(token);
  }

  @Test
  void aWrongTokenIsRefusedAndNeverShownAndTheRotatedFileIsReadOnTheNextFetch() throws Exception {
    Path tokenFile = writeToken(wrongToken);
    Map<String, ObjectId> before = TestRepos.refs(fixture.remote);
    // The start does not fail: a remote that refuses the clone degrades readiness, and the polls
    // go on trying.
    start(tokenFile);

    JsonObject notReady = assertStatus(api().get("/readyz"), 503);
    assertThat(notReady.getString("message")).contains("not ready");
    JsonObject read = assertStatus(api().get(SERVICES + "/web"), 503);
    JsonObject write =
        assertStatus(
            api()
                .put(
                    SERVICES + "/web",
                    Fixture.service("default", "web", 3, "t", "x"),
                    "application/json"),
            503);
    for (JsonObject status : List.of(notReady, read, write)) {
      assertThat(status.encode())
          .doesNotContain(wrongToken)
          .doesNotContain(token)
          .doesNotContain(http.url(REPO));
    }
    // the wrong token was offered (and refused); nothing reached git, nothing changed
    assertThat(http.requests()).anyMatch(r -> r.auth() == Auth.REJECTED);
    assertThat(http.requests()).noneMatch(r -> r.auth() == Auth.ACCEPTED);
    assertThat(TestRepos.refs(fixture.remote)).isEqualTo(before);
    assertThat(logs.text()).contains("cannot clone " + http.url(REPO));

    // the token file is read on every fetch: the next poll clones, and a clone made after the
    // start is announced as the tracked branch moving
    Promise<JsonObject> cloned = Promise.promise();
    vertx
        .eventBus()
        .<JsonObject>consumer(
            Addresses.EVENTS_HEAD.name(), message -> cloned.tryComplete(message.body()))
        .completion()
        .await(2, TimeUnit.MINUTES);
    replaceToken(tokenFile, token);
    JsonObject moved = cloned.future().await(2, TimeUnit.MINUTES);
    assertThat(moved.getString("to")).isEqualTo(before.get("refs/heads/main").name());
    assertThat(api().get("/readyz").statusCode()).isEqualTo(200);
    assertThat(api().get(SERVICES + "/web").statusCode()).isEqualTo(200);
    assertThat(http.requests()).anyMatch(r -> r.auth() == Auth.ACCEPTED);

    assertLogsNeverShow(wrongToken);
    assertLogsNeverShow(token);
  }

  // -- helpers ---------------------------------------------------------------------------------

  private void start(Path tokenFile) throws Exception {
    ServerConfig base = fixture.config(tmp.resolve("data"), POLL_MILLIS);
    config = base.toBuilder().gitRepo(http.url(REPO)).gitTokenFile(tokenFile).build();
    server = CupServer.start(vertx, config, Path.of("verticles")).await(2, TimeUnit.MINUTES);
  }

  private Path writeToken(String content) {
    try {
      Path dir = Files.createDirectories(tmp.resolve("secrets"));
      return Files.writeString(dir.resolve("git-token"), content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replaces the token file in one step, as a mounted secret is updated. */
  private static void replaceToken(Path tokenFile, String content) {
    try {
      Path next = tokenFile.resolveSibling(tokenFile.getFileName() + ".next");
      Files.writeString(next, content, StandardCharsets.UTF_8);
      Files.move(next, tokenFile, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void assertLogsNeverShow(String secret) {
    String text = logs.text();
    // the capture works: the clone of the remote was logged, with its URL
    assertThat(text).contains(http.url(REPO));
    assertThat(text).doesNotContain(secret);
  }

  /**
   * Every log event of the process while a test runs, rendered with its exception chain, from an
   * appender on the root logger. Cup's and JGit's transport loggers are lowered to DEBUG meanwhile,
   * so a secret in a debug line is caught too.
   */
  private static final class CapturedLogs extends AppenderBase<ILoggingEvent> {
    private static final List<String> VERBOSE = List.of("io.cup", "org.eclipse.jgit.transport");
    private final Queue<String> lines = new ConcurrentLinkedQueue<>();

    static CapturedLogs attach(Map<String, Level> saved) {
      LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
      for (String name : VERBOSE) {
        Logger logger = context.getLogger(name);
        saved.put(name, logger.getLevel());
        logger.setLevel(Level.DEBUG);
      }
      CapturedLogs appender = new CapturedLogs();
      appender.setContext(context);
      appender.setName("http-remote-test");
      appender.start();
      context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
      return appender;
    }

    void detach(Map<String, Level> saved) {
      LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
      context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
      stop();
      saved.forEach((name, level) -> context.getLogger(name).setLevel(level));
    }

    String text() {
      return String.join("\n", new ArrayList<>(lines));
    }

    @Override
    protected void append(ILoggingEvent event) {
      StringBuilder line =
          new StringBuilder(event.getLoggerName()).append(' ').append(event.getFormattedMessage());
      appendThrowable(line, event.getThrowableProxy());
      lines.add(line.toString());
    }

    private static void appendThrowable(StringBuilder line, IThrowableProxy throwable) {
      for (IThrowableProxy t = throwable; t != null; t = t.getCause()) {
        line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
        for (IThrowableProxy suppressed : t.getSuppressed()) {
          appendThrowable(line, suppressed);
        }
      }
    }
  }

  /** The HTTP API of the server under test, on loopback. */
  private TestHttpClient api() {
    return TestHttpClient.loopback(client, config.port());
  }
}
