package io.cup.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real smart-HTTP Git server on 127.0.0.1: a JDK {@code HttpServer} in the test JVM that runs the
 * real {@code git http-backend} CGI for every request, serving (fetch and push) every bare
 * repository under a project root. Every request needs HTTP Basic auth whose password is the
 * configured token (any user name); anything else is answered {@code 401} with {@code
 * WWW-Authenticate: Basic realm="git"}, as Git hosts answer.
 *
 * <pre>{@code
 * try (GitHttpServer http = GitHttpServer.serve(tempDir, "s3cret")) {
 *   TestRepos.createBare(tempDir.resolve("flags.git"), Map.of("a.json", "{}"));
 *   String url = http.url("flags.git"); // http://127.0.0.1:<port>/flags.git
 *   http.requests();                     // what was asked, and how it authenticated
 *   http.stop();  // the remote goes away ...
 *   http.start(); // ... and comes back on the same port
 * }
 * }</pre>
 *
 * <p>Requests are served on the server's own threads (the CGI process's stdin is fed from another
 * of them while its stdout is read), never on an event loop. The CGI's stderr goes to {@link
 * #log()}.
 */
public final class GitHttpServer implements AutoCloseable {
  /** How a request authenticated. */
  public enum Auth {
    /** No {@code Authorization} header: answered 401 with the challenge. */
    MISSING,
    /** Basic auth whose password is the token: passed to {@code git http-backend}. */
    ACCEPTED,
    /** Any other {@code Authorization}: answered 401. */
    REJECTED
  }

  /**
   * One request as the server saw it: method, path and query, the auth outcome, the Basic user name
   * offered (null without one) and the status answered.
   */
  public record Request(
      String method, String path, String query, Auth auth, String user, int status) {
    /** Whether this request ran {@code service} ({@code git-upload-pack}/{@code receive-pack}). */
    public boolean isService(String service) {
      return path.endsWith("/" + service) || ("service=" + service).equals(query);
    }
  }

  private static final String LOOPBACK = "127.0.0.1";
  private static final Duration CGI_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final List<String> BACKENDS =
      List.of("/usr/lib/git-core/git-http-backend", "/usr/libexec/git-core/git-http-backend");
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ThreadFactory DAEMON_THREADS =
      runnable -> {
        Thread thread = new Thread(runnable, "git-http-server-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
      };

  private final Path projectRoot;
  private final Path logFile;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Set<Process> running = ConcurrentHashMap.newKeySet();
  private volatile String token;
  private int port;
  private HttpServer server;
  private ExecutorService executor;

  /** A server for every repository under {@code projectRoot}, admitting {@code token}. */
  public GitHttpServer(Path projectRoot, String token) {
    this.projectRoot = Objects.requireNonNull(projectRoot, "projectRoot").toAbsolutePath();
    this.token = requireToken(token);
    try {
      this.logFile = Files.createTempFile("git-http-backend-", ".log");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the git http-backend log file", e);
    }
  }

  /** A started server for {@code projectRoot} (created if missing) admitting {@code token}. */
  public static GitHttpServer serve(Path projectRoot, String token) {
    return new GitHttpServer(projectRoot, token).start();
  }

  /**
   * Starts listening (a free loopback port the first time, the same port again after {@link
   * #stop()}); it accepts connections when this returns.
   */
  public synchronized GitHttpServer start() {
    if (server != null) {
      return this;
    }
    try {
      Files.createDirectories(projectRoot);
      HttpServer created = HttpServer.create(new InetSocketAddress(LOOPBACK, port), 50);
      ExecutorService threads = Executors.newCachedThreadPool(DAEMON_THREADS);
      created.setExecutor(threads);
      created.createContext("/", exchange -> handle(exchange, threads));
      created.start();
      port = created.getAddress().getPort();
      server = created;
      executor = threads;
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + LOOPBACK + ":" + port, e);
    }
  }

  /**
   * Stops listening, ends the {@code git http-backend} processes still running (by their handle)
   * and waits for them.
   */
  public synchronized void stop() {
    HttpServer stopping = server;
    ExecutorService threads = executor;
    server = null;
    executor = null;
    if (stopping == null) {
      return;
    }
    stopping.stop(0);
    for (Process process : running) {
      process.destroy();
    }
    threads.shutdown();
    try {
      if (!threads.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        threads.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      threads.shutdownNow();
    }
    for (Process process : running) {
      process.destroyForcibly();
    }
  }

  /** Stops the server for good and removes its log file. */
  @Override
  public void close() {
    stop();
    try {
      Files.deleteIfExists(logFile);
    } catch (IOException e) {
      // a leftover log file in the temp directory is harmless
    }
  }

  /** The clone URL of repository {@code repoName} (a path under the project root). */
  public String url(String repoName) {
    String name = repoName.startsWith("/") ? repoName.substring(1) : repoName;
    return "http://" + LOOPBACK + ":" + port() + "/" + name;
  }

  public synchronized int port() {
    if (port == 0) {
      throw new IllegalStateException("the server has not been started yet");
    }
    return port;
  }

  public Path projectRoot() {
    return projectRoot;
  }

  /** Replaces the token the server admits (a rotated credential). */
  public void token(String newToken) {
    this.token = requireToken(newToken);
  }

  /** Every request answered so far, in the order they completed. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** How many requests were answered so far. */
  public int requestCount() {
    return requests.size();
  }

  /** What {@code git http-backend} printed on stderr so far (for failure messages). */
  public String log() {
    try {
      return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + logFile + ": " + e.getMessage() + ")";
    }
  }

  // -- one request -----------------------------------------------------------------------------

  private void handle(HttpExchange exchange, ExecutorService threads) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    String query = exchange.getRequestURI().getRawQuery();
    int status = 500;
    Auth auth = Auth.MISSING;
    String user = null;
    try (exchange) {
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      String[] basic = basicCredentials(authorization);
      if (basic != null) {
        user = basic[0];
      }
      auth =
          authorization == null
              ? Auth.MISSING
              : basic != null && sameSecret(basic[1], token) ? Auth.ACCEPTED : Auth.REJECTED;
      if (auth != Auth.ACCEPTED) {
        status = 401;
        exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
        exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"git\"");
        sendText(exchange, status, "authentication required\n");
        return;
      }
      status = runBackend(exchange, user, threads);
    } finally {
      requests.add(new Request(method, path, query, auth, user, status));
    }
  }

  /**
   * Runs {@code git http-backend} with the CGI environment of the request, feeds it the request
   * body and streams its answer back. Returns the status answered.
   */
  private int runBackend(HttpExchange exchange, String user, ExecutorService threads)
      throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(backendCommand())
            .directory(projectRoot.toFile())
            .redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    Map<String, String> env = builder.environment();
    // Nothing of the JVM's own Git environment may change how the fixture repositories are served.
    env.keySet().removeIf(name -> name.startsWith("GIT_"));
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    env.put("GIT_CONFIG_GLOBAL", nullDevice().getPath());
    env.put("GIT_CONFIG_COUNT", "1");
    env.put("GIT_CONFIG_KEY_0", "http.receivepack");
    env.put("GIT_CONFIG_VALUE_0", "true");
    env.put("GIT_PROJECT_ROOT", projectRoot.toString());
    env.put("GIT_HTTP_EXPORT_ALL", "1");
    env.put("GATEWAY_INTERFACE", "CGI/1.1");
    env.put("SERVER_PROTOCOL", exchange.getProtocol());
    env.put("REQUEST_METHOD", exchange.getRequestMethod());
    env.put("PATH_INFO", exchange.getRequestURI().getPath());
    String query = exchange.getRequestURI().getRawQuery();
    env.put("QUERY_STRING", query == null ? "" : query);
    env.put("REMOTE_USER", user);
    env.put("REMOTE_ADDR", exchange.getRemoteAddress().getAddress().getHostAddress());
    putHeader(env, exchange, "Content-Type", "CONTENT_TYPE");
    putHeader(env, exchange, "Content-Length", "CONTENT_LENGTH");
    // git http-backend inflates a gzip request body itself when told its encoding (JGit gzips
    // the upload-pack negotiation it POSTs).
    putHeader(env, exchange, "Content-Encoding", "HTTP_CONTENT_ENCODING");
    putHeader(env, exchange, "Git-Protocol", "GIT_PROTOCOL");

    Process process = builder.start();
    running.add(process);
    try {
      // Fed from another thread while stdout is read here: the CGI may answer before it has read
      // all of a large body, and neither pipe may fill up and stall the other.
      Future<?> feeding = threads.submit(() -> feed(exchange.getRequestBody(), process));
      int status;
      try (InputStream out = new BufferedInputStream(process.getInputStream())) {
        status = relay(out, exchange);
      }
      awaitFed(feeding);
      if (!process.waitFor(CGI_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IOException("git http-backend did not exit within " + CGI_TIMEOUT);
      }
      return status;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running git http-backend", e);
    } finally {
      running.remove(process);
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
  }

  private static Void feed(InputStream body, Process process) throws IOException {
    try (OutputStream stdin = process.getOutputStream()) {
      body.transferTo(stdin);
    } catch (IOException e) {
      // The CGI exited without reading all of the body (it refused the request): its answer,
      // read on the other side, says why.
      if (process.isAlive()) {
        throw e;
      }
    }
    return null;
  }

  private static void awaitFed(Future<?> feeding) throws IOException, InterruptedException {
    try {
      feeding.get(CGI_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IOException("cannot pass the request body to git http-backend", e.getCause());
    } catch (TimeoutException e) {
      feeding.cancel(true);
      throw new IOException("the request body did not reach git http-backend in time", e);
    }
  }

  /**
   * Reads the CGI header block ({@code Status:} and headers up to a blank line), sends it as the
   * response head and streams the rest as the body. Returns the status sent.
   */
  private static int relay(InputStream cgi, HttpExchange exchange) throws IOException {
    int status = 200;
    boolean sawHeader = false;
    String line;
    while ((line = readLine(cgi)) != null && !line.isEmpty()) {
      sawHeader = true;
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IOException("git http-backend wrote a malformed header: " + line);
      }
      String name = line.substring(0, colon).strip();
      String value = line.substring(colon + 1).strip();
      if (name.equalsIgnoreCase("Status")) {
        status = Integer.parseInt(value.split(" ", 2)[0]);
      } else {
        exchange.getResponseHeaders().add(name, value);
      }
    }
    if (!sawHeader) {
      sendText(exchange, 502, "git http-backend answered nothing\n");
      return 502;
    }
    boolean bodyless = status == 204 || status == 304 || "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, bodyless ? -1 : 0);
    if (!bodyless) {
      try (OutputStream body = exchange.getResponseBody()) {
        cgi.transferTo(body);
      }
    }
    return status;
  }

  /** One header line without its line ending ({@code \n} or {@code \r\n}); null at the end. */
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        break;
      }
      line.write(b);
    }
    if (b == -1 && line.size() == 0) {
      return null;
    }
    String text = line.toString(StandardCharsets.ISO_8859_1);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }

  private static void sendText(HttpExchange exchange, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream body = exchange.getResponseBody()) {
      body.write(bytes);
    }
  }

  private static void putHeader(
      Map<String, String> env, HttpExchange exchange, String header, String variable) {
    String value = exchange.getRequestHeaders().getFirst(header);
    if (value != null) {
      env.put(variable, value);
    } else {
      env.remove(variable);
    }
  }

  // -- auth ------------------------------------------------------------------------------------

  /** {user, password} of a {@code Basic} header, or null when it is not one. */
  private static String[] basicCredentials(String authorization) {
    if (authorization == null) {
      return null;
    }
    String[] scheme = authorization.strip().split("\\s+", 2);
    if (scheme.length != 2 || !scheme[0].toLowerCase(Locale.ROOT).equals("basic")) {
      return null;
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(scheme[1]), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    int colon = decoded.indexOf(':');
    return colon < 0
        ? null
        : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
  }

  private static boolean sameSecret(String offered, String expected) {
    return MessageDigest.isEqual(
        offered.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
  }

  private static String requireToken(String token) {
    if (token == null || token.isEmpty()) {
      throw new IllegalArgumentException("a token is required");
    }
    return token;
  }

  // -- process ---------------------------------------------------------------------------------

  private static List<String> backendCommand() {
    for (String backend : BACKENDS) {
      if (Files.isExecutable(Path.of(backend))) {
        return List.of(backend);
      }
    }
    return List.of("git", "http-backend");
  }

  private static File nullDevice() {
    return new File("/dev/null");
  }
}
