package io.cup.proposals;

import io.cup.bus.ArchivedProposals;
import io.cup.bus.Proposal;
import io.cup.bus.ProposalArchive;
import io.cup.bus.ProposalEvent;
import io.cup.bus.ProposalRecordChange;
import io.cup.bus.ProposalRecordUpdate;
import io.cup.bus.ProposalState;
import io.cup.bus.PullRequestChange;
import io.cup.bus.Requester;
import io.cup.proposals.ProposalRecords.Update;
import io.cup.scm.PullRequest;
import io.cup.status.StatusException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.function.Consumer;
import org.eclipse.jgit.lib.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publisher's side of {@code cup.proposal.record} and {@code cup.proposal.archive}: what the
 * reconciler learnt (a pull request's outcome, a conflict, a close, a rebase) and asks to be
 * recorded, written by the one writer of records ({@link ProposalRecords}) with its leases ({@link
 * RemoteRetries}); the event of a change of state is published here, by the writer.
 */
final class RecordChanges {
  private static final Logger LOG = LoggerFactory.getLogger(RecordChanges.class);

  private final Vertx vertx;
  private final ProposalRecords records;
  private final RemoteRetries remote;
  private final Consumer<ProposalEvent> events;

  RecordChanges(
      Vertx vertx, ProposalRecords records, RemoteRetries remote, Consumer<ProposalEvent> events) {
    this.vertx = vertx;
    this.records = Objects.requireNonNull(records, "records");
    this.remote = remote;
    this.events = events;
  }

  /** Records {@code request}; see {@link ProposalRecordChange}. */
  Future<ProposalRecordUpdate> record(ProposalRecordChange request) {
    String id = request.id();
    if (id == null || request.change() == null) {
      return Future.failedFuture(
          StatusException.badRequest("a proposal id and change are required"));
    }
    return switch (request.change()) {
      case PULL_REQUEST -> {
        if (request.pullRequest() == null) {
          yield Future.failedFuture(StatusException.badRequest("a pull request is required"));
        }
        PullRequest pull = pullRequest(request.pullRequest());
        yield update(id, p -> applied(p, pull, request.by()));
      }
      case CONFLICTED ->
          update(
              id,
              p ->
                  p.isOpen()
                      ? p.withState(ProposalState.CONFLICTED, null, Instant.now().toString())
                      : p);
      case CLOSED ->
          update(
              id,
              p -> p.withState(ProposalState.CLOSED, null, Instant.now().toString(), request.by()));
      case REBASED -> rebase(request);
    };
  }

  /**
   * Archives a batch of old merged and closed proposals; see {@link ProposalRecords#tryArchive}.
   */
  Future<ArchivedProposals> archive(ProposalArchive request) {
    Instant cutoff;
    try {
      cutoff = Instant.parse(request.cutoff());
    } catch (DateTimeParseException | NullPointerException e) {
      return Future.failedFuture(StatusException.badRequest("cutoff must be an RFC 3339 time"));
    }
    return remote
        .untilHeld(() -> records.tryArchive(cutoff, request.max()), "the proposal archive")
        .map(ArchivedProposals::new);
  }

  private Future<ProposalRecordUpdate> update(
      String id, java.util.function.UnaryOperator<Proposal> change) {
    return remote
        .untilHeld(() -> records.tryUpdate(id, change), "proposal " + id)
        .map(this::announced);
  }

  /** The update as answered; a change of state is counted, logged and published. */
  private ProposalRecordUpdate announced(Update update) {
    Proposal after = update.after();
    if (update.changedState()) {
      if (after.state() == ProposalState.MERGED) {
        ProposalMetrics.MERGED.increment();
      } else if (after.state() == ProposalState.CLOSED) {
        ProposalMetrics.CLOSED.increment();
      }
      LOG.info("proposal {} is {} on {}", after.id(), after.state(), after.source());
      events.accept(new ProposalEvent(ProposalEvent.Type.of(after.state()), after));
    }
    return new ProposalRecordUpdate(
        after, update.changedState(), update.after() != update.before());
  }

  private Future<ProposalRecordUpdate> rebase(ProposalRecordChange request) {
    String id = request.id();
    if (!isId(request.expectedHead()) || !isId(request.base()) || !isId(request.replayed())) {
      return Future.failedFuture(
          StatusException.badRequest("a rebase needs expectedHead, base and replayed commits"));
    }
    return vertx
        .executeBlocking(
            () ->
                records.tryRebase(
                    id,
                    ObjectId.fromString(request.expectedHead()),
                    ObjectId.fromString(request.base()),
                    ObjectId.fromString(request.replayed())),
            false)
        .compose(
            rebased -> {
              if (rebased.isPresent()) {
                events.accept(new ProposalEvent(ProposalEvent.Type.UPDATED, rebased.get()));
                return Future.succeededFuture(new ProposalRecordUpdate(rebased.get(), false, true));
              }
              return vertx
                  .executeBlocking(() -> records.reads().recorded(id), false)
                  .map(current -> new ProposalRecordUpdate(current, false, false));
            });
  }

  private static boolean isId(String commit) {
    return commit != null && ObjectId.isId(commit);
  }

  private static PullRequest pullRequest(PullRequestChange change) {
    return new PullRequest(
        change.number(), change.url(), change.state(), change.branch(), change.mergeCommit(), true);
  }

  /** The proposal as {@code pull} leaves it; the same object when nothing changes. */
  static Proposal applied(Proposal proposal, PullRequest pull) {
    return applied(proposal, pull, null);
  }

  /**
   * As {@link #applied(Proposal, PullRequest)}, recording {@code by} as who merged or closed it
   * (through Cup's API; null when the SCM reported it).
   */
  static Proposal applied(Proposal proposal, PullRequest pull, Requester by) {
    Proposal updated = proposal;
    // a webhook payload may lack the URL: the record keeps the one it has
    String url = pull.url() == null ? proposal.url() : pull.url();
    if (proposal.pullRequest() == null || !Objects.equals(url, proposal.url())) {
      updated = updated.withPullRequest(pull.number(), url);
    }
    String now = Instant.now().toString();
    boolean live = proposal.state().isLive();
    if (live && PullRequest.MERGED.equals(pull.state())) {
      updated = updated.withState(ProposalState.MERGED, pull.mergeCommit(), now, by);
    } else if (live && PullRequest.CLOSED.equals(pull.state())) {
      updated = updated.withState(ProposalState.CLOSED, null, now, by);
    } else if (proposal.state() == ProposalState.PENDING) {
      updated = updated.withState(ProposalState.OPEN, null, now);
    }
    return updated;
  }
}
