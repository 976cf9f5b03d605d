package io.cup.proposals;

import io.cup.bus.Addresses;
import io.cup.bus.ArchivedProposals;
import io.cup.bus.ProposalArchive;
import io.cup.bus.ProposalRecordChange;
import io.cup.bus.ProposalRecordUpdate;
import io.cup.bus.PullRequestChange;
import io.cup.bus.Requester;
import io.cup.scm.PullRequest;
import io.cup.scm.ScmKind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;

/**
 * The reconciler's requests to the one writer of proposal records, the publisher ({@link
 * Addresses#PROPOSAL_RECORD}, {@link Addresses#PROPOSAL_ARCHIVE}): the reconciler learns, the
 * publisher records (with its leases) and publishes the events.
 */
final class RecordRequests {
  /** A change may fetch and try again a few times (see {@link RemoteRetries}). */
  private static final long TIMEOUT_MILLIS = 90_000;

  private final Vertx vertx;
  private final ScmKind scm;

  RecordRequests(Vertx vertx, ScmKind scm) {
    this.vertx = vertx;
    this.scm = scm;
  }

  /** Records what the SCM says of the proposal's pull request; {@code by} who acted through Cup. */
  Future<ProposalRecordUpdate> pullRequest(String id, PullRequest pull, Requester by) {
    PullRequestChange change =
        new PullRequestChange(
            scm == null ? null : scm.id(),
            pull.head(),
            pull.number(),
            pull.state(),
            pull.mergeCommit(),
            pull.url());
    return send(ProposalRecordChange.pullRequest(id, change, by));
  }

  /** Marks an open proposal conflicted. */
  Future<ProposalRecordUpdate> conflicted(String id) {
    return send(ProposalRecordChange.conflicted(id));
  }

  /** Closes a proposal whose pull request was never opened. */
  Future<ProposalRecordUpdate> closed(String id, Requester by) {
    return send(ProposalRecordChange.closed(id, by));
  }

  /** Moves a proposal onto {@code base}; not written when a lease did not hold. */
  Future<ProposalRecordUpdate> rebased(
      String id, ObjectId expectedHead, ObjectId base, ObjectId replayed) {
    return send(
        ProposalRecordChange.rebased(id, expectedHead.name(), base.name(), replayed.name()));
  }

  /** Archives up to {@code max} proposals done before {@code cutoff}. */
  Future<List<String>> archive(Instant cutoff, int max) {
    return Addresses.PROPOSAL_ARCHIVE
        .request(vertx.eventBus(), new ProposalArchive(cutoff.toString(), max), TIMEOUT_MILLIS)
        .map(ArchivedProposals::ids);
  }

  private Future<ProposalRecordUpdate> send(ProposalRecordChange change) {
    return Addresses.PROPOSAL_RECORD.request(vertx.eventBus(), change, TIMEOUT_MILLIS);
  }
}
