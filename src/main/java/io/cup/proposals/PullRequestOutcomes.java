package io.cup.proposals;

import io.cup.bus.Proposal;
import io.cup.bus.ProposalAction;
import io.cup.bus.ProposalEvent;
import io.cup.bus.ProposalId;
import io.cup.bus.ProposalState;
import io.cup.bus.PullRequestChange;
import io.cup.bus.PullRequestOutcome;
import io.cup.bus.Requester;
import io.cup.scm.PullRequest;
import io.cup.scm.ScmClient;
import io.cup.scm.ScmException;
import io.cup.scm.ScmKind;
import io.cup.status.StatusException;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What becomes of a proposal's pull or merge request on a hosted SCM, and recording it: webhooks
 * ({@code cup.scm.pull-request}), polls for requests merged or closed without one, merges and
 * closes through Cup's API ({@code cup.scm.merge}, {@code cup.scm.close}: done on the SCM, then
 * recorded), and the request's description kept in step with the resources a proposal touches. The
 * records are written by the publisher ({@link RecordRequests}). Event loop only.
 */
final class PullRequestOutcomes {
  private static final Logger LOG = LoggerFactory.getLogger(PullRequestOutcomes.class);

  private final ScmKind scm;
  private final ScmClient client;
  private final PullRequestOpener.Reads reads;
  private final RecordRequests records;
  private final RemoteRetries remote;
  private final String target;
  private final long pollMillis;

  /** What the last poll of each open request learnt: its ETag and when it was. */
  private final Map<String, Polled> polled = new HashMap<>();

  /** Polls in flight, by proposal id. */
  private final Set<String> polling = new HashSet<>();

  private record Polled(String etag, long at) {}

  /**
   * @param pollMillis how often an open request is asked for its state (0: never)
   */
  PullRequestOutcomes(
      ScmKind scm,
      ScmClient client,
      PullRequestOpener.Reads reads,
      RecordRequests records,
      RemoteRetries remote,
      String target,
      long pollMillis) {
    this.scm = scm;
    this.client = client;
    this.reads = reads;
    this.records = records;
    this.remote = remote;
    this.target = target;
    this.pollMillis = pollMillis;
  }

  // -- webhooks ----------------------------------------------------------------------------------

  /** {@code cup.scm.pull-request}: a verified webhook told how a request changed. */
  Future<PullRequestOutcome> webhook(PullRequestChange change) {
    String id = ProposalId.ofBranch(change.branch());
    if (!scm.id().equals(change.scm()) || id == null) {
      return Future.succeededFuture(PullRequestOutcome.ignored());
    }
    PullRequest pull =
        new PullRequest(
            change.number(),
            change.url(),
            change.state(),
            change.branch(),
            change.mergeCommit(),
            true);
    return record(id, pull, null)
        .map(p -> PullRequestOutcome.of(id, p.state()))
        .recover(
            e ->
                StatusException.from(e).code() == 404
                    ? Future.succeededFuture(PullRequestOutcome.unknown())
                    : Future.failedFuture(e));
  }

  // -- polling -----------------------------------------------------------------------------------

  /**
   * Asks the SCM for the state of every live proposal's request (open or conflicted, with a
   * number), each at most every {@code pollMillis} (never more often than the sweep; 0: never), so
   * a request merged or closed on the SCM without a webhook still ends its proposal. A request is
   * first asked one interval after this node first saw it. The request carries the ETag of the last
   * answer ({@code If-None-Match}), so an unchanged request costs a {@code 304} where the SCM
   * supports it (GitHub's {@code 304}s do not count against its rate limit); elsewhere it is a
   * plain GET.
   */
  void poll(List<Proposal> live, long now) {
    if (client == null || pollMillis <= 0) {
      return;
    }
    Set<String> ids = new HashSet<>();
    for (Proposal proposal : live) {
      String id = proposal.id();
      ids.add(id);
      if (proposal.pullRequest() == null || polling.contains(id)) {
        continue;
      }
      Polled last = polled.get(id);
      if (last == null) {
        polled.put(id, new Polled(null, now)); // seen now: first asked one interval later
        continue;
      }
      if (now - last.at() < pollMillis) {
        continue;
      }
      polling.add(id);
      client
          .poll(proposal.pullRequest(), last.etag())
          .compose(
              answer -> {
                polled.put(id, new Polled(answer.etag(), System.currentTimeMillis()));
                if (answer.pull() == null) {
                  ProposalMetrics.scmCall(scm, "poll", "not-modified");
                  return Future.succeededFuture();
                }
                ProposalMetrics.scmCall(scm, "poll", "success");
                return answer.pull().isOpen()
                    ? Future.succeededFuture()
                    : record(id, answer.pull(), null).mapEmpty();
              })
          .onFailure(
              e -> {
                ProposalMetrics.scmCall(scm, "poll", "failure");
                polled.put(id, new Polled(last.etag(), System.currentTimeMillis()));
                LOG.debug("cannot poll {} {}: {}", scm.requestName(), id, e.getMessage());
              })
          .onComplete(done -> polling.remove(id));
    }
    polled.keySet().retainAll(ids); // merged, closed, archived: no longer asked
  }

  // -- merge and close through Cup ---------------------------------------------------------------

  /** {@code cup.scm.merge}: merges the request on the SCM, records it, fetches the new head. */
  Future<Proposal> merge(ProposalAction action) {
    return onScm(
            action.id(),
            action.by(),
            "merge",
            p -> client.merge(p.pullRequest(), ProposalText.mergeMessage(p)))
        .compose(merged -> remote.refresh().otherwiseEmpty().map(merged));
  }

  /** {@code cup.scm.close}: closes the request on the SCM and records it. */
  Future<Proposal> close(ProposalAction action) {
    return onScm(action.id(), action.by(), "close", p -> client.close(p.pullRequest()));
  }

  /** Does {@code action} to the proposal's request on the SCM, then records the outcome. */
  private Future<Proposal> onScm(
      String id, Requester by, String action, Function<Proposal, Future<PullRequest>> call) {
    return remote
        .refresh()
        .otherwiseEmpty()
        .compose(v -> reads.current(id))
        .compose(
            proposal -> {
              if (proposal.state() == ProposalState.CLOSED && action.equals("close")) {
                return Future.succeededFuture(proposal);
              }
              if (!proposal.state().isLive()) {
                return Future.failedFuture(
                    StatusException.conflict(
                        "proposal "
                            + id
                            + " is "
                            + proposal.state()
                            + " and cannot be "
                            + action
                            + "d"));
              }
              if (proposal.pullRequest() == null && action.equals("close")) {
                // never opened on the SCM (conflicted while pending): close the record only
                return records.closed(id, by).map(update -> update.proposal());
              }
              if (proposal.pullRequest() == null) {
                return Future.failedFuture(
                    StatusException.conflict(
                        "proposal "
                            + id
                            + " is pending: its "
                            + scm.requestName()
                            + " is not open yet; try again shortly"));
              }
              return call.apply(proposal)
                  .recover(e -> Future.failedFuture(asStatus(e, action, id)))
                  .compose(pull -> record(id, pull, by));
            });
  }

  /**
   * Records what the SCM says of a proposal's request (number and URL, and its state when it moved:
   * opened, merged, closed); the publisher publishes the matching event.
   */
  private Future<Proposal> record(String id, PullRequest pull, Requester by) {
    return records.pullRequest(id, pull, by).map(update -> update.proposal());
  }

  // -- the description ---------------------------------------------------------------------------

  /**
   * A commit added to an open proposal ({@code ?proposal=}) may touch more resources: the request's
   * description lists them again. Best effort: a failure is logged, the next change rewrites it.
   */
  void describe(ProposalEvent event) {
    Proposal proposal = event.proposal();
    if (event.type() != ProposalEvent.Type.UPDATED
        || proposal.state() != ProposalState.OPEN
        || proposal.pullRequest() == null
        || !scm.id().equals(proposal.source())) {
      return;
    }
    client
        .describe(proposal.pullRequest(), ProposalText.pullRequest(proposal, target).body())
        .onSuccess(v -> ProposalMetrics.scmCall(scm, "describe", "success"))
        .onFailure(
            e -> {
              ProposalMetrics.scmCall(scm, "describe", "failure");
              LOG.warn(
                  "cannot update the description of {} {}: {}",
                  scm.requestName(),
                  proposal.pullRequest(),
                  e.getMessage());
            });
  }

  /** An SCM's failure as the status a client is answered: 409, 503 with Retry-After, or 502. */
  static StatusException asStatus(Throwable failure, String action, String id) {
    if (!(failure instanceof ScmException e)) {
      return StatusException.from(failure);
    }
    String message = "cannot " + action + " proposal " + id + ": " + e.getMessage();
    if (e.status() == 405 || e.status() == 409 || e.status() == 422) {
      return StatusException.conflict(message);
    }
    if (e.isTransient()) {
      return StatusException.unavailable(message, Math.max(1, (e.retryAfterMillis() + 999) / 1000));
    }
    return StatusException.badGateway(message, null);
  }
}
