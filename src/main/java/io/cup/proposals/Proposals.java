package io.cup.proposals;

import io.cup.bus.Proposal;
import io.cup.bus.ProposalRequest;
import io.cup.bus.Requester;
import java.util.List;
import java.util.Optional;

/**
 * What the publisher does with proposals, for one kind of source. Every method blocks (Git, disk,
 * network): call from worker threads. Failures are {@link io.cup.status.StatusException}s.
 */
interface Proposals {
  /** Turns a change set into a proposal (or, for a directory, applies it). */
  Proposal create(ProposalRequest request);

  /**
   * Adds the change set as one more commit to the open proposal {@code request.proposal()}. Empty
   * when the remote moved under the attempt: refresh the clone and try again.
   */
  Optional<Proposal> tryAppend(ProposalRequest request);

  /** Every proposal, newest first, without diffs. */
  List<Proposal> list();

  /** One proposal with its diff; 404 when unknown. */
  Proposal get(String id);

  /**
   * Merges an open proposal into the tracked branch. Empty when the remote moved under the attempt
   * (a lease did not hold): refresh the clone and try again.
   */
  Optional<Proposal> tryMerge(String id, Requester by);

  /** Closes a proposal. Empty when the remote record moved under the attempt: refresh, retry. */
  Optional<Proposal> tryClose(String id, Requester by);

  /** How many proposals are open now. */
  long openCount();
}
