package io.cup.proposals;

import io.cup.bus.Proposal;
import io.cup.git.GitSource;
import io.cup.proposals.ProposalStore.Stored;
import io.cup.status.StatusException;
import java.util.List;
import java.util.Objects;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Proposal records as the local clone has them, read only: what the reconciler and the publisher
 * read. A proposal is answered "live": with its head as its branch has it now (someone may have
 * pushed to it); {@link #recorded} answers the record as Cup last wrote it. Only {@link
 * ProposalRecords} (the publisher's) writes records. Every method blocks (JGit).
 */
final class ProposalReads {
  private final GitSource source;
  private final ProposalCommits commits;
  private final ProposalStores stores;

  ProposalReads(GitSource source, ProposalCommits commits, ProposalStores stores) {
    this.source = Objects.requireNonNull(source, "source");
    this.commits = Objects.requireNonNull(commits, "commits");
    this.stores = Objects.requireNonNull(stores, "stores");
  }

  List<Proposal> list() {
    ProposalStore store = store();
    List<Proposal> proposals = store.list().stream().map(s -> live(store, s.proposal())).toList();
    ProposalMetrics.openProposals(proposals.stream().filter(Proposal::isOpen).count());
    return proposals;
  }

  /** The proposal with the unified diff of its branch against its base. */
  Proposal get(String id) {
    ProposalStore store = store();
    Proposal proposal = live(store, find(store, id).proposal());
    return proposal.withDiff(commits.diff(store.repository(), proposal));
  }

  long openCount() {
    if (!source.isOpen()) {
      return 0;
    }
    return store().list().stream().filter(s -> s.proposal().isOpen()).count();
  }

  /** The record of {@code id} as the clone has it, with its branch head; 404 when unknown. */
  Proposal current(String id) {
    ProposalStore store = store();
    return live(store, find(store, id).proposal());
  }

  /** The record of {@code id} as last written by Cup (its head as Cup pushed it); 404 unknown. */
  Proposal recorded(String id) {
    return find(store(), id).proposal();
  }

  /** The commit the proposal branch points at in the clone, or null without a branch. */
  ObjectId branchHead(String id) {
    return store().resolve(ProposalStore.branchRef(id));
  }

  /** The store over the clone, once the clone is open (503 before). */
  ProposalStore store() {
    return stores.of(source);
  }

  static Stored find(ProposalStore store, String id) {
    return store
        .get(id)
        .orElseThrow(() -> StatusException.notFound("proposal " + quote(id) + " not found"));
  }

  /** The proposal with {@code head} as its branch has it now (someone may have pushed to it). */
  static Proposal live(ProposalStore store, Proposal proposal) {
    ObjectId branchHead = store.resolve(ProposalStore.branchRef(proposal.id()));
    if (branchHead == null || branchHead.name().equals(proposal.head())) {
      return proposal;
    }
    return proposal.withCommits(
        proposal.base(), branchHead.name(), proposal.resources(), proposal.updatedAt());
  }

  static ObjectId proposalHead(ProposalStore store, Proposal proposal) {
    ObjectId branchHead = store.resolve(ProposalStore.branchRef(proposal.id()));
    if (branchHead != null) {
      return branchHead;
    }
    if (proposal.head() == null || !ObjectId.isId(proposal.head())) {
      throw StatusException.conflict(
          "proposal " + proposal.id() + " has no branch " + proposal.branch() + " any more");
    }
    return ObjectId.fromString(proposal.head());
  }

  private static String quote(String id) {
    return "\"" + id + "\"";
  }
}
