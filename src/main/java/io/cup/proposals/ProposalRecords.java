package io.cup.proposals;

import io.cup.bus.ChangeSet;
import io.cup.bus.Proposal;
import io.cup.bus.ProposalEvent;
import io.cup.bus.ProposalEvent.Type;
import io.cup.bus.ProposalId;
import io.cup.bus.ProposalRequest;
import io.cup.bus.ProposalState;
import io.cup.bus.Requester;
import io.cup.bus.ResourceRef;
import io.cup.config.ServerConfig;
import io.cup.git.CommitWriter;
import io.cup.git.Credentials;
import io.cup.git.GitSource;
import io.cup.proposals.ProposalStore.Stored;
import io.cup.proposals.RemotePush.Outcome;
import io.cup.proposals.RemotePush.RefChange;
import io.cup.scm.ScmKind;
import io.cup.status.StatusException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of proposal records, for every SCM: a proposal is a branch {@code
 * cup/proposal/<id>} in the served repository plus a record ({@link ProposalStore}), both pushed to
 * the remote. It creates proposals (pending until the reconciler opens their pull request on a
 * hosted SCM; open with the {@code local} SCM, where Cup itself merges and closes them), adds
 * commits to them, merges and closes them, and applies what the reconciler asks for over the bus
 * ({@link io.cup.bus.Addresses#PROPOSAL_RECORD}: a pull request's outcome, a conflict, a rebase,
 * archiving). The commits themselves are {@link ProposalCommits}'s; reads are {@link
 * ProposalReads}'s. Only the publisher holds one.
 *
 * <p>Every remote change is pushed before the local clone is touched, with a lease on each ref
 * (creates expect no ref; updates expect the value this node read), so concurrent writers on
 * several nodes never overwrite each other: the loser sees {@link Optional#empty()} (merge, close)
 * and retries after a fetch.
 */
final class ProposalRecords implements Proposals {
  static final String SOURCE = "local";
  static final String URL_PREFIX = "/apis/cup.flipt.io/v1alpha1/proposals/";

  private static final Logger LOG = LoggerFactory.getLogger(ProposalRecords.class);

  private final GitSource source;
  private final Consumer<ProposalEvent> events;
  private final RemotePush push;
  private final ScmKind scm;
  private final ProposalCommits commits;
  private final ProposalReads reads;

  /**
   * @param scm the hosted SCM proposals go to (created {@code pending}, without URL, until the
   *     reconciler opened their pull request), or null for the {@code local} SCM
   */
  ProposalRecords(
      GitSource source,
      ServerConfig cfg,
      Consumer<ProposalEvent> events,
      ScmKind scm,
      ProposalStores stores) {
    this.source = Objects.requireNonNull(source, "source");
    Objects.requireNonNull(cfg, "cfg");
    this.events = Objects.requireNonNull(events, "events");
    this.push = new RemotePush(source, Credentials.of(cfg), ProposalMetrics.PUSH);
    this.scm = scm;
    this.commits = new ProposalCommits(source, cfg);
    this.reads = new ProposalReads(source, commits, stores);
  }

  /** The records as the clone has them. */
  ProposalReads reads() {
    return reads;
  }

  /** How this writer moves refs on the remote (for {@link PushQueue}). */
  RemotePush remotePush() {
    return push;
  }

  // -- create ------------------------------------------------------------------------------------

  /**
   * Commits the change set onto its base (no work tree), then pushes the branch {@code
   * cup/proposal/<id>} and the record in one push, both as creates; only then the local clone gets
   * the same refs. A change set that changes nothing is a 204 failure ("nothing to propose").
   */
  @Override
  public Proposal create(ProposalRequest request) {
    PreparedCreate prepared = prepareCreate(request);
    if (prepared.existing() != null) {
      return prepared.existing();
    }
    return created(prepared, push.push(prepared.refs()));
  }

  /**
   * The first half of {@link #create}: the proposal's commit and record, written to the clone's
   * object database but not yet referenced, or the proposal that already makes this change. Its
   * {@link PreparedCreate#refs()} go to the remote (alone, or with other creates' in one push:
   * {@link PushQueue}); then {@link #created} finishes.
   */
  PreparedCreate prepareCreate(ProposalRequest request) {
    ChangeSet changes = request.changes();
    String message = message(request.message());
    if (changes == null || changes.isEmpty()) {
      throw nothingToPropose();
    }
    ProposalStore store = reads.store();
    Optional<Proposal> proposed = alreadyProposed(store, commits, request);
    if (proposed.isPresent()) {
      LOG.info(
          "proposal {} already proposes this change by the same requester; answering it",
          proposed.get().id());
      return new PreparedCreate(proposed.get(), null, null, null);
    }
    ObjectId base = commits.base(changes.base());
    PersonIdent author = commits.author(request.author());
    PersonIdent committer = commits.author();
    try {
      CommitWriter.Result commit = commits.commit(base, changes.changes(), author, message);
      if (!commit.changed()) {
        throw nothingToPropose();
      }
      String id = ProposalId.next();
      String now = Instant.now().toString();
      Proposal proposal =
          Proposal.created(
              id,
              scm == null ? ProposalState.OPEN : ProposalState.PENDING,
              scm == null ? SOURCE : scm.id(),
              scm == null ? URL_PREFIX + id : null,
              ProposalId.branch(id),
              base == null ? null : base.name(),
              commit.commit().name(),
              message,
              request.resources(),
              now,
              request.author());
      ObjectId record = store.write(proposal, null, committer);
      return new PreparedCreate(null, proposal, commit.commit(), record);
    } catch (IOException e) {
      throw StatusException.internal("cannot write the proposal commit", e);
    }
  }

  /**
   * The second half of {@link #create}, once the prepared refs were pushed with {@code outcome}:
   * the local clone gets the same refs, and the proposal is announced.
   */
  Proposal created(PreparedCreate prepared, Outcome outcome) {
    Proposal proposal = prepared.proposal();
    String id = proposal.id();
    if (outcome == Outcome.STALE) {
      throw StatusException.badGateway("the Git remote already has refs of proposal " + id, null);
    }
    ProposalStore store = reads.store();
    source.exclusively(
        () -> {
          store.updateLocalRef(ProposalStore.branchRef(id), null, prepared.commit());
          return store.updateLocalRef(ProposalStore.recordRef(id), null, prepared.record());
        });
    ProposalMetrics.CREATED.increment();
    LOG.info(
        "opened proposal {} on {}: {}",
        id,
        proposal.branch(),
        ProposalText.firstLine(proposal.message()));
    // with a hosted SCM, "opened" comes from the reconciler once the pull request is open
    events.accept(new ProposalEvent(Type.of(proposal.state()), proposal));
    return proposal;
  }

  /**
   * A create between its two halves: either {@code existing} (the proposal that already makes the
   * change: nothing to push), or the new {@code proposal} with its commit and record objects.
   */
  record PreparedCreate(Proposal existing, Proposal proposal, ObjectId commit, ObjectId record) {
    /** The refs to create on the remote, the branch before its record. */
    List<RefChange> refs() {
      String id = proposal.id();
      return List.of(
          RefChange.create(ProposalStore.branchRef(id), commit),
          RefChange.create(ProposalStore.recordRef(id), record));
    }
  }

  /**
   * The open (or pending) proposal that already makes this change for the same requester: the same
   * resources with the same actions, its branch already holding every file of the change set as the
   * change set writes it, created by the same user (anonymous matches anonymous). A write retried
   * after a lost answer (a crash, a timeout) or {@code cup apply} run twice then answers that
   * proposal instead of opening a duplicate that would later conflict with it. Two such writes at
   * the very same moment on two publishers can still both create one.
   */
  private static Optional<Proposal> alreadyProposed(
      ProposalStore store, ProposalCommits commits, ProposalRequest request) {
    String by = request.author() == null ? null : request.author().username();
    List<ResourceRef> resources = request.resources();
    for (Stored stored : store.records()) {
      Proposal proposal = stored.proposal();
      String createdBy = proposal.createdBy() == null ? null : proposal.createdBy().username();
      if (!proposal.isOpen()
          || !Objects.equals(by, createdBy)
          || !touchesAll(proposal.resources(), resources)) {
        continue;
      }
      try {
        ObjectId head = ProposalReads.proposalHead(store, proposal);
        if (commits.holds(head, request.changes())) {
          return Optional.of(ProposalReads.live(store, proposal));
        }
      } catch (IOException | StatusException e) {
        LOG.debug("cannot compare with proposal {}: {}", proposal.id(), e.getMessage());
      }
    }
    return Optional.empty();
  }

  /**
   * Whether {@code proposed} has each of {@code wanted} (the same resource with the same action).
   * No allocation: it runs for every open proposal of the requester on every write.
   */
  private static boolean touchesAll(List<ResourceRef> proposed, List<ResourceRef> wanted) {
    for (ResourceRef want : wanted) {
      boolean found = false;
      for (ResourceRef has : proposed) {
        if (Objects.equals(want.name(), has.name())
            && Objects.equals(want.namespace(), has.namespace())
            && Objects.equals(want.kind(), has.kind())
            && Objects.equals(want.apiVersion(), has.apiVersion())
            && Objects.equals(want.action(), has.action())) {
          found = true;
          break;
        }
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  // -- append ------------------------------------------------------------------------------------

  /**
   * Adds the change set, computed against the proposal's branch, as one more commit on it, and
   * records the resources it touches; branch and record move together in one push, each with a
   * lease. When the branch moved since the change set was computed, the commit still goes on top if
   * the files it writes are as they were at its base (another resource's change went in meanwhile);
   * otherwise 409 so the client writes again.
   */
  @Override
  public Optional<Proposal> tryAppend(ProposalRequest request) {
    String id = request.proposal();
    ChangeSet changes = request.changes();
    String message = message(request.message());
    if (changes == null || changes.isEmpty()) {
      throw nothingToPropose();
    }
    ProposalStore store = reads.store();
    Stored stored = ProposalReads.find(store, id);
    Proposal proposal = stored.proposal();
    if (!proposal.isOpen()) {
      throw StatusException.conflict(
          "proposal "
              + id
              + " is "
              + proposal.state()
              + ": changes can only be added to an open proposal");
    }
    ObjectId head = ProposalReads.proposalHead(store, proposal);
    ObjectId base = commits.base(changes.base());
    PersonIdent author = commits.author(request.author());
    PersonIdent committer = commits.author();
    CommitWriter.Result commit;
    ObjectId record;
    Proposal updated;
    try {
      if (!head.equals(base) && !commits.sameFiles(base, head, changes)) {
        throw StatusException.conflict(
            "proposal "
                + id
                + " changed the same files while this change was computed; send the write again");
      }
      commit = commits.commit(head, changes.changes(), author, message);
      if (!commit.changed()) {
        throw nothingToPropose();
      }
      updated =
          proposal.withCommits(
              proposal.base(),
              commit.commit().name(),
              touched(proposal.resources(), request.resources()),
              Instant.now().toString());
      record = store.write(updated, stored.commit(), committer);
    } catch (MissingObjectException e) {
      throw StatusException.conflict(
          "cannot add to proposal "
              + id
              + ": its commit "
              + e.getObjectId().name()
              + " is missing");
    } catch (IOException e) {
      throw StatusException.internal("cannot write the commit for proposal " + id, e);
    }
    List<RefChange> refs =
        List.of(
            new RefChange(ProposalStore.branchRef(id), head, commit.commit()),
            new RefChange(ProposalStore.recordRef(id), stored.commit(), record));
    if (push.push(refs) == Outcome.STALE) {
      LOG.debug("adding to proposal {}: the remote moved meanwhile", id);
      return Optional.empty();
    }
    source.exclusively(
        () -> {
          store.updateLocalRef(ProposalStore.branchRef(id), head, commit.commit());
          return store.updateLocalRef(ProposalStore.recordRef(id), stored.commit(), record);
        });
    LOG.info("added to proposal {}: {}", id, ProposalText.firstLine(message));
    events.accept(new ProposalEvent(Type.UPDATED, updated));
    return Optional.of(updated);
  }

  /** The resources a proposal touches after another write: the newest action per resource. */
  private static List<ResourceRef> touched(List<ResourceRef> before, List<ResourceRef> added) {
    Map<String, ResourceRef> byResource = new LinkedHashMap<>();
    for (ResourceRef ref : before) {
      byResource.put(refKey(ref), ref);
    }
    for (ResourceRef ref : added) {
      byResource.remove(refKey(ref));
      byResource.put(refKey(ref), ref);
    }
    return List.copyOf(byResource.values());
  }

  private static String refKey(ResourceRef ref) {
    return ref.apiVersion() + '|' + ref.kind() + '|' + ref.namespace() + '|' + ref.name();
  }

  // -- record-only updates and rebases (the reconciler) ------------------------------------------

  /** A record rewrite: the proposal before and after it (the same object when nothing changed). */
  record Update(Proposal before, Proposal after) {
    boolean changedState() {
      return !before.state().equals(after.state());
    }
  }

  /**
   * Rewrites the record of {@code id} with {@code change} (pull request opened, merged or closed on
   * the SCM, conflicted) and pushes it with a lease. When {@code change} returns its argument,
   * nothing is written. Empty when the record moved on the remote meanwhile: refresh the clone and
   * try again.
   */
  Optional<Update> tryUpdate(String id, UnaryOperator<Proposal> change) {
    ProposalStore store = reads.store();
    Stored stored = ProposalReads.find(store, id);
    Proposal before = stored.proposal();
    Proposal updated = change.apply(before);
    if (updated == before) {
      return Optional.of(new Update(before, before));
    }
    ObjectId record = writeRecord(store, updated, stored.commit(), commits.author());
    RefChange ref = new RefChange(ProposalStore.recordRef(id), stored.commit(), record);
    if (push.push(List.of(ref)) == Outcome.STALE) {
      return Optional.empty();
    }
    source.exclusively(() -> store.updateLocalRef(ref.ref(), stored.commit(), record));
    return Optional.of(new Update(before, updated));
  }

  /**
   * Moves proposal {@code id} onto {@code newBase}: one commit with the tree of {@code replayed}
   * (its changes re-applied on {@code newBase}) and {@code newBase} as parent becomes the branch
   * head. Branch and record move in one push, the branch with a lease on {@code expectedHead}, so a
   * push by someone else to the proposal branch is never overwritten. Empty when a lease did not
   * hold.
   */
  Optional<Proposal> tryRebase(
      String id, ObjectId expectedHead, ObjectId newBase, ObjectId replayed) {
    ProposalStore store = reads.store();
    Stored stored = ProposalReads.find(store, id);
    Proposal proposal = stored.proposal();
    PersonIdent author = commits.author();
    ObjectId head = commits.rebased(proposal, newBase, replayed);
    Proposal rebased =
        proposal.withCommits(
            newBase.name(), head.name(), proposal.resources(), Instant.now().toString());
    ObjectId record = writeRecord(store, rebased, stored.commit(), author);
    List<RefChange> refs =
        List.of(
            new RefChange(ProposalStore.branchRef(id), expectedHead, head),
            new RefChange(ProposalStore.recordRef(id), stored.commit(), record));
    if (push.push(refs) == Outcome.STALE) {
      return Optional.empty();
    }
    source.exclusively(
        () -> {
          store.updateLocalRef(ProposalStore.branchRef(id), expectedHead, head);
          return store.updateLocalRef(ProposalStore.recordRef(id), stored.commit(), record);
        });
    LOG.info("moved proposal {} onto {} (head {})", id, newBase.name(), head.name());
    return Optional.of(rebased);
  }

  // -- retention (the reconciler) ----------------------------------------------------------------

  /**
   * Whether {@code proposal} is done (merged or closed) and last changed before {@code cutoff}, so
   * retention archives it. A record whose time cannot be read is kept.
   */
  static boolean expired(Proposal proposal, Instant cutoff) {
    if (!proposal.state().isDone()) {
      return false;
    }
    try {
      return proposal.updatedAt() != null && Instant.parse(proposal.updatedAt()).isBefore(cutoff);
    } catch (java.time.format.DateTimeParseException e) {
      return false;
    }
  }

  /**
   * Archives up to {@code max} proposals that {@link #expired} at {@code cutoff}, oldest first: one
   * archive commit ({@link ProposalStore#ARCHIVE_REF}) keeps their record commits and branch heads
   * reachable. Two pushes, every ref with a lease: the archive first, then (atomic when the remote
   * can) the deletion of their branches and records, so no record is ever deleted before the remote
   * has it archived. Answers the archived ids; empty when a lease did not hold (refresh, try again;
   * proposals archived but not yet deleted are archived again, which changes nothing).
   */
  Optional<List<String>> tryArchive(Instant cutoff, int max) {
    ProposalStore store = reads.store();
    List<Stored> due =
        store.list().stream()
            .filter(s -> expired(s.proposal(), cutoff))
            .sorted(java.util.Comparator.comparing((Stored s) -> s.proposal().id()))
            .limit(max)
            .toList();
    if (due.isEmpty()) {
      return Optional.of(List.of());
    }
    List<ProposalStore.Archived> batch = new ArrayList<>();
    for (Stored stored : due) {
      String id = stored.proposal().id();
      batch.add(
          new ProposalStore.Archived(
              id, stored.commit(), store.resolve(ProposalStore.branchRef(id))));
    }
    ObjectId previous = store.resolve(ProposalStore.ARCHIVE_REF);
    ObjectId archive;
    try {
      archive = store.writeArchive(previous, batch, commits.author());
    } catch (IOException e) {
      throw StatusException.internal("cannot write the proposal archive", e);
    }
    // first the archive on its own: a remote without atomic push undoes the refs a failed
    // ref-by-ref push created, and that must never be an archive whose records are already gone
    RefChange moveArchive =
        new RefChange(
            ProposalStore.ARCHIVE_REF, previous == null ? ObjectId.zeroId() : previous, archive);
    if (push.push(List.of(moveArchive)) == Outcome.STALE) {
      LOG.debug("archiving proposals: the archive moved meanwhile");
      return Optional.empty();
    }
    source.exclusively(() -> store.updateLocalRef(ProposalStore.ARCHIVE_REF, previous, archive));
    List<RefChange> deletes = new ArrayList<>();
    for (ProposalStore.Archived archived : batch) {
      deletes.add(
          new RefChange(
              ProposalStore.recordRef(archived.id()), archived.record(), ObjectId.zeroId()));
      if (archived.branchHead() != null) {
        deletes.add(
            new RefChange(
                ProposalStore.branchRef(archived.id()), archived.branchHead(), ObjectId.zeroId()));
      }
    }
    if (push.push(deletes) == Outcome.STALE) {
      // archived but not deleted: the next attempt archives them again (same entries) and deletes
      LOG.debug("archiving proposals: a record or branch moved meanwhile");
      return Optional.empty();
    }
    source.exclusively(
        () -> {
          for (ProposalStore.Archived archived : batch) {
            store.deleteLocalRef(ProposalStore.recordRef(archived.id()), archived.record());
            if (archived.branchHead() != null) {
              store.deleteLocalRef(ProposalStore.branchRef(archived.id()), archived.branchHead());
            }
          }
          return true;
        });
    List<String> ids = batch.stream().map(ProposalStore.Archived::id).toList();
    LOG.info(
        "archived {} proposal(s) into {} at {}: {}",
        ids.size(),
        ProposalStore.ARCHIVE_REF,
        archive.name(),
        String.join(", ", ids));
    return Optional.of(ids);
  }

  // -- read --------------------------------------------------------------------------------------

  @Override
  public List<Proposal> list() {
    return reads.list();
  }

  /** The proposal with the unified diff of its branch against its base. */
  @Override
  public Proposal get(String id) {
    return reads.get(id);
  }

  @Override
  public long openCount() {
    return reads.openCount();
  }

  // -- merge -------------------------------------------------------------------------------------

  /**
   * Merges an open proposal into the tracked branch as the clone has it now (the caller fetched
   * first): nothing to do when the branch already contains the proposal, a fast-forward when the
   * proposal is built on the branch head, else a merge commit "Merge proposal <id>: <message>" from
   * an in-memory three-way merge. Conflicts mark the proposal conflicted and fail with 409. The
   * branch moves on the remote only from the head merged onto, together with the record.
   */
  @Override
  public Optional<Proposal> tryMerge(String id, Requester by) {
    ProposalStore store = reads.store();
    Stored stored = ProposalReads.find(store, id);
    Proposal proposal = stored.proposal();
    if (proposal.state() != ProposalState.OPEN) {
      throw StatusException.conflict(
          "proposal " + id + " is " + proposal.state() + ": only an open proposal can be merged");
    }
    String branch = source.branch();
    ObjectId target = source.head();
    if (target == null) {
      throw StatusException.conflict(
          "cannot merge proposal " + id + ": the branch " + branch + " has no commit");
    }
    ObjectId head = ProposalReads.proposalHead(store, proposal);
    PersonIdent author = commits.author();
    PersonIdent merger = by == null ? author : commits.author(by);
    List<RefChange> changes = new ArrayList<>();
    ObjectId mergeCommit;
    try {
      if (store.isAncestor(head, target)) {
        mergeCommit =
            target; // merged already (by hand, or a push of this node that lost its reply)
      } else {
        if (store.isAncestor(target, head)) {
          mergeCommit = head;
        } else {
          ProposalCommits.ThreeWay merge = commits.merge(target, head, proposal, merger);
          if (merge.commit() == null) {
            return markConflicted(store, stored, head, merge.conflicts(), author);
          }
          mergeCommit = merge.commit();
        }
        changes.add(new RefChange(Constants.R_HEADS + branch, target, mergeCommit));
      }
    } catch (MissingObjectException e) {
      throw StatusException.conflict(
          "cannot merge proposal " + id + ": its commit " + head.name() + " is missing");
    } catch (IOException e) {
      throw StatusException.internal("cannot merge proposal " + id, e);
    }
    Proposal merged = transition(proposal, ProposalState.MERGED, head, mergeCommit, by);
    ObjectId record = writeRecord(store, merged, stored.commit(), author);
    changes.add(new RefChange(ProposalStore.recordRef(id), stored.commit(), record));
    if (push.push(changes) == Outcome.STALE) {
      LOG.debug("merging proposal {}: the remote moved meanwhile", id);
      return Optional.empty();
    }
    source.exclusively(
        () -> store.updateLocalRef(ProposalStore.recordRef(id), stored.commit(), record));
    ProposalMetrics.MERGED.increment();
    LOG.info("merged proposal {} into {} at {}", id, branch, mergeCommit.name());
    events.accept(new ProposalEvent(Type.MERGED, merged));
    return Optional.of(merged);
  }

  /**
   * Records that the proposal conflicts with the branch, then fails with 409 naming the paths.
   * Empty when the record moved meanwhile (retry).
   */
  private Optional<Proposal> markConflicted(
      ProposalStore store, Stored stored, ObjectId head, Set<String> paths, PersonIdent author) {
    Proposal proposal = stored.proposal();
    Proposal conflicted = transition(proposal, ProposalState.CONFLICTED, head, null, null);
    ObjectId record = writeRecord(store, conflicted, stored.commit(), author);
    RefChange change =
        new RefChange(ProposalStore.recordRef(proposal.id()), stored.commit(), record);
    if (push.push(List.of(change)) == Outcome.STALE) {
      return Optional.empty();
    }
    source.exclusively(() -> store.updateLocalRef(change.ref(), stored.commit(), record));
    LOG.info("proposal {} conflicts with {} in {}", proposal.id(), source.branch(), paths);
    events.accept(new ProposalEvent(Type.CONFLICTED, conflicted));
    throw StatusException.conflict(
        "proposal "
            + proposal.id()
            + " no longer applies cleanly to "
            + source.branch()
            + ": conflicting paths "
            + String.join(", ", paths));
  }

  // -- close -------------------------------------------------------------------------------------

  /**
   * Closes an open or conflicted proposal; its branch stays on the remote for reference. Closing a
   * closed proposal answers it as it is; a merged one is 409.
   */
  @Override
  public Optional<Proposal> tryClose(String id, Requester by) {
    ProposalStore store = reads.store();
    Stored stored = ProposalReads.find(store, id);
    Proposal proposal = stored.proposal();
    switch (proposal.state()) {
      case CLOSED:
        return Optional.of(ProposalReads.live(store, proposal));
      case OPEN, CONFLICTED:
        break;
      default:
        throw StatusException.conflict(
            "proposal " + id + " is " + proposal.state() + " and cannot be closed");
    }
    ObjectId head = ProposalReads.proposalHead(store, proposal);
    Proposal closed = transition(proposal, ProposalState.CLOSED, head, null, by);
    ObjectId record = writeRecord(store, closed, stored.commit(), commits.author());
    RefChange change = new RefChange(ProposalStore.recordRef(id), stored.commit(), record);
    if (push.push(List.of(change)) == Outcome.STALE) {
      return Optional.empty();
    }
    source.exclusively(() -> store.updateLocalRef(change.ref(), stored.commit(), record));
    ProposalMetrics.CLOSED.increment();
    LOG.info("closed proposal {}", id);
    events.accept(new ProposalEvent(Type.CLOSED, closed));
    return Optional.of(closed);
  }

  // -- helpers -----------------------------------------------------------------------------------

  private static Proposal transition(
      Proposal proposal, ProposalState state, ObjectId head, ObjectId mergeCommit, Requester by) {
    String now = Instant.now().toString();
    return proposal
        .withCommits(proposal.base(), head.name(), proposal.resources(), now)
        .withState(state, mergeCommit == null ? null : mergeCommit.name(), now, by);
  }

  private static ObjectId writeRecord(
      ProposalStore store, Proposal proposal, ObjectId parent, PersonIdent author) {
    try {
      return store.write(proposal, parent, author);
    } catch (IOException e) {
      throw StatusException.internal("cannot write the record of proposal " + proposal.id(), e);
    }
  }

  static String message(String message) {
    if (message == null || message.isBlank()) {
      throw StatusException.badRequest("a proposal needs a commit message");
    }
    return message;
  }

  /**
   * The change set leaves the repository as it is. Not an error for a client: the API answers
   * {@code 204 No Content} ("the desired state already holds"), so the failure carries code 204.
   */
  static StatusException nothingToPropose() {
    return new StatusException(
        204, "NoContent", "the change set changes nothing: the desired state already holds");
  }

  private static String quote(String id) {
    return "\"" + id + "\"";
  }
}
