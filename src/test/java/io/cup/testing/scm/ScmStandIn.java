package io.cup.testing.scm;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for GitHub, Gitea or GitLab on 127.0.0.1: a JDK {@code HttpServer} in the test JVM,
 * serving one repository's pull (merge) requests the way the SCM does, and checking every request
 * against the SCM's published API description ({@link ApiDescription}) and its token scheme.
 *
 * <pre>{@code
 * try (ScmStandIn github = ScmStandIn.github("acme", "flags", "s3cret")) {
 *   // point the client at github.baseUrl() (Gitea clients add /api/v1, GitLab ones /api/v4)
 *   ... exercise Cup ...
 *   github.assertNoViolations();            // every request matched the description
 *   assertThat(github.pulls()).hasSize(1);  // what the SCM now holds
 *   github.failNext("pulls/create", 500, Map.of(), 1);   // the next create fails
 *   github.hangNext("pulls/create", true);  // the next create happens, its answer never comes
 * }
 * }</pre>
 *
 * <p>A request that departs from the description (unknown operation, undeclared or mistyped
 * parameter, body not matching the schema) or carries no valid token is recorded in {@link
 * #violations()} and answered the way the SCM answers it (400, 401, 404 or 422). Requests are
 * served on the stand-in's own threads, one per exchange, so a hung exchange blocks nothing else.
 * Every method is thread-safe.
 */
public final class ScmStandIn implements AutoCloseable {
  /** The SCM a stand-in plays. */
  public enum Kind {
    GITHUB,
    GITEA,
    GITLAB
  }

  /** A pull (merge) request as the stand-in holds it. State is {@code open} or {@code closed}. */
  public record PullSnapshot(
      int number,
      String head,
      String base,
      String title,
      String body,
      List<String> labels,
      String state,
      boolean merged,
      String mergeSha,
      List<String> comments) {}

  /**
   * One request as it was answered.
   *
   * @param operationId the matched operation, or null if it matched none
   * @param status the status answered, or 0 if the exchange was hung
   */
  public record RecordedRequest(
      String method, String path, String query, String operationId, int status) {}

  private record Fault(int status, Map<String, String> headers) {}

  private final Kind kind;
  private final String token;
  private final HttpServer server;
  private final ExecutorService threads;
  private final Host host;
  private final PullStore store = new PullStore();
  private final CountDownLatch closed = new CountDownLatch(1);

  // everything below is guarded by "this"
  private final List<String> violations = new ArrayList<>();
  private final List<RecordedRequest> requests = new ArrayList<>();
  private final Map<String, Integer> arrivals = new HashMap<>();
  private final Map<String, Deque<Fault>> faults = new HashMap<>();
  private final Map<String, Deque<Boolean>> hangs = new HashMap<>();

  /** A GitHub stand-in for {@code owner/repo}, web pages under {@code https://github.example}. */
  public static ScmStandIn github(String owner, String repo, String token) {
    return builder(Kind.GITHUB).repository(owner, repo).token(token).start();
  }

  /** A Gitea stand-in for {@code owner/repo}, web pages under {@code https://gitea.example}. */
  public static ScmStandIn gitea(String owner, String repo, String token) {
    return builder(Kind.GITEA).repository(owner, repo).token(token).start();
  }

  /**
   * A GitLab stand-in for the project at {@code projectPath} (nested groups allowed, e.g. {@code
   * group/sub/flags}); clients may name it by its URL-encoded path or by its id (1 by default).
   */
  public static ScmStandIn gitlab(String projectPath, String token) {
    return builder(Kind.GITLAB).project(projectPath).token(token).start();
  }

  public static Builder builder(Kind kind) {
    return new Builder(kind);
  }

  /** Options of a stand-in; {@link #start()} binds it to a free port on 127.0.0.1. */
  public static final class Builder {
    private final Kind kind;
    private String owner;
    private String repo;
    private String projectPath;
    private long projectId = 1;
    private String token;
    private String webBase;

    private Builder(Kind kind) {
      this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** GitHub and Gitea: the one repository served; any other answers 404. */
    public Builder repository(String owner, String repo) {
      this.owner = Objects.requireNonNull(owner, "owner");
      this.repo = Objects.requireNonNull(repo, "repo");
      return this;
    }

    /** GitLab: the one project served, by its full path ({@code group/sub/name}). */
    public Builder project(String projectPath) {
      this.projectPath = Objects.requireNonNull(projectPath, "projectPath");
      return this;
    }

    /** GitLab: the project's numeric id, which clients may use instead of its path. */
    public Builder projectId(long projectId) {
      this.projectId = projectId;
      return this;
    }

    /** The token every request must carry, the way the SCM expects it. */
    public Builder token(String token) {
      this.token = Objects.requireNonNull(token, "token");
      return this;
    }

    /** Where the SCM's web pages live, for {@code html_url} / {@code web_url}. */
    public Builder webBase(String webBase) {
      this.webBase = Objects.requireNonNull(webBase, "webBase");
      return this;
    }

    public ScmStandIn start() {
      Objects.requireNonNull(token, "token");
      if (kind == Kind.GITLAB ? projectPath == null : owner == null) {
        throw new IllegalStateException(
            kind == Kind.GITLAB ? "a GitLab stand-in needs project(path)" : "needs repository()");
      }
      return new ScmStandIn(this);
    }
  }

  private ScmStandIn(Builder options) {
    this.kind = options.kind;
    this.token = options.token;
    try {
      this.server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the SCM stand-in on 127.0.0.1", e);
    }
    try {
      this.host = host(options, baseUrl());
      host.description(); // load (and fail) now, not on the first request
    } catch (RuntimeException e) {
      server.stop(0);
      throw e;
    }
    AtomicInteger count = new AtomicInteger();
    this.threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "scm-stand-in-" + kind + "-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(threads);
    server.createContext("/", this::exchange);
    server.start();
  }

  private static Host host(Builder options, String base) {
    return switch (options.kind) {
      case GITHUB ->
          new GitHubHost(
              options.owner, options.repo, base, webBase(options, "https://github.example"));
      case GITEA ->
          new GiteaHost(
              options.owner, options.repo, base, webBase(options, "https://gitea.example"));
      case GITLAB ->
          new GitLabHost(
              options.projectPath, options.projectId, webBase(options, "https://gitlab.example"));
    };
  }

  private static String webBase(Builder options, String fallback) {
    return options.webBase != null ? options.webBase : fallback;
  }

  public Kind kind() {
    return kind;
  }

  /** {@code http://127.0.0.1:<port>}, without the SCM's API prefix. */
  public String baseUrl() {
    return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + port();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Every departure from the description or the token scheme seen so far. */
  public synchronized List<String> violations() {
    return List.copyOf(violations);
  }

  /** Throws an {@link AssertionError} listing every violation, if there was any. */
  public void assertNoViolations() {
    List<String> seen = violations();
    if (!seen.isEmpty()) {
      throw new AssertionError(
          seen.size()
              + " request(s) departed from the "
              + host.description().name()
              + " API description:\n  "
              + String.join("\n  ", seen));
    }
  }

  /** The pull (merge) requests the SCM holds now, oldest first. */
  public synchronized List<PullSnapshot> pulls() {
    return store.snapshots();
  }

  /** Every request answered (or hung) so far, in order. */
  public synchronized List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  /** How many requests for an operation have arrived, answered or not. */
  public synchronized int requestCount(String operationId) {
    return arrivals.getOrDefault(operationId, 0);
  }

  /**
   * Answers the next {@code times} valid requests for an operation with {@code status} and these
   * extra headers (e.g. 429 with {@code Retry-After: 1}; GitHub's 403 with {@code
   * x-ratelimit-remaining: 0}), without doing anything.
   */
  public synchronized void failNext(
      String operationId, int status, Map<String, String> headers, int times) {
    Deque<Fault> queue = faults.computeIfAbsent(operationId, k -> new ArrayDeque<>());
    for (int i = 0; i < times; i++) {
      queue.add(new Fault(status, Map.copyOf(headers)));
    }
  }

  /** Drops every queued fault, for every operation. */
  public synchronized void clearFaults() {
    faults.clear();
  }

  /**
   * Never answers the next valid request for an operation (until {@link #close()}). With {@code
   * applyFirst} the operation takes effect first, as when an answer is lost on the way back.
   */
  public synchronized void hangNext(String operationId, boolean applyFirst) {
    hangs.computeIfAbsent(operationId, k -> new ArrayDeque<>()).add(applyFirst);
  }

  /** Blocks a test thread until a request for the operation has arrived; false on timeout. */
  public boolean awaitRequest(String operationId, Duration timeout) throws InterruptedException {
    return awaitRequests(operationId, 1, timeout);
  }

  /** Blocks a test thread until {@code count} requests for the operation have arrived. */
  public synchronized boolean awaitRequests(String operationId, int count, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (arrivals.getOrDefault(operationId, 0) < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  /** Opens a pull request directly, as a person on the SCM would; returns its number. */
  public synchronized int openPull(String head, String base, String title, String body) {
    return store.open(head, base, title, body).number;
  }

  /** Merges a pull request as a person on the SCM would, with the given merge commit. */
  public synchronized void merge(int number, String mergeSha) {
    store.merge(pull(number), Objects.requireNonNull(mergeSha, "mergeSha"));
  }

  /** Closes a pull request without merging, as a person on the SCM would. */
  public synchronized void close(int number) {
    store.close(pull(number));
  }

  private PullStore.Pull pull(int number) {
    return store
        .get(number)
        .orElseThrow(() -> new IllegalArgumentException("no pull request #" + number));
  }

  /** Stops the server; hung exchanges are released without an answer. */
  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
    threads.shutdownNow();
  }

  private void exchange(HttpExchange exchange) {
    try (exchange) {
      ApiDescription.Request request = read(exchange);
      Host.Reply reply = answer(exchange, request);
      if (reply != null) {
        send(exchange, reply);
      }
    } catch (IOException e) {
      // the client went away; nothing to answer
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      synchronized (this) {
        violations.add("the stand-in failed on a request: " + e);
      }
      try {
        send(exchange, Host.Reply.of(500, Host.message("stand-in failure: " + e)));
      } catch (IOException ignored) {
        // the client went away
      }
    }
  }

  /** Checks and performs one request; null when the exchange was hung and must not be answered. */
  private Host.Reply answer(HttpExchange exchange, ApiDescription.Request request)
      throws InterruptedException {
    ApiDescription.Result check = host.description().check(request);
    if (check.operationId() == null) {
      check = host.undescribed(request).orElse(check);
    }
    String op = check.operationId();
    Boolean hang = null;
    Host.Reply reply;
    synchronized (this) {
      if (op != null) {
        arrivals.merge(op, 1, Integer::sum);
        notifyAll();
      }
      check.violations().forEach(v -> violations.add(v.message()));
      if (!host.authorized(request, token)) {
        violations.add(
            request.method() + " " + request.rawPath() + ": missing or wrong credentials");
        reply = host.unauthorized();
      } else if (!check.violations().isEmpty()) {
        ApiDescription.Violation first = check.violations().get(0);
        reply = host.rejected(first.problem(), first.message());
      } else if (!host.ownsRepository(check.pathParameters())) {
        reply = host.notFound();
      } else if (faults.containsKey(op) && !faults.get(op).isEmpty()) {
        Fault fault = faults.get(op).poll();
        reply = new Host.Reply(fault.status(), fault.headers(), host.failureBody(fault.status()));
      } else {
        hang = hangs.containsKey(op) ? hangs.get(op).poll() : null;
        Host.Call call = new Host.Call(op, check.pathParameters(), check.query(), check.body());
        reply = hang == null || hang ? host.handle(call, store) : null;
        if (reply != null) {
          reply = conditional(request, op, reply);
        }
      }
      int status = hang != null ? 0 : reply.status();
      requests.add(
          new RecordedRequest(
              request.method(),
              exchange.getRequestURI().getRawPath(),
              request.rawQuery(),
              op,
              status));
    }
    if (hang != null) {
      closed.await(5, TimeUnit.MINUTES); // a hung exchange ends when the stand-in closes
      return null;
    }
    return reply;
  }

  /**
   * Conditional requests, only where the description says the operation may answer {@code 304 Not
   * Modified} (GitHub's GETs): a {@code 200} gets a strong {@code ETag} over its body, and a
   * request whose {@code If-None-Match} names the current one is answered {@code 304} without a
   * body. Elsewhere (Gitea, GitLab) answers carry no ETag, as their descriptions declare none.
   */
  private Host.Reply conditional(ApiDescription.Request request, String op, Host.Reply reply) {
    if (!request.method().equalsIgnoreCase("GET")
        || reply.status() != 200
        || reply.body() == null
        || !host.description().declaresStatus(op, 304)) {
      return reply;
    }
    String etag;
    try {
      etag =
          "\""
              + PullStore.sha1(new String(Host.JSON.writeValueAsBytes(reply.body()), UTF_8))
              + "\"";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> headers = new HashMap<>(reply.headers());
    headers.put("ETag", etag);
    if (request.header("If-None-Match").filter(etag::equals).isPresent()) {
      return new Host.Reply(304, headers, null);
    }
    return new Host.Reply(reply.status(), headers, reply.body());
  }

  private static ApiDescription.Request read(HttpExchange exchange) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    return new ApiDescription.Request(
        exchange.getRequestMethod(),
        exchange.getRequestURI().getRawPath(),
        exchange.getRequestURI().getRawQuery(),
        exchange.getRequestHeaders(),
        body);
  }

  private static void send(HttpExchange exchange, Host.Reply reply) throws IOException {
    reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
    JsonNode body = reply.body();
    if (body == null) {
      exchange.sendResponseHeaders(reply.status(), -1);
      return;
    }
    byte[] bytes = Host.JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.sendResponseHeaders(reply.status(), bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
