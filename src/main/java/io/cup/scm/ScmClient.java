package io.cup.scm;

import io.cup.config.ScmSettings;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One SCM's REST API, asynchronous (Vert.x Web Client; nothing blocks). Subclasses speak GitHub,
 * Gitea or GitLab; this class holds the shared plumbing: the token header, JSON in and out, a
 * timeout per call, and failures as {@link ScmException}s carrying the SCM's status and how long it
 * asked to wait ({@code Retry-After} in seconds or as a date, GitHub's {@code x-ratelimit-reset}
 * when {@code x-ratelimit-remaining} is 0, GitLab's {@code RateLimit-Reset}).
 */
public abstract class ScmClient {
  /** How long one call may take, by default, before it counts as failed (and is retried). */
  public static final long DEFAULT_CALL_TIMEOUT_MILLIS = 30_000;

  private static final int MAX_ERROR_TEXT = 300;

  protected final ScmKind kind;
  protected final ScmRepository repository;
  protected final String apiBase;
  private final WebClient client;
  private final Supplier<Optional<String>> token;
  private final Clock clock;
  private final long callTimeoutMillis;

  protected ScmClient(
      Vertx vertx,
      ScmKind kind,
      ScmRepository repository,
      String apiBase,
      Supplier<Optional<String>> token,
      Clock clock,
      long callTimeoutMillis) {
    this.callTimeoutMillis = callTimeoutMillis;
    this.kind = kind;
    this.repository = repository;
    this.apiBase = apiBase;
    this.token = token;
    this.clock = clock;
    this.client =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setUserAgent("cup")
                .setConnectTimeout(10_000)
                .setFollowRedirects(false));
  }

  /** The client for the configured SCM, or IllegalArgumentException for a bad repository. */
  public static ScmClient create(
      Vertx vertx,
      ScmKind kind,
      String remote,
      ScmSettings settings,
      Clock clock,
      long callTimeoutMillis) {
    ScmRepository repository = ScmRepository.of(kind, remote, settings.repo());
    String base = settings.url() == null ? kind.publicUrl() : ScmKind.checkApiUrl(settings.url());
    return switch (kind) {
      case GITHUB ->
          new GitHubClient(vertx, repository, base, settings::token, clock, callTimeoutMillis);
      case GITEA ->
          new GiteaClient(vertx, repository, base, settings::token, clock, callTimeoutMillis);
      case GITLAB ->
          new GitLabClient(vertx, repository, base, settings::token, clock, callTimeoutMillis);
    };
  }

  public ScmRepository repository() {
    return repository;
  }

  /** The request whose head branch is {@code head}, in any state, newest first; empty if none. */
  public abstract Future<Optional<PullRequest>> find(String head);

  /**
   * Opens a request, or, when one for the same head is already there (a lost answer, another node),
   * answers that one: never two for one branch. Adds the labels when they are missing.
   */
  public Future<PullRequest> open(NewPullRequest wanted) {
    return find(wanted.head())
        .compose(
            found ->
                found.isPresent()
                    ? Future.succeededFuture(found.get())
                    : create(wanted)
                        .recover(
                            e -> {
                              // the SCM refuses a second request for one head: use that one
                              if (e instanceof ScmException scm
                                  && scm.status() == alreadyExistsStatus()) {
                                return find(wanted.head())
                                    .compose(
                                        again ->
                                            again.isPresent()
                                                ? Future.succeededFuture(again.get())
                                                : Future.failedFuture(e));
                              }
                              return Future.failedFuture(e);
                            }))
        .compose(
            pull ->
                pull.labelled() || !pull.isOpen() || wanted.labels().isEmpty()
                    ? Future.succeededFuture(pull)
                    : addLabels(pull, wanted.labels()));
  }

  /** Creates the request (one call, no lookup). */
  protected abstract Future<PullRequest> create(NewPullRequest wanted);

  /** The status this SCM answers a create with when the head already has an open request. */
  protected abstract int alreadyExistsStatus();

  /** Adds labels to an open request; answers it as labelled. */
  protected abstract Future<PullRequest> addLabels(PullRequest pull, List<String> labels);

  /** The same request, now carrying Cup's label. */
  protected static PullRequest labelled(PullRequest pull) {
    return new PullRequest(
        pull.number(), pull.url(), pull.state(), pull.head(), pull.mergeCommit(), true);
  }

  /**
   * What a poll learnt: the request, or null when the SCM answered {@code 304 Not Modified}; and
   * the ETag to send next time (null when the SCM sent none).
   */
  public record Poll(PullRequest pull, String etag) {}

  /** One request by number. */
  public Future<PullRequest> get(long number) {
    return poll(number, null).map(Poll::pull);
  }

  /**
   * One request by number, asked conditionally: with {@code etag} (the last answer's) the request
   * carries {@code If-None-Match}, and an SCM that supports it answers {@code 304} when nothing
   * changed. Without an ETag from the SCM, every poll is a plain GET.
   */
  public Future<Poll> poll(long number, String etag) {
    HttpRequest<Buffer> request = getRequest(number);
    if (etag != null) {
      request.putHeader("If-None-Match", etag);
    }
    String what = getOperation();
    return send(what, request, null)
        .compose(
            response -> {
              if (response.statusCode() == 304 && etag != null) {
                String again = response.getHeader("ETag");
                return Future.succeededFuture(new Poll(null, again == null ? etag : again));
              }
              if (response.statusCode() / 100 != 2) {
                return Future.failedFuture(failure(what, response));
              }
              return Future.succeededFuture(
                  new Poll(parsePull(object(what, response)), response.getHeader("ETag")));
            });
  }

  /** The GET of one request by number (token header included). */
  protected abstract HttpRequest<Buffer> getRequest(long number);

  /** The name of that operation, for error messages. */
  protected abstract String getOperation();

  /** A request as the single-request answer shows it. */
  protected abstract PullRequest parsePull(JsonObject json);

  /** Adds a comment (GitLab: a note) to the request. */
  public abstract Future<Void> comment(long number, String text);

  /** Closes the request without merging it. */
  public abstract Future<PullRequest> close(long number);

  /** Replaces the request's description (its body). */
  public abstract Future<PullRequest> describe(long number, String body);

  /** Merges the request on the SCM with a merge commit. */
  public abstract Future<PullRequest> merge(long number, String message);

  public void close() {
    client.close();
  }

  // -- plumbing for subclasses -------------------------------------------------------------------

  /** A request to {@code apiBase + path} with the token header and JSON accepted. */
  protected HttpRequest<Buffer> request(HttpMethod method, String path) {
    HttpRequest<Buffer> request =
        client.requestAbs(method, apiBase + path).timeout(callTimeoutMillis);
    request.putHeader("Accept", accept());
    token.get().ifPresent(value -> authenticate(request, value));
    return request;
  }

  /** The Accept header this SCM documents. */
  protected String accept() {
    return "application/json";
  }

  /** Puts the token where this SCM reads it. */
  protected abstract void authenticate(HttpRequest<Buffer> request, String token);

  /** Sends and checks the status: a 2xx answer, else a failed future with an ScmException. */
  protected Future<HttpResponse<Buffer>> call(
      String what, HttpRequest<Buffer> request, JsonObject body) {
    return send(what, request, body)
        .compose(
            response -> {
              if (response.statusCode() / 100 == 2) {
                return Future.succeededFuture(response);
              }
              return Future.failedFuture(failure(what, response));
            });
  }

  /** Sends; any answer succeeds, no answer is an ScmException. */
  private Future<HttpResponse<Buffer>> send(
      String what, HttpRequest<Buffer> request, JsonObject body) {
    Future<HttpResponse<Buffer>> sent =
        body == null ? request.send() : request.sendJsonObject(body);
    return sent.recover(
        e ->
            Future.failedFuture(
                new ScmException(
                    kind.id() + " " + what + ": no answer (" + e.getMessage() + ")", 0, -1, e)));
  }

  /** The failure for a non-2xx answer: status, the SCM's message, how long to wait. */
  private ScmException failure(String what, HttpResponse<Buffer> response) {
    return new ScmException(
        kind.id()
            + " "
            + what
            + ": "
            + response.statusCode()
            + " "
            + Optional.ofNullable(response.statusMessage()).orElse("")
            + message(response),
        response.statusCode(),
        retryAfterMillis(response.headers()),
        null);
  }

  /** How long the SCM asked to wait, in millis, or -1 when it said nothing. */
  long retryAfterMillis(MultiMap headers) {
    String retryAfter = headers.get("Retry-After");
    if (retryAfter != null) {
      String value = retryAfter.strip();
      try {
        return Math.max(0, Long.parseLong(value)) * 1000;
      } catch (NumberFormatException notSeconds) {
        try {
          ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
          return Math.max(0, at.toInstant().toEpochMilli() - clock.millis());
        } catch (DateTimeParseException notDate) {
          return -1;
        }
      }
    }
    String remaining = headers.get("x-ratelimit-remaining");
    String reset =
        headers.get("x-ratelimit-reset") != null
            ? headers.get("x-ratelimit-reset")
            : headers.get("RateLimit-Reset");
    if (reset != null && (remaining == null || "0".equals(remaining.strip()))) {
      try {
        return Math.max(0, Long.parseLong(reset.strip()) * 1000 - clock.millis());
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    return -1;
  }

  /** The SCM's own error text (its "message" field, or the body), short, after ": ". */
  private static String message(HttpResponse<Buffer> response) {
    Buffer body = response.body();
    if (body == null || body.length() == 0) {
      return "";
    }
    String text;
    try {
      Object json = body.toJson();
      text =
          json instanceof JsonObject object && object.getValue("message") != null
              ? String.valueOf(object.getValue("message"))
              : body.toString();
    } catch (DecodeException e) {
      text = body.toString();
    }
    text = text.replaceAll("\\s+", " ").strip();
    if (text.length() > MAX_ERROR_TEXT) {
      text = text.substring(0, MAX_ERROR_TEXT) + "…";
    }
    return text.isEmpty() ? "" : ": " + text;
  }

  /** The JSON object of a 2xx answer; an ScmException when it is not one. */
  protected JsonObject object(String what, HttpResponse<Buffer> response) {
    try {
      return response.bodyAsJsonObject();
    } catch (DecodeException | ClassCastException e) {
      throw new ScmException(
          kind.id() + " " + what + ": the answer is not a JSON object", 502, -1, e);
    }
  }

  /** The JSON array of a 2xx answer; an ScmException when it is not one. */
  protected JsonArray array(String what, HttpResponse<Buffer> response) {
    try {
      return response.bodyAsJsonArray();
    } catch (DecodeException | ClassCastException e) {
      throw new ScmException(
          kind.id() + " " + what + ": the answer is not a JSON array", 502, -1, e);
    }
  }

  /** Whether a label list ([{name}] or ["name"]) holds {@link PullRequest#LABEL}. */
  protected static boolean hasLabel(JsonArray labels) {
    if (labels == null) {
      return false;
    }
    for (Object label : labels) {
      String name =
          label instanceof JsonObject object ? object.getString("name") : String.valueOf(label);
      if (PullRequest.LABEL.equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** The first request in a list answer whose head branch is {@code head}. */
  protected static Optional<PullRequest> withHead(
      JsonArray items, String head, Function<JsonObject, PullRequest> parse) {
    for (Object item : items) {
      PullRequest found = parse.apply((JsonObject) item);
      if (head.equals(found.head())) {
        return Optional.of(found);
      }
    }
    return Optional.empty();
  }
}
