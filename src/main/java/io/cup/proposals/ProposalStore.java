package io.cup.proposals;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.cup.bus.Proposal;
import io.cup.bus.ProposalId;
import io.cup.git.GitSource;
import io.cup.status.StatusException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.errors.LargeObjectException;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proposal records, kept in Git so they survive restarts and every node sees the same state.
 *
 * <p>The record of proposal {@code <id>} is the ref {@code refs/cup/proposals/<id>}: a chain of
 * commits whose tree holds one file, {@value #FILE}, the {@link Proposal} as JSON (without diff).
 * Each state change is a new commit on top of the previous one, so the ref's history is the
 * proposal's audit log. Records travel with the repository: pushed to the remote with the proposal
 * branch, fetched back by every node ({@code +refs/cup/*:refs/cup/*}).
 *
 * <p>This class reads records from the local clone and writes record commits into its object
 * database; moving refs on the remote is the caller's job ({@link RemotePush}), after which it
 * moves the local ref with {@link #updateLocalRef}. Parsed records are cached by record commit id
 * (commits never change). Given the clone ({@link GitSource}), the store also keeps the records it
 * listed, moves them along with its own {@link #updateLocalRef} and {@link #deleteLocalRef}, and
 * reads the refs again only when someone else changed them ({@link GitSource#refsGeneration()}: a
 * fetch, another store's move): the publisher's check of the open proposals on every write then
 * costs no ref scan, however many proposals there are.
 */
public final class ProposalStore {
  /** The largest proposal record read (a record lists resource names, never their content). */
  static final int MAX_RECORD_BYTES = 1 << 20;

  /** Where records live: {@code refs/cup/proposals/<id>}. */
  public static final String RECORD_PREFIX = ProposalId.RECORD_PREFIX;

  /** The one file of a record's tree. */
  public static final String FILE = "proposal.json";

  /**
   * Where archived records go: a chain of commits, one per archived batch, whose parents are the
   * previous archive commit, then each archived record commit and proposal branch head (so they
   * stay reachable once their refs are deleted), and whose tree holds {@code <id>/proposal.json}
   * for every proposal archived so far.
   */
  public static final String ARCHIVE_REF = "refs/cup/archive";

  /** One proposal to archive: its record commit and its branch head (null: no branch). */
  public record Archived(String id, ObjectId record, ObjectId branchHead) {}

  private static final Logger LOG = LoggerFactory.getLogger(ProposalStore.class);
  private static final int UPDATE_ATTEMPTS = 3;

  private final Repository repository;
  private final Cache<ObjectId, Proposal> cache = Caffeine.newBuilder().maximumSize(50_000).build();

  /** One record: the proposal and the record commit it was read from (or written as). */
  public record Stored(Proposal proposal, ObjectId commit) {}

  /** The clone whose refs generation tells when the kept records are stale, or null (none kept). */
  private final GitSource refs;

  /** The records as last listed and moved since, or null (read the refs on the next list). */
  private volatile Records records;

  /** How many times every record ref was read (for tests and diagnosis). */
  private final AtomicInteger scans = new AtomicInteger();

  /**
   * The records by id, newest first, as of the clone's refs {@code generation}, and moved along
   * with this store's own ref updates since.
   */
  private record Records(long generation, ConcurrentNavigableMap<String, Stored> byId) {}

  /** A store that reads the refs on every list. */
  public ProposalStore(Repository repository) {
    this(repository, null);
  }

  /**
   * A store over {@code refs}'s repository that keeps what it listed until {@link
   * GitSource#refsGeneration()} changes otherwise than by its own moves.
   */
  public ProposalStore(Repository repository, GitSource refs) {
    this.repository = Objects.requireNonNull(repository, "repository");
    this.refs = refs;
  }

  /** How many lists read every record ref instead of the records kept (tests, diagnosis). */
  int scans() {
    return scans.get();
  }

  /** The clone the records are read from. */
  public Repository repository() {
    return repository;
  }

  public static String recordRef(String id) {
    return RECORD_PREFIX + id;
  }

  /** The proposal branch's full ref name, {@code refs/heads/cup/proposal/<id>}. */
  public static String branchRef(String id) {
    return Constants.R_HEADS + ProposalId.branch(id);
  }

  /** The record of {@code id} in the local clone; empty when there is none or the id is bad. */
  public Optional<Stored> get(String id) {
    if (!ProposalId.isValid(id)) {
      return Optional.empty();
    }
    try {
      Ref ref = repository.exactRef(recordRef(id));
      if (ref == null || ref.getObjectId() == null) {
        return Optional.empty();
      }
      return Optional.of(new Stored(read(ref.getObjectId()), ref.getObjectId()));
    } catch (IOException e) {
      throw StatusException.unavailable("cannot read the record of proposal " + id, e);
    }
  }

  /** Every record in the local clone, newest first (ids sort by creation time). */
  public List<Stored> list() {
    return new ArrayList<>(records());
  }

  /**
   * The records as {@link #list()} has them, newest first, without copying them: a view that may
   * show this store's moves made while it is read (for a check on every write).
   */
  Collection<Stored> records() {
    if (refs == null) {
      return scan().values();
    }
    Records current = records;
    if (current == null || current.generation() != refs.refsGeneration()) {
      current = rescan();
    }
    return Collections.unmodifiableCollection(current.byId().values());
  }

  /** Reads the record refs again, unless another caller just did. */
  private synchronized Records rescan() {
    Records current = records;
    long generation = refs.refsGeneration();
    if (current == null || current.generation() != generation) {
      current = new Records(generation, scan());
      records = current;
    }
    return current;
  }

  /**
   * After this store moved the local {@code ref} to {@code commit} (null: deleted), or tried to
   * ({@code moved} false: its value is unknown): reports the move to the clone, and moves the kept
   * record along when nobody else changed the refs since they were read; else the next list reads
   * them again.
   */
  private synchronized void moved(String ref, ObjectId commit, boolean moved) {
    if (refs == null) {
      return;
    }
    long generation = refs.refsMoved();
    Records current = records;
    if (current == null) {
      return;
    }
    if (!moved || current.generation() != generation - 1) {
      records = null;
      return;
    }
    String id = ref.startsWith(RECORD_PREFIX) ? ref.substring(RECORD_PREFIX.length()) : null;
    if (id != null && ProposalId.isValid(id)) {
      try {
        if (commit == null) {
          current.byId().remove(id);
        } else {
          current.byId().put(id, new Stored(read(commit), commit));
        }
      } catch (StatusException e) {
        records = null;
        return;
      }
    }
    records = new Records(generation, current.byId());
  }

  private ConcurrentNavigableMap<String, Stored> scan() {
    scans.incrementAndGet();
    ConcurrentNavigableMap<String, Stored> byId =
        new ConcurrentSkipListMap<>(Comparator.reverseOrder());
    try {
      for (Ref ref : repository.getRefDatabase().getRefsByPrefix(RECORD_PREFIX)) {
        String id = ref.getName().substring(RECORD_PREFIX.length());
        if (!ProposalId.isValid(id) || ref.getObjectId() == null) {
          continue;
        }
        try {
          byId.put(id, new Stored(read(ref.getObjectId()), ref.getObjectId()));
        } catch (StatusException e) {
          LOG.warn("skipping the unreadable record {}: {}", ref.getName(), e.getMessage());
        }
      }
    } catch (IOException e) {
      throw StatusException.unavailable("cannot list proposal records", e);
    }
    return byId;
  }

  /** The proposal a record commit holds (cached: record commits never change). */
  public Proposal read(ObjectId recordCommit) {
    Proposal cached = cache.getIfPresent(recordCommit);
    if (cached != null) {
      return cached;
    }
    try (RevWalk walk = new RevWalk(repository)) {
      RevCommit commit = walk.parseCommit(recordCommit);
      try (TreeWalk tree = TreeWalk.forPath(repository, FILE, commit.getTree())) {
        if (tree == null) {
          throw StatusException.internal("record " + recordCommit.name() + " has no " + FILE, null);
        }
        byte[] bytes;
        try {
          bytes =
              repository
                  .open(tree.getObjectId(0), Constants.OBJ_BLOB)
                  .getCachedBytes(MAX_RECORD_BYTES);
        } catch (LargeObjectException e) {
          // Cup writes records of a few KiB; one this large was not written by Cup
          throw StatusException.internal(
              "record "
                  + recordCommit.name()
                  + ": "
                  + FILE
                  + " is larger than "
                  + MAX_RECORD_BYTES
                  + " bytes",
              e);
        }
        Proposal proposal =
            Proposal.fromJson(new JsonObject(new String(bytes, StandardCharsets.UTF_8)));
        cache.put(recordCommit, proposal);
        return proposal;
      }
    } catch (IOException | DecodeException | ClassCastException e) {
      throw StatusException.internal("cannot read record " + recordCommit.name(), e);
    }
  }

  /**
   * Writes a record commit for {@code proposal} (its diff left out) on top of {@code parent} (null
   * for a new record) and returns its id. Moves no ref.
   */
  public ObjectId write(Proposal proposal, ObjectId parent, PersonIdent author) throws IOException {
    byte[] json =
        (proposal.withDiff(null).toJson().encodePrettily() + "\n").getBytes(StandardCharsets.UTF_8);
    try (ObjectInserter inserter = repository.newObjectInserter()) {
      TreeFormatter tree = new TreeFormatter();
      tree.append(FILE, FileMode.REGULAR_FILE, inserter.insert(Constants.OBJ_BLOB, json));
      CommitBuilder commit = new CommitBuilder();
      commit.setTreeId(tree.insertTo(inserter));
      if (parent != null) {
        commit.setParentId(parent);
      }
      commit.setAuthor(author);
      commit.setCommitter(author);
      commit.setEncoding(StandardCharsets.UTF_8);
      commit.setMessage(proposal.state() + " proposal " + proposal.id() + "\n");
      ObjectId id = inserter.insert(commit);
      inserter.flush();
      cache.put(id, proposal.withDiff(null));
      return id;
    }
  }

  /**
   * Writes the next archive commit on top of {@code previous} (null for the first) holding {@code
   * batch}; see {@link #ARCHIVE_REF}. Moves no ref.
   */
  public ObjectId writeArchive(ObjectId previous, List<Archived> batch, PersonIdent author)
      throws IOException {
    DirCache index = DirCache.newInCore();
    Set<ObjectId> parents = new LinkedHashSet<>();
    try (ObjectInserter inserter = repository.newObjectInserter();
        ObjectReader reader = inserter.newReader();
        RevWalk walk = new RevWalk(reader)) {
      DirCacheBuilder builder = index.builder();
      if (previous != null) {
        parents.add(previous);
        builder.addTree(
            new byte[0], DirCacheEntry.STAGE_0, reader, walk.parseCommit(previous).getTree());
      }
      builder.finish();
      DirCacheEditor editor = index.editor();
      StringBuilder message =
          new StringBuilder("archive ").append(batch.size()).append(" proposal(s)\n\n");
      for (Archived archived : batch) {
        RevCommit record = walk.parseCommit(archived.record());
        ObjectId blob;
        try (TreeWalk tree = TreeWalk.forPath(reader, FILE, record.getTree())) {
          if (tree == null) {
            throw new IOException("record " + record.name() + " has no " + FILE);
          }
          blob = tree.getObjectId(0);
        }
        editor.add(
            new DirCacheEditor.PathEdit(archived.id() + "/" + FILE) {
              @Override
              public void apply(DirCacheEntry entry) {
                entry.setFileMode(FileMode.REGULAR_FILE);
                entry.setObjectId(blob);
              }
            });
        parents.add(archived.record());
        if (archived.branchHead() != null) {
          parents.add(archived.branchHead());
        }
        message
            .append(archived.id())
            .append(' ')
            .append(record.name())
            .append(archived.branchHead() == null ? "" : " " + archived.branchHead().name())
            .append('\n');
      }
      editor.finish();
      CommitBuilder commit = new CommitBuilder();
      commit.setTreeId(index.writeTree(inserter));
      commit.setParentIds(new ArrayList<>(parents));
      commit.setAuthor(author);
      commit.setCommitter(author);
      commit.setEncoding(StandardCharsets.UTF_8);
      commit.setMessage(message.toString());
      ObjectId id = inserter.insert(commit);
      inserter.flush();
      return id;
    }
  }

  /**
   * Deletes the local {@code ref} if it is still at {@code expectedOld}, after the remote deleted
   * it. Never fails the caller: whatever is left, the next fetch prunes.
   */
  public boolean deleteLocalRef(String ref, ObjectId expectedOld) {
    boolean deleted = deleteLocal(ref, expectedOld);
    moved(ref, null, deleted);
    return deleted;
  }

  private boolean deleteLocal(String ref, ObjectId expectedOld) {
    try {
      RefUpdate update = repository.updateRef(ref);
      update.setExpectedOldObjectId(expectedOld);
      update.setForceUpdate(true);
      RefUpdate.Result result = update.delete();
      switch (result) {
        case FORCED, NO_CHANGE, FAST_FORWARD, NEW:
          return true;
        case LOCK_FAILURE,
        REJECTED,
        REJECTED_CURRENT_BRANCH,
        REJECTED_MISSING_OBJECT,
        REJECTED_OTHER_REASON,
        IO_FAILURE,
        NOT_ATTEMPTED,
        RENAMED:
          LOG.debug("cannot delete local {} ({}); the next fetch will", ref, result);
          return false;
      }
      return false;
    } catch (IOException e) {
      LOG.debug("cannot delete local {}: {}; the next fetch will", ref, e.toString());
      return false;
    }
  }

  /** The commit {@code ref} points at in the local clone, or null when it does not exist. */
  public ObjectId resolve(String ref) {
    try {
      Ref found = repository.exactRef(ref);
      return found == null ? null : found.getObjectId();
    } catch (IOException e) {
      throw StatusException.unavailable("cannot read " + ref + " of the clone", e);
    }
  }

  /**
   * Moves the local {@code ref} from {@code expectedOld} (null: must not exist) to {@code newId}
   * after the remote accepted the same update. The remote is the truth, so this never fails the
   * caller: when a fetch got there first (the ref is already at {@code newId}, or moved on), the
   * fetched value stays; a lock held by a concurrent writer is retried a few times.
   *
   * @return whether the local ref now points at {@code newId}
   */
  public boolean updateLocalRef(String ref, ObjectId expectedOld, ObjectId newId) {
    boolean updated = updateLocal(ref, expectedOld, newId);
    moved(ref, newId, updated);
    return updated;
  }

  private boolean updateLocal(String ref, ObjectId expectedOld, ObjectId newId) {
    ObjectId expected = expectedOld == null ? ObjectId.zeroId() : expectedOld;
    try {
      for (int attempt = 1; attempt <= UPDATE_ATTEMPTS; attempt++) {
        RefUpdate update = repository.updateRef(ref);
        update.setExpectedOldObjectId(expected);
        update.setNewObjectId(newId);
        update.setForceUpdate(true);
        // the remote accepted this very ref, so no ref of the mirrored clone is its directory or
        // lies below it; JGit's own check looked up each parent name as a loose ref file, each
        // missing one an exception (a twelfth of a create's processor time, under the fetch lock)
        update.setCheckConflicting(false);
        update.setRefLogMessage("cup: pushed", false);
        RefUpdate.Result result = update.update();
        switch (result) {
          case NEW, FAST_FORWARD, FORCED, NO_CHANGE:
            return true;
          case LOCK_FAILURE, REJECTED:
            ObjectId current = resolve(ref);
            if (newId.equals(current)) {
              return true; // a fetch brought the same update
            }
            if (!Objects.equals(current, expectedOld)) {
              LOG.debug("{} moved on to {} meanwhile; keeping it", ref, name(current));
              return false;
            }
            break; // still at the expected value: the lock was busy, try again
          case REJECTED_CURRENT_BRANCH,
          REJECTED_MISSING_OBJECT,
          REJECTED_OTHER_REASON,
          IO_FAILURE,
          NOT_ATTEMPTED,
          RENAMED:
            LOG.warn(
                "cannot move local {} to {} ({}); the next fetch will", ref, newId.name(), result);
            return false;
        }
      }
      LOG.warn("cannot move local {} to {}: still locked; the next fetch will", ref, newId.name());
      return false;
    } catch (IOException e) {
      LOG.warn(
          "cannot move local {} to {}: {}; the next fetch will", ref, newId.name(), e.toString());
      return false;
    }
  }

  /** Whether {@code ancestor} is reachable from {@code descendant} (both commits). */
  public boolean isAncestor(ObjectId ancestor, ObjectId descendant) throws IOException {
    try (ObjectReader reader = repository.newObjectReader();
        RevWalk walk = new RevWalk(reader)) {
      return walk.isMergedInto(walk.parseCommit(ancestor), walk.parseCommit(descendant));
    }
  }

  private static String name(ObjectId id) {
    return id == null ? "(none)" : id.name();
  }
}
