package io.cup.proposals;

import io.cup.bus.ChangeSet;
import io.cup.bus.Proposal;
import io.cup.bus.ProposalEvent;
import io.cup.bus.ProposalId;
import io.cup.bus.ProposalRequest;
import io.cup.bus.ProposalState;
import io.cup.bus.Requester;
import io.cup.git.DirectorySource;
import io.cup.status.StatusException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Writes for a plain local directory source: there is no history to propose against, so a write is
 * applied in place at once (as the original Cup's local source did) and nothing is kept.
 *
 * <p>{@link #create} answers a {@link Proposal} with state {@code merged}, source {@value #SOURCE},
 * a fresh id, and no URL, branch or head: there is nothing to review. It publishes a {@code merged}
 * event. List is always empty; get, merge and close are 404.
 */
final class DirectoryProposals implements Proposals {
  static final String SOURCE = "directory";

  private final DirectorySource directory;
  private final Consumer<ProposalEvent> events;

  DirectoryProposals(DirectorySource directory, Consumer<ProposalEvent> events) {
    this.directory = Objects.requireNonNull(directory, "directory");
    this.events = Objects.requireNonNull(events, "events");
  }

  @Override
  public Optional<Proposal> tryAppend(ProposalRequest request) {
    throw StatusException.badRequest(
        "a local directory source applies every write at once: it has no proposal "
            + request.proposal()
            + " to add to");
  }

  @Override
  public Proposal create(ProposalRequest request) {
    ChangeSet changes = request.changes();
    String message = ProposalRecords.message(request.message());
    if (changes == null || changes.isEmpty()) {
      throw ProposalRecords.nothingToPropose();
    }
    directory.apply(changes.changes());
    String now = Instant.now().toString();
    Proposal applied =
        Proposal.created(
            ProposalId.next(),
            ProposalState.MERGED,
            SOURCE,
            null,
            null,
            changes.base(),
            null,
            message,
            request.resources(),
            now,
            request.author());
    ProposalMetrics.CREATED.increment();
    events.accept(new ProposalEvent(ProposalEvent.Type.MERGED, applied));
    return applied;
  }

  @Override
  public List<Proposal> list() {
    return List.of();
  }

  @Override
  public Proposal get(String id) {
    throw notFound(id);
  }

  @Override
  public Optional<Proposal> tryMerge(String id, Requester by) {
    throw notFound(id);
  }

  @Override
  public Optional<Proposal> tryClose(String id, Requester by) {
    throw notFound(id);
  }

  @Override
  public long openCount() {
    return 0;
  }

  private static StatusException notFound(String id) {
    return StatusException.notFound(
        "proposal \""
            + id
            + "\" not found: a local directory source applies writes in place and keeps no"
            + " proposals");
  }
}
