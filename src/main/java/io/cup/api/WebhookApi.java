package io.cup.api;

import io.cup.bus.Addresses;
import io.cup.bus.Empty;
import io.cup.bus.ProposalId;
import io.cup.bus.PullRequestChange;
import io.cup.bus.SourceKind;
import io.cup.config.ScmSettings;
import io.cup.scm.ScmKind;
import io.cup.scm.WebhookEvent;
import io.cup.scm.WebhookSignatures;
import io.cup.status.StatusException;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /webhooks/{scm}} for {@code github}, {@code gitea} and {@code gitlab}: SCM events
 * that make Cup fetch at once or move a proposal, so it does not wait for the next poll.
 *
 * <p>Each delivery goes through these steps, and stops at the first that does not pass:
 *
 * <ol>
 *   <li>{@code scm} must be github, gitea or gitlab (else 404), the body at most {@value
 *       #MAX_BODY_BYTES} bytes (else 413), read whole.
 *   <li>The webhook secret is read, on a worker, from {@code CUPD_API_WEBHOOK_SECRET} or the file
 *       of {@code --api-webhook-secret-file} (each delivery reads it again, so a rotated file takes
 *       effect at once). No secret configured: 401, webhooks are off.
 *   <li>The signature is checked ({@link WebhookSignatures}: GitHub {@code X-Hub-Signature-256},
 *       Gitea {@code X-Gitea-Signature}, GitLab {@code X-Gitlab-Token}). Missing or wrong: 401, and
 *       nothing else happens; the rejection is logged at WARN without any secret.
 *   <li>The payload is parsed ({@link WebhookEvent}); a push or pull request payload without what
 *       Cup needs is a 400.
 *   <li>A delivery id already handled (GitHub {@code X-GitHub-Delivery}, Gitea {@code
 *       X-Gitea-Delivery}, GitLab {@code Idempotency-Key} or {@code X-Gitlab-Event-UUID}) is
 *       answered 200 and ignored: an SCM redelivers when it missed an answer. The ids of deliveries
 *       handled successfully are remembered in the server's {@link WebhookDeliveries}, shared by
 *       every API instance (in process: {@link RecentWebhookDeliveries}).
 *   <li>A push to the tracked branch ({@code cup.repository.status} names it; it may be the
 *       remote's HEAD) asks the fetcher to fetch now ({@code cup.repository.fetch}) and answers 200
 *       once the fetch is done, naming the new head: a read right after the webhook sees the push.
 *       A failed fetch answers its status (502/503). A push to another branch, or of a tag, is
 *       ignored.
 *   <li>A pull or merge request event on a {@code cup/proposal/} branch is sent to the reconciler
 *       ({@code cup.scm.pull-request}: scm, branch, number, state open|closed|merged, mergeCommit,
 *       url) and answered 200 with what became of the proposal. With no SCM configured ({@code
 *       --api-git-scm local}) it is ignored. Other branches are ignored.
 *   <li>Any other event ({@code ping}, issues, tags…) is answered 200 and ignored.
 * </ol>
 *
 * <p>Every answer is a Kubernetes {@code Status}: {@code Success} with a message saying what
 * happened, or the failure. Each accepted delivery is logged at INFO in one line (scm, event,
 * delivery id, outcome).
 */
final class WebhookApi {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookApi.class);

  /** Largest accepted delivery: GitHub caps payloads at 25 MB. */
  static final long MAX_BODY_BYTES = 25L * 1024 * 1024;

  /** The route path; {@code :scm} is github, gitea or gitlab. */
  static final String PATH = "/webhooks/:scm";

  private static final String SCM_KEY = "cup.webhook.scm";

  private final BusClient bus;
  private final WebhookDeliveries deliveries;
  private final WorkerExecutor workers;
  private final ScmSettings settings;
  private final long timeoutMillis;

  /**
   * @param workers where the secret is read and the body verified and parsed (up to 25 MiB of HMAC
   *     and JSON is too much for an event loop)
   * @param timeoutMillis how long a fetch or the reconciler may take before the answer is 504
   * @param deliveries the deliveries handled already, the server's (see {@link WebhookDeliveries})
   */
  WebhookApi(
      BusClient bus,
      WorkerExecutor workers,
      ScmSettings settings,
      long timeoutMillis,
      WebhookDeliveries deliveries) {
    this.bus = bus;
    this.deliveries = Objects.requireNonNull(deliveries, "deliveries");
    this.workers = workers;
    this.settings = settings;
    this.timeoutMillis = timeoutMillis;
  }

  /** First handler: an unknown SCM is a 404 before any of the body is read. */
  void scm(RoutingContext ctx) {
    String name = ctx.pathParam("scm");
    ScmKind scm;
    try {
      scm = ScmKind.of(name);
    } catch (IllegalArgumentException e) {
      ctx.fail(
          StatusException.notFound(
              "no webhook endpoint for \"" + name + "\"; use /webhooks/github, gitea or gitlab"));
      return;
    }
    ctx.put(SCM_KEY, scm);
    ctx.next();
  }

  /** Last handler, after the body handler: verifies, parses and acts on the delivery. */
  void deliver(RoutingContext ctx) {
    ScmKind scm = ctx.get(SCM_KEY);
    Buffer buffer = ctx.body().buffer();
    byte[] body = buffer == null ? new byte[0] : buffer.getBytes();
    // a copy the worker may read: header lookups are case-insensitive, as HTTP's
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    ctx.request().headers().forEach(h -> headers.putIfAbsent(h.getKey(), h.getValue()));
    String from = String.valueOf(ctx.request().remoteAddress());
    Reply.send(
        ctx,
        workers
            .executeBlocking(() -> verifiedEvent(scm, headers, body, from), false)
            .compose(this::handle)
            .map(message -> Reply.json(200, success(message))));
  }

  /** On a worker: the secret, the signature, then the payload. */
  private WebhookEvent verifiedEvent(
      ScmKind scm, Map<String, String> headers, byte[] body, String from) {
    String secret;
    try {
      secret = secret();
    } catch (StatusException e) {
      LOG.warn("webhook {} delivery from {} rejected: {}", scm.id(), from, e.getMessage());
      throw e;
    }
    try {
      WebhookSignatures.verify(scm, headers::get, body, secret);
    } catch (WebhookSignatures.Rejected e) {
      LOG.warn(
          "webhook {} delivery {} from {} rejected: {}",
          scm.id(),
          deliveryId(scm, headers),
          from,
          e.getMessage());
      throw StatusException.unauthorized("the webhook signature is not valid: " + e.getMessage());
    }
    try {
      return WebhookEvent.parse(scm, headers::get, body);
    } catch (WebhookEvent.MalformedException e) {
      LOG.info(
          "webhook {} delivery {} rejected as malformed: {}",
          scm.id(),
          deliveryId(scm, headers),
          e.getMessage());
      throw StatusException.badRequest("malformed webhook delivery: " + e.getMessage());
    }
  }

  private String secret() {
    Optional<String> secret;
    try {
      secret = settings.webhookSecret();
    } catch (UncheckedIOException e) {
      // the message names the file, never its content
      LOG.warn("{}: {}", e.getMessage(), String.valueOf(e.getCause()));
      throw StatusException.unavailable("the webhook secret cannot be read", e);
    }
    return secret.orElseThrow(
        () ->
            StatusException.unauthorized(
                "webhooks need a secret: set "
                    + ScmSettings.WEBHOOK_SECRET_ENV
                    + " or --api-webhook-secret-file, and the same secret on the SCM's webhook"));
  }

  /** Acts on a verified event; the result is the message of the 200 answer. */
  private Future<String> handle(WebhookEvent event) {
    String key = event.deliveryId() == null ? null : event.scm().id() + ":" + event.deliveryId();
    Future<Boolean> handledBefore =
        key == null ? Future.succeededFuture(false) : deliveries.handled(key);
    return handledBefore.compose(
        duplicate -> {
          if (duplicate) {
            log(event, "duplicate, ignored");
            return Future.succeededFuture("duplicate delivery " + event.deliveryId() + " ignored");
          }
          return act(event)
              .compose(
                  done ->
                      key != null
                          ? (done.remember() ? remember(key) : forget(key)).map(done)
                          : Future.succeededFuture(done))
              .onSuccess(done -> log(event, done.message()))
              .onFailure(
                  e -> {
                    log(event, "failed: " + StatusException.from(e).getMessage());
                    if (key != null) {
                      forget(key);
                    }
                  })
              .map(Outcome::message);
        });
  }

  private Future<Outcome> act(WebhookEvent event) {
    if (event instanceof WebhookEvent.Push push) {
      return push(push);
    }
    if (event instanceof WebhookEvent.PullRequest pull) {
      return pullRequest(pull);
    }
    return Future.succeededFuture(
        Outcome.done(
            "ignored: " + event.scm().id() + " event \"" + event.event() + "\" is not used"));
  }

  /** A delivery that cannot be remembered was still handled: a redelivery acts again, no worse. */
  private Future<Void> remember(String key) {
    return deliveries
        .remember(key)
        .recover(
            e -> {
              LOG.warn("cannot remember webhook delivery {}: {}", key, e.getMessage());
              return Future.succeededFuture();
            });
  }

  /** A delivery that was not handled may come again; failing to say so is logged, no worse. */
  private Future<Void> forget(String key) {
    return deliveries
        .forget(key)
        .recover(
            e -> {
              LOG.warn("cannot forget webhook delivery {}: {}", key, e.getMessage());
              return Future.succeededFuture();
            });
  }

  /** What became of a delivery; {@code remember}: its id counts as handled. */
  private record Outcome(String message, boolean remember) {
    static Outcome done(String message) {
      return new Outcome(message, true);
    }
  }

  private Future<Outcome> push(WebhookEvent.Push push) {
    String branch = push.branch();
    if (branch == null) {
      return Future.succeededFuture(
          Outcome.done("ignored: " + push.ref() + " is not a branch; Cup tracks a branch"));
    }
    return bus.request(Addresses.REPOSITORY_STATUS, Empty.INSTANCE, bus.timeouts().status())
        .compose(
            status -> {
              if (status.source() == SourceKind.LOCAL) {
                return Future.succeededFuture(
                    Outcome.done(
                        "ignored: Cup serves a local directory; there is nothing to fetch"));
              }
              // no branch yet: not cloned, the remote's HEAD unknown; a fetch does no harm
              if (status.branch() != null && !status.branch().equals(branch)) {
                return Future.succeededFuture(
                    Outcome.done("ignored: push to " + branch + "; Cup tracks " + status.branch()));
              }
              return bus.request(Addresses.REPOSITORY_FETCH, Empty.INSTANCE, timeoutMillis)
                  .map(
                      fetched ->
                          Outcome.done(
                              "fetched: "
                                  + (fetched.branch() == null ? branch : fetched.branch())
                                  + " is at "
                                  + fetched.head()));
            });
  }

  private Future<Outcome> pullRequest(WebhookEvent.PullRequest pull) {
    String what = pull.scm().requestName() + " #" + pull.number();
    if (!pull.branch().startsWith(ProposalId.BRANCH_PREFIX)) {
      return Future.succeededFuture(
          Outcome.done(
              "ignored: " + what + " is from " + pull.branch() + ", not a Cup proposal branch"));
    }
    PullRequestChange request =
        new PullRequestChange(
            pull.scm().id(),
            pull.branch(),
            pull.number(),
            pull.state(),
            pull.mergeCommit(),
            pull.url());
    return bus.request(Addresses.SCM_PULL_REQUEST, request, timeoutMillis)
        .map(
            reply -> {
              String proposal = reply.proposal();
              String state = reply.state() == null ? pull.state() : reply.state();
              return Outcome.done(
                  proposal == null
                      ? what
                          + " ("
                          + pull.branch()
                          + ") is "
                          + pull.state()
                          + "; no proposal has it"
                      : what + " is " + pull.state() + ": proposal " + proposal + " is " + state);
            })
        .recover(
            e -> {
              if (e instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS) {
                // not remembered: a redelivery once an SCM is configured is handled
                return Future.succeededFuture(
                    new Outcome("ignored: no SCM is configured (--api-git-scm)", false));
              }
              return Future.failedFuture(e);
            });
  }

  private static void log(WebhookEvent event, String outcome) {
    LOG.info(
        "webhook {} {} delivery {}: {}",
        event.scm().id(),
        event.event(),
        event.deliveryId() == null ? "(no id)" : event.deliveryId(),
        outcome);
  }

  private static String deliveryId(ScmKind scm, Map<String, String> headers) {
    String id = WebhookEvent.deliveryId(scm, headers::get);
    return id == null ? "(no id)" : id;
  }

  /** A Kubernetes {@code Status} of success. */
  static JsonObject success(String message) {
    return new JsonObject()
        .put("apiVersion", "v1")
        .put("kind", "Status")
        .put("metadata", new JsonObject())
        .put("status", "Success")
        .put("message", message)
        .put("code", 200);
  }
}
