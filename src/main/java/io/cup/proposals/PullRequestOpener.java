package io.cup.proposals;

import io.cup.bus.Proposal;
import io.cup.bus.ProposalAction;
import io.cup.bus.ProposalState;
import io.cup.retry.RetryPolicy;
import io.cup.scm.ScmClient;
import io.cup.scm.ScmException;
import io.cup.scm.ScmKind;
import io.cup.status.StatusException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pending → open (hosted SCM only): opens the pull or merge request of a pending proposal, now when
 * asked ({@code cup.scm.open}) and again at every sweep that finds it due, with the backoff of
 * {@link RetryPolicy} (exponential, jittered, honouring {@code Retry-After} and rate-limit resets).
 * {@link ScmClient#open} looks for a request of the branch first, so a lost answer never opens a
 * second one. Event loop only.
 */
final class PullRequestOpener {
  private static final Logger LOG = LoggerFactory.getLogger(PullRequestOpener.class);

  private final Vertx vertx;
  private final ScmKind scm;
  private final ScmClient client;
  private final Reads reads;
  private final RecordRequests records;
  private final String target;
  private final RetryPolicy policy;

  /** Open attempts in flight, by proposal id. */
  private final Map<String, Future<Proposal>> opening = new HashMap<>();

  /** When each pending proposal may be tried again, and how often it failed. */
  private final Map<String, Backoff> backoff = new HashMap<>();

  private record Backoff(int failures, long notBefore) {}

  /** How a proposal is read before it is opened (blocking; the clone opened first). */
  interface Reads {
    Future<Proposal> current(String id);
  }

  /**
   * @param target the tracked branch requests are opened into
   */
  PullRequestOpener(
      Vertx vertx,
      ScmKind scm,
      ScmClient client,
      Reads reads,
      RecordRequests records,
      String target,
      RetryPolicy policy) {
    this.vertx = vertx;
    this.scm = scm;
    this.client = client;
    this.reads = reads;
    this.records = records;
    this.target = target;
    this.policy = policy;
  }

  /** {@code cup.scm.open}: one attempt now (joins one already running). */
  Future<Proposal> openNow(ProposalAction request) {
    String id = request.id();
    if (id == null) {
      return Future.failedFuture(StatusException.badRequest("a proposal id is required"));
    }
    return open(id)
        .recover(
            e -> Future.failedFuture(PullRequestOutcomes.asStatus(e, "open a request for", id)));
  }

  /** Whether a sweep at {@code now} should try {@code proposal}: pending and not backing off. */
  boolean due(Proposal proposal, long now) {
    Backoff wait = backoff.get(proposal.id());
    return proposal.state() == ProposalState.PENDING && (wait == null || wait.notBefore() <= now);
  }

  /** One attempt to open the request of {@code id}; joins an attempt already running. */
  Future<Proposal> open(String id) {
    Future<Proposal> running = opening.get(id);
    if (running != null) {
      return running;
    }
    Future<Proposal> attempt =
        reads
            .current(id)
            .compose(
                proposal -> {
                  if (proposal.state() != ProposalState.PENDING) {
                    return Future.succeededFuture(proposal);
                  }
                  return client
                      .open(ProposalText.pullRequest(proposal, target))
                      .compose(pull -> records.pullRequest(id, pull, null))
                      .map(update -> update.proposal())
                      .onSuccess(
                          opened -> {
                            ProposalMetrics.scmCall(scm, "open", "success");
                            LOG.info(
                                "proposal {}: {} {} opened: {}",
                                id,
                                scm.requestName(),
                                opened.pullRequest(),
                                opened.url());
                          });
                });
    opening.put(id, attempt);
    attempt.onComplete(
        done -> {
          opening.remove(id);
          if (done.succeeded()) {
            backoff.remove(id);
          } else if (retries(done.cause())) {
            retryLater(id, done.cause());
          } else {
            backoff.remove(id);
            LOG.info("proposal {} is gone: not opening a request for it", id);
          }
        });
    return attempt;
  }

  /**
   * Whether a failed open is tried again: always, except for a proposal that does not exist (an
   * unknown id, or a record deleted or archived meanwhile), which no retry can open.
   */
  static boolean retries(Throwable failure) {
    return StatusException.from(failure).code() != 404;
  }

  private void retryLater(String id, Throwable failure) {
    Backoff previous = backoff.get(id);
    int failures = previous == null ? 1 : previous.failures() + 1;
    long asked = failure instanceof ScmException e ? e.retryAfterMillis() : RetryPolicy.NO_HINT;
    long delay = policy.delayMillis(failures, asked);
    backoff.put(id, new Backoff(failures, System.currentTimeMillis() + delay));
    ProposalMetrics.scmCall(scm, "open", failure instanceof ScmException ? "failure" : "error");
    LOG.warn(
        "proposal {} stays pending: {} (attempt {}, next in {} ms)",
        id,
        failure.getMessage(),
        failures,
        delay);
    vertx.setTimer(
        delay,
        t -> {
          Backoff due = backoff.get(id);
          if (due != null && due.notBefore() <= System.currentTimeMillis()) {
            open(id);
          }
        });
  }
}
