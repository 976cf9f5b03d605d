package io.cup.api;

import static io.cup.api.ApiFixture.HOST;
import static io.cup.api.ApiFixture.WIDGETS;
import static io.cup.api.ApiFixture.widget;
import static io.cup.testing.StatusAssert.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.cup.bus.Proposal;
import io.cup.bus.ProposalState;
import io.cup.testing.Eventually;
import io.cup.testing.WatchStream;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server under hostile or broken clients: malformed headers, request smuggling, slow and
 * idle connections, too many connections, large bodies, browsers on other origins and rebinding
 * host names. Raw sockets where the bytes matter.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HttpHardeningTest {
  private static final String PROPOSALS = ApiVerticle.PROPOSALS;

  @TempDir Path dir;
  private final FakeBackend backend = new FakeBackend();
  private final List<Socket> sockets = new ArrayList<>();
  private Vertx vertx;
  private Path config;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    config = ApiFixture.writeConfiguration(Files.createDirectories(dir.resolve("config")));
    backend.store(widget("one", 1));
    backend.register(vertx).await(2, TimeUnit.MINUTES);
  }

  @AfterEach
  void closeSockets() throws IOException {
    for (Socket socket : sockets) {
      socket.close();
    }
  }

  private ApiFixture.Deployed deploy(JsonObject http) throws Exception {
    return deploy(http, new JsonObject());
  }

  private ApiFixture.Deployed deploy(JsonObject http, JsonObject server) throws Exception {
    JsonObject serverConfig =
        new JsonObject().put("dataDir", dir.resolve("data").toString()).put("http", http);
    return ApiFixture.deploy(vertx, config, serverConfig.mergeIn(server), new JsonObject())
        .await(2, TimeUnit.MINUTES);
  }

  // -- malformed input ---------------------------------------------------------------------

  @Test
  void malformedAcceptAndContentTypeAreClientErrors() throws Exception {
    ApiFixture.Deployed api = deploy(new JsonObject());
    assertStatus(
        api.get(WIDGETS).putHeader("Accept", ";").send().await(2, TimeUnit.MINUTES),
        406,
        "NotAcceptable");
    assertStatus(
        api.get(WIDGETS + "/one").putHeader("Accept", ",;,").send().await(2, TimeUnit.MINUTES),
        406,
        "NotAcceptable");
    assertStatus(
        api.put(WIDGETS + "/one")
            .putHeader("Content-Type", ";;;")
            .sendBuffer(Buffer.buffer(widget("one", 2).encode()))
            .await(2, TimeUnit.MINUTES),
        415,
        "UnsupportedMediaType");
    assertThat(backend.resources).hasSize(1);
  }

  @Test
  void anUndecodableQueryIs400AndLoggedAsOneLineAtMost() throws Exception {
    ApiFixture.Deployed api = deploy(new JsonObject());
    ListAppender<ILoggingEvent> logs = captureLogs();
    try {
      assertStatus(
          api.get(WIDGETS + "?x=%zz").send().await(2, TimeUnit.MINUTES), 400, "BadRequest");
      assertStatus(
          api.get(WIDGETS + "/one?x=%zz").send().await(2, TimeUnit.MINUTES), 400, "BadRequest");
      assertStatus(
          api.put(WIDGETS + "/one?x=%zz")
              .sendJsonObject(widget("one", 2))
              .await(2, TimeUnit.MINUTES),
          400,
          "BadRequest");
    } finally {
      detach(logs);
    }
    assertThat(logs.list)
        .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .noneMatch(e -> e.getThrowableProxy() != null);
  }

  @Test
  void aClientThatLeavesMidBodyIsNoServerError() throws Exception {
    ApiFixture.Deployed api = deploy(new JsonObject());
    ListAppender<ILoggingEvent> logs = captureLogs();
    try {
      for (String path : List.of(WIDGETS + "/one", ReviewApi.ACCESS_REVIEWS)) {
        Socket socket = connect(api.port(), 10_000);
        send(
            socket,
            (path.equals(WIDGETS + "/one") ? "PUT " : "POST ")
                + path
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 1000\r\n\r\n{\"a\":");
        socket.close();
      }
      // each request ends (aborted) with its access log line
      Eventually.until(
          "both aborted requests have their access log line",
          Duration.ofSeconds(20),
          () ->
              logs.list.stream()
                      .filter(e -> e.getFormattedMessage().contains("aborted=true"))
                      .count()
                  >= 2);
    } finally {
      detach(logs);
    }
    assertThat(logs.list)
        .filteredOn(e -> e.getFormattedMessage().contains("aborted=true"))
        .hasSize(2);
    assertThat(logs.list)
        .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .noneMatch(e -> e.getThrowableProxy() != null);
  }

  @Test
  void bothContentLengthAndChunkedAreRefusedWith400BeforeAnythingElse() throws Exception {
    ApiFixture.Deployed api = deploy(new JsonObject());
    Proposal open = backend.addProposal("open", "");
    String request =
        "POST "
            + PROPOSALS
            + "/"
            + open.id()
            + "/merge HTTP/1.1\r\n"
            + "Host: 127.0.0.1\r\n"
            + "Content-Length: 4\r\n"
            + "Transfer-Encoding: chunked\r\n"
            + "\r\n"
            + "0\r\n\r\n";
    Socket socket = connect(api.port(), 10_000);
    send(socket, request);
    String answer = readUntilClosed(socket);
    assertThat(answer).startsWith("HTTP/1.1 400");
    assertThat(backend.proposals.get(open.id()).state()).isEqualTo(ProposalState.OPEN);
    // the first request of a connection, and a later one, alike
    Socket second = connect(api.port(), 10_000);
    send(second, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" + request);
    String both = readUntilClosed(second);
    assertThat(both).startsWith("HTTP/1.1 200").contains("HTTP/1.1 400");
    assertThat(backend.proposals.get(open.id()).state()).isEqualTo(ProposalState.OPEN);
  }

  // -- slow, idle and too many clients ------------------------------------------------------

  @Test
  void aClientThatSendsItsHeadersTooSlowlyIsDisconnected() throws Exception {
    ApiFixture.Deployed api = deploy(timeouts(60_000, 1_000));
    Socket socket = connect(api.port(), 30_000);
    send(socket, "GET " + WIDGETS + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
    assertThat(readUntilClosed(socket)).isEmpty();
    // and a keep-alive connection that never sends its next request
    Socket idle = connect(api.port(), 30_000);
    send(idle, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    assertThat(readUntilClosed(idle)).startsWith("HTTP/1.1 200");
  }

  @Test
  void aStalledBodyIsAnswered408AndItsConnectionClosed() throws Exception {
    ApiFixture.Deployed api = deploy(timeouts(60_000, 1_000));
    Socket socket = connect(api.port(), 30_000);
    send(
        socket,
        "PUT "
            + WIDGETS
            + "/one HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Content-Length: 1000\r\n\r\n{\"apiVersion\":");
    String answer = readUntilClosed(socket);
    assertThat(answer).startsWith("HTTP/1.1 408").contains("\"kind\":\"Status\"");
    assertThat(backend.requests(io.cup.bus.Addresses.CONTROLLER_PUT.name())).isEmpty();
  }

  @Test
  void aWatchOutlivesTheIdleAndRequestTimeouts() throws Exception {
    ApiFixture.Deployed api =
        deploy(timeouts(1_000, 1_000), new JsonObject().put("watchBookmarkMillis", 200L));
    try (WatchStream watch =
        WatchStream.open(api.port(), WIDGETS + "?watch=true", "application/json")) {
      assertThat(watch.status()).isEqualTo(200);
      // 15 bookmarks, 200 ms apart: the stream lived three times the idle timeout
      int bookmarks = 0;
      while (bookmarks < 15) {
        if ("BOOKMARK".equals(watch.next().getString("type"))) {
          bookmarks++;
        }
      }
    }
  }

  @Test
  void connectionsOverTheCapAre503WhileTheOthersAreServed() throws Exception {
    ApiFixture.Deployed api = deploy(new JsonObject().put("maxConnections", 2));
    Socket first = connect(api.port(), 30_000);
    Socket second = connect(api.port(), 30_000);
    // both are counted once the server saw them: one answered request each
    for (Socket socket : List.of(first, second)) {
      send(socket, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      assertThat(readAnswer(socket)).startsWith("HTTP/1.1 200");
    }
    Socket third = connect(api.port(), 30_000);
    send(third, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    String refused = readUntilClosed(third);
    assertThat(refused)
        .startsWith("HTTP/1.1 503")
        .containsIgnoringCase("retry-after: 1")
        .contains("\"code\":503");
    send(first, "GET " + WIDGETS + "/one HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    assertThat(readAnswer(first)).startsWith("HTTP/1.1 200");
    // once one closes, a new connection is served again
    first.close();
    String again = "";
    for (int attempt = 0; attempt < 50 && !again.startsWith("HTTP/1.1 200"); attempt++) {
      Socket next = connect(api.port(), 30_000);
      send(next, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      again = readUntilClosed(next);
    }
    assertThat(again).startsWith("HTTP/1.1 200");
  }

  @Test
  void aLargeBodyIsSpooledToDiskAndTheFileDeletedAfterwards() throws Exception {
    ApiFixture.Deployed api = deploy(new JsonObject().put("bodySpoolBytes", 1024));
    JsonObject big = widget("one", 5);
    big.getJsonObject("spec").put("notes", "x".repeat(200_000));
    HttpResponse<Buffer> put =
        api.put(WIDGETS + "/one").sendJsonObject(big).await(2, TimeUnit.MINUTES);
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(202);
    assertThat(backend.requests(io.cup.bus.Addresses.CONTROLLER_PUT.name()))
        .anyMatch(r -> r.encode().contains("x".repeat(200_000)));
    Path spool = dir.resolve("data").resolve("tmp");
    assertThat(spool).isDirectory();
    assertThat(listFiles(spool)).isEmpty();
    // over the limit, streamed past the spool threshold: still a 413, and nothing left on disk
    ApiFixture.Deployed small =
        deploy(
            new JsonObject().put("bodySpoolBytes", 1024),
            new JsonObject().put("maxBodyBytes", 8 * 1024));
    Socket socket = connect(small.port(), 30_000);
    StringBuilder request =
        new StringBuilder("PUT " + WIDGETS + "/one HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            .append("Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 6; i++) {
      request.append("800\r\n").append("z".repeat(0x800)).append("\r\n");
    }
    send(socket, request.append("0\r\n\r\n").toString());
    assertThat(readUntilClosed(socket)).startsWith("HTTP/1.1 413");
    awaitEmpty(spool);
  }

  /** Waits (10 s at most) for the asynchronous deletion of a spooled body. */
  private static void awaitEmpty(Path dir) {
    Eventually.until(
        "the spooled body is deleted", Duration.ofSeconds(10), () -> listFiles(dir).isEmpty());
  }

  // -- browsers and hosts -------------------------------------------------------------------

  @Test
  void aFormPostFromAnotherOriginCannotMerge() throws Exception {
    ApiFixture.Deployed api = deploy(new JsonObject());
    Proposal open = backend.addProposal("open", "");
    String merge = PROPOSALS + "/" + open.id() + "/merge";
    assertStatus(
        api.post(merge)
            .putHeader("Origin", "http://evil.example")
            .putHeader("Content-Type", "application/x-www-form-urlencoded")
            .sendBuffer(Buffer.buffer("a=b"))
            .await(2, TimeUnit.MINUTES),
        403,
        "Forbidden");
    assertStatus(
        api.post(merge)
            .putHeader("Origin", "http://evil.example")
            .putHeader("Content-Type", "application/json")
            .sendBuffer(Buffer.buffer("{}"))
            .await(2, TimeUnit.MINUTES),
        403,
        "Forbidden");
    assertStatus(
        api.put(WIDGETS + "/one")
            .putHeader("Origin", "null")
            .sendJsonObject(widget("one", 3))
            .await(2, TimeUnit.MINUTES),
        403,
        "Forbidden");
    // no Origin (curl, kubectl), but a form: not JSON
    assertStatus(
        api.post(merge)
            .putHeader("Content-Type", "application/x-www-form-urlencoded")
            .sendBuffer(Buffer.buffer(""))
            .await(2, TimeUnit.MINUTES),
        415,
        "UnsupportedMediaType");
    assertThat(backend.proposals.get(open.id()).state()).isEqualTo(ProposalState.OPEN);
    // the server's own origin, and no Origin at all, may
    HttpResponse<Buffer> merged =
        api.post(merge)
            .putHeader("Origin", "http://127.0.0.1:" + api.port())
            .send()
            .await(2, TimeUnit.MINUTES);
    assertThat(merged.statusCode()).as(merged.bodyAsString()).isEqualTo(200);
    assertThat(backend.proposals.get(open.id()).state()).isEqualTo(ProposalState.MERGED);
    assertThat(
            api.get(WIDGETS + "/one")
                .putHeader("Origin", "http://evil.example")
                .send()
                .await(2, TimeUnit.MINUTES)
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void listedOriginsGetPreflightsAndMayWrite() throws Exception {
    ApiFixture.Deployed api =
        deploy(
            new JsonObject()
                .put("corsAllowedOrigins", new JsonArray().add("https://ui.example.com")));
    HttpResponse<Buffer> preflight =
        api.client()
            .request(io.vertx.core.http.HttpMethod.OPTIONS, api.port(), HOST, WIDGETS + "/one")
            .putHeader("Origin", "https://ui.example.com")
            .putHeader("Access-Control-Request-Method", "PUT")
            .putHeader("Access-Control-Request-Headers", "content-type,authorization")
            .send()
            .await(2, TimeUnit.MINUTES);
    assertThat(preflight.statusCode()).isEqualTo(204);
    assertThat(preflight.getHeader("Access-Control-Allow-Origin"))
        .isEqualTo("https://ui.example.com");
    assertThat(preflight.getHeader("Access-Control-Allow-Methods")).contains("PUT");
    assertThat(preflight.getHeader("Access-Control-Allow-Headers")).contains("Authorization");
    assertStatus(
        api.client()
            .request(io.vertx.core.http.HttpMethod.OPTIONS, api.port(), HOST, WIDGETS + "/one")
            .putHeader("Origin", "https://evil.example")
            .putHeader("Access-Control-Request-Method", "PUT")
            .send()
            .await(2, TimeUnit.MINUTES),
        403,
        "Forbidden");
    HttpResponse<Buffer> put =
        api.put(WIDGETS + "/one")
            .putHeader("Origin", "https://ui.example.com")
            .sendJsonObject(widget("one", 4))
            .await(2, TimeUnit.MINUTES);
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(202);
    assertThat(put.getHeader("Access-Control-Allow-Origin")).isEqualTo("https://ui.example.com");
  }

  @Test
  void aRebindingHostIsRefusedAndThePublicUrlIsWhatAnswersName() throws Exception {
    ApiFixture.Deployed api = deploy(new JsonObject());
    assertStatus(
        api.get(WIDGETS + "/one")
            .putHeader("Host", "evil.example:" + api.port())
            .send()
            .await(2, TimeUnit.MINUTES),
        421,
        "MisdirectedRequest");
    HttpResponse<Buffer> rebound =
        api.put(WIDGETS + "/one")
            .putHeader("Host", "evil.example")
            .sendJsonObject(widget("one", 8))
            .await(2, TimeUnit.MINUTES);
    assertStatus(rebound, 421, "MisdirectedRequest");
    assertThat(rebound.bodyAsString()).doesNotContain("proposals/");
    for (String host : List.of("localhost", "127.0.0.1", "[::1]", "LOCALHOST.")) {
      assertThat(
              api.get(WIDGETS + "/one")
                  .putHeader("Host", host + ":" + api.port())
                  .send()
                  .await(2, TimeUnit.MINUTES)
                  .statusCode())
          .as(host)
          .isEqualTo(200);
    }
    // health checks come with whatever Host the prober uses
    assertThat(
            api.get("/readyz")
                .putHeader("Host", "cup-0.cup")
                .send()
                .await(2, TimeUnit.MINUTES)
                .statusCode())
        .isEqualTo(200);

    ApiFixture.Deployed behindProxy =
        deploy(
            new JsonObject()
                .put("publicUrl", "https://cup.example.com/config")
                .put("allowedHosts", new JsonArray().add("cup.internal")));
    HttpResponse<Buffer> put =
        behindProxy
            .put(WIDGETS + "/one")
            .putHeader("Host", "cup.internal")
            .sendJsonObject(widget("one", 9))
            .await(2, TimeUnit.MINUTES);
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(202);
    assertThat(put.bodyAsJsonObject().getJsonObject("proposal").getString("url"))
        .startsWith("https://cup.example.com/config" + PROPOSALS + "/");
    assertThat(
            behindProxy
                .get(WIDGETS + "/one")
                .putHeader("Host", "cup.example.com")
                .send()
                .await(2, TimeUnit.MINUTES)
                .statusCode())
        .isEqualTo(200);
  }

  // -- helpers ------------------------------------------------------------------------------

  private static JsonObject timeouts(long idleMillis, long requestMillis) {
    return new JsonObject()
        .put("idleTimeoutMillis", idleMillis)
        .put("requestTimeoutMillis", requestMillis);
  }

  private Socket connect(int port, int readTimeoutMillis) throws IOException {
    Socket socket = new Socket(HOST, port);
    socket.setSoTimeout(readTimeoutMillis);
    sockets.add(socket);
    return socket;
  }

  private static void send(Socket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
  }

  /** Everything the server sends until it closes the connection (fails on the read timeout). */
  private static String readUntilClosed(Socket socket) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[8192];
    try {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
      }
    } catch (java.net.SocketException e) {
      // reset after the answer: what arrived is the answer
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  /** One answer with a Content-Length body, leaving the connection open. */
  private static String readAnswer(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      head.append((char) c);
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    byte[] body = in.readNBytes(length);
    return head + new String(body, StandardCharsets.UTF_8);
  }

  private static List<Path> listFiles(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static ListAppender<ILoggingEvent> captureLogs() {
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(appender);
    return appender;
  }

  private static void detach(ListAppender<ILoggingEvent> appender) {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAppender(appender);
  }
}
