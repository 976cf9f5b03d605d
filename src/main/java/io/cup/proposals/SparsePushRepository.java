package io.cup.proposals;

import io.cup.git.CloneView;
import io.cup.git.FreshTrees;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.AsyncObjectLoaderQueue;
import org.eclipse.jgit.lib.AsyncObjectSizeQueue;
import org.eclipse.jgit.lib.BitmapIndex;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectDatabase;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;

/**
 * The clone as one push sees it: the same refs, config and objects, but a pack writer that does not
 * walk the whole tree of every commit the remote already has.
 *
 * <p>Why: to leave out of the pack what the remote has, JGit's push marks every tree and blob
 * reachable from the remote's advertised commits, reading each of their trees in full, so a push
 * costs time in proportion to the repository (100,000 files: the push is most of a write's
 * latency), where {@code git push} only looks at the paths the new commits touch. This class gives
 * JGit the same "sparse" view: while the push is packed, a tree that is neither one the new commits
 * introduce nor its counterpart at the same path in a parent reads as empty. Such a tree is
 * reachable from a parent, so the remote has it and everything below it; marking it alone is enough
 * for the pack writer to skip it where the new trees reuse it.
 *
 * <p>Why it is safe: only a parent the remote advertises is trusted (JGit asks the object database
 * about each advertised ref before packing; a new commit whose parents were not all among them gets
 * the plain, full walk). Reading fewer trees can only mark fewer objects as present, never more, so
 * nothing the remote lacks is left out of the pack; and since a pack names objects by their
 * content, an empty tree packed by mistake is a harmless extra object, never a wrong object under
 * an id. Nothing of this view is ever written to the clone.
 *
 * <p>One instance per push; not shared between threads beyond the pack writer's own use.
 */
final class SparsePushRepository extends CloneView {
  private static final byte[] EMPTY_TREE = new byte[0];

  private final Set<ObjectId> introduced; // trees the new commits introduce, and their parents'
  private final Set<ObjectId> parents; // parents of the new commits
  private final Set<ObjectId> pushed; // the new commits
  private final ObjectId tracked; // the clone's tracked branch head, or null
  private final AtomicInteger havesLeftOut = new AtomicInteger();
  private final Set<ObjectId> advertised = ConcurrentHashMap.newKeySet();
  private final AtomicInteger treesRead = new AtomicInteger();
  private final ObjectDatabase objects;
  private final FreshTrees fresh;
  private volatile Boolean sparse;

  private SparsePushRepository(
      Repository clone,
      Set<ObjectId> introduced,
      Set<ObjectId> parents,
      Set<ObjectId> pushed,
      ObjectId tracked,
      FreshTrees fresh) {
    super(clone, "a push");
    this.fresh = fresh;
    this.tracked = tracked == null ? null : tracked.copy();
    this.introduced = introduced;
    this.parents = parents;
    this.pushed = pushed;
    this.objects = new CloneObjects();
  }

  /**
   * A view of {@code clone} for pushing {@code newCommits} (ids that are not commits: ignored);
   * {@code tracked} is the clone's tracked branch head (null: none), always common ground when the
   * remote advertises it; {@code fresh} holds the trees this node wrote last (null: none), read
   * from there instead of the clone.
   */
  static SparsePushRepository of(
      Repository clone, Collection<ObjectId> newCommits, ObjectId tracked, FreshTrees fresh)
      throws IOException {
    Set<ObjectId> introduced = new HashSet<>();
    Set<ObjectId> parents = new HashSet<>();
    Set<ObjectId> pushed = new HashSet<>();
    // the subtrees of each tree read, by tree: a group's commits share their parent's trees
    Map<ObjectId, Map<String, ObjectId>> read = new HashMap<>();
    try (ObjectReader reader = clone.newObjectReader();
        RevWalk walk = new RevWalk(reader)) {
      for (ObjectId id : newCommits) {
        if (id.equals(ObjectId.zeroId()) || !reader.has(id, Constants.OBJ_COMMIT)) {
          continue;
        }
        RevCommit commit = walk.parseCommit(id);
        pushed.add(commit.copy());
        List<ObjectId> parentTrees = new ArrayList<>();
        for (RevCommit parent : commit.getParents()) {
          walk.parseHeaders(parent);
          parents.add(parent.getId());
          parentTrees.add(parent.getTree().getId());
        }
        introduce(reader, fresh, read, commit.getTree().getId(), parentTrees, introduced);
      }
    }
    return new SparsePushRepository(clone, introduced, parents, pushed, tracked, fresh);
  }

  /**
   * Adds {@code tree}, its counterparts in the parents, and below it every subtree that differs
   * from all the parents' subtrees of the same name.
   */
  private static void introduce(
      ObjectReader reader,
      FreshTrees fresh,
      Map<ObjectId, Map<String, ObjectId>> read,
      ObjectId tree,
      List<ObjectId> parentTrees,
      Set<ObjectId> introduced)
      throws IOException {
    if (parentTrees.contains(tree) || !introduced.add(tree)) {
      return;
    }
    introduced.addAll(parentTrees);
    List<Map<String, ObjectId>> parentSubtrees = new ArrayList<>(parentTrees.size());
    for (ObjectId parent : parentTrees) {
      parentSubtrees.add(subtrees(reader, fresh, read, parent));
    }
    for (Map.Entry<String, ObjectId> subtree : subtrees(reader, fresh, read, tree).entrySet()) {
      List<ObjectId> counterparts = new ArrayList<>(parentSubtrees.size());
      for (Map<String, ObjectId> parent : parentSubtrees) {
        ObjectId counterpart = parent.get(subtree.getKey());
        if (counterpart != null) {
          counterparts.add(counterpart);
        }
      }
      introduce(reader, fresh, read, subtree.getValue(), counterparts, introduced);
    }
  }

  /** The subtrees of {@code tree} by name. */
  private static Map<String, ObjectId> subtrees(
      ObjectReader reader,
      FreshTrees fresh,
      Map<ObjectId, Map<String, ObjectId>> read,
      ObjectId tree)
      throws IOException {
    Map<String, ObjectId> known = read.get(tree);
    if (known != null) {
      return known;
    }
    Map<String, ObjectId> subtrees = new HashMap<>();
    read.put(tree.copy(), subtrees);
    byte[] kept = fresh == null ? null : fresh.get(tree);
    CanonicalTreeParser start = new CanonicalTreeParser();
    if (kept != null) {
      start.reset(kept);
    } else {
      start.reset(reader, tree);
    }
    for (CanonicalTreeParser parser = start; !parser.eof(); parser.next()) {
      if (parser.getEntryFileMode() == FileMode.TREE) {
        subtrees.put(parser.getEntryPathString(), parser.getEntryObjectId());
      }
    }
    return subtrees;
  }

  /** How many trees were read in full during the push (for tests and diagnosis). */
  int treesRead() {
    return treesRead.get();
  }

  /**
   * How many of the remote's advertised objects the push did not take as common ground: loose
   * objects of the clone (written by this node) that are neither a new commit nor a parent of one.
   */
  int havesLeftOut() {
    return havesLeftOut.get();
  }

  /** Whether the sparse view was used: every parent of the new commits was advertised. */
  boolean wasSparse() {
    return Boolean.TRUE.equals(sparse);
  }

  private boolean sparse() {
    Boolean decided = sparse;
    if (decided == null) {
      decided = advertised.containsAll(parents);
      sparse = decided;
    }
    return decided;
  }

  // -- what the push reads (the rest is the clone, as it is)
  // ----------------------------------------

  @Override
  public ObjectDatabase getObjectDatabase() {
    return objects;
  }

  @Override
  public ObjectReader newObjectReader() {
    return new SparseReader(clone.newObjectReader());
  }

  /** The clone's objects; remembers which objects the push asked about (the advertised refs). */
  private final class CloneObjects extends ObjectDatabase {
    /**
     * Asked for each ref the remote advertises: whether to take it as common ground (a "have"),
     * which the pack writer then reads and walks. Not for a loose object that is neither a new
     * commit nor a parent of one: what this node wrote itself, the other proposals' branches and
     * records (two refs per proposal, the remote advertises all of them). Reading each from its own
     * file on every push cost in proportion to the proposals. The tracked branch's head (common
     * ground for a base the remote no longer advertises, even when this node wrote it) and every
     * fetched, packed ref stay among the haves. Fewer haves can only make a pack larger, never
     * leave out what the remote lacks.
     */
    @Override
    public boolean has(AnyObjectId id) throws IOException {
      if (sparse == null
          && !parents.contains(id)
          && !pushed.contains(id)
          && !id.equals(tracked)
          && clone.getObjectDatabase() instanceof ObjectDirectory objects
          && objects.fileFor(id).isFile()) {
        havesLeftOut.incrementAndGet();
        return false;
      }
      boolean has = clone.getObjectDatabase().has(id);
      if (has && sparse == null) {
        advertised.add(id.copy());
      }
      return has;
    }

    @Override
    public ObjectInserter newInserter() {
      return clone.getObjectDatabase().newInserter();
    }

    @Override
    public ObjectReader newReader() {
      return newObjectReader();
    }

    @Override
    public Set<ObjectId> getShallowCommits() throws IOException {
      return clone.getObjectDatabase().getShallowCommits();
    }

    @Override
    public long getApproximateObjectCount() {
      return clone.getObjectDatabase().getApproximateObjectCount();
    }

    @Override
    public void close() {
      // the clone's object database stays open
    }
  }

  /** Reads trees nobody needs as empty, once the push is known to be sparse-safe. */
  private final class SparseReader extends ObjectReader.Filter {
    private final ObjectReader delegate;

    SparseReader(ObjectReader delegate) {
      this.delegate = delegate;
    }

    @Override
    protected ObjectReader delegate() {
      return delegate;
    }

    @Override
    public ObjectReader newReader() {
      return new SparseReader(delegate.newReader());
    }

    @Override
    public ObjectLoader open(AnyObjectId id, int typeHint)
        throws MissingObjectException, IncorrectObjectTypeException, IOException {
      if (typeHint == Constants.OBJ_TREE) {
        if (!introduced.contains(id) && sparse()) {
          return new ObjectLoader.SmallObject(Constants.OBJ_TREE, EMPTY_TREE);
        }
        treesRead.incrementAndGet();
      }
      byte[] kept = fresh(id, typeHint);
      if (kept != null) {
        return new ObjectLoader.SmallObject(Constants.OBJ_TREE, kept);
      }
      return delegate.open(id, typeHint);
    }

    /** ObjectReader.Filter hands this one to the delegate directly: route it through ours. */
    @Override
    public ObjectLoader open(AnyObjectId id) throws MissingObjectException, IOException {
      return open(id, OBJ_ANY);
    }

    @Override
    public long getObjectSize(AnyObjectId id, int typeHint)
        throws MissingObjectException, IncorrectObjectTypeException, IOException {
      byte[] kept = fresh(id, typeHint);
      return kept != null ? kept.length : delegate.getObjectSize(id, typeHint);
    }

    /** The sizes one by one through {@link #getObjectSize(AnyObjectId, int)}, kept trees first. */
    @Override
    public <T extends ObjectId> AsyncObjectSizeQueue<T> getObjectSize(
        Iterable<T> objectIds, boolean reportMissing) {
      return new SizeQueue<>(objectIds);
    }

    /** The objects one by one through {@link #open(AnyObjectId, int)}, kept trees first. */
    @Override
    public <T extends ObjectId> AsyncObjectLoaderQueue<T> open(
        Iterable<T> objectIds, boolean reportMissing) {
      return new LoaderQueue<>(objectIds);
    }

    private final class SizeQueue<T extends ObjectId> extends OneByOne<T>
        implements AsyncObjectSizeQueue<T> {
      private long size;

      SizeQueue(Iterable<T> ids) {
        super(ids);
      }

      @Override
      public boolean next() throws IOException {
        if (!advance()) {
          return false;
        }
        size = getObjectSize(getCurrent(), OBJ_ANY);
        return true;
      }

      @Override
      public long getSize() {
        return size;
      }
    }

    private final class LoaderQueue<T extends ObjectId> extends OneByOne<T>
        implements AsyncObjectLoaderQueue<T> {
      LoaderQueue(Iterable<T> ids) {
        super(ids);
      }

      @Override
      public boolean next() {
        return advance();
      }

      @Override
      public ObjectLoader open() throws IOException {
        return SparseReader.this.open(getCurrent(), OBJ_ANY);
      }
    }

    /** The bytes of {@code id} when it is a tree this node wrote last; else null. */
    private byte[] fresh(AnyObjectId id, int typeHint) {
      if (fresh == null || (typeHint != Constants.OBJ_TREE && typeHint != OBJ_ANY)) {
        return null;
      }
      return fresh.get(id);
    }

    /** No bitmaps: their walk reads whole trees of unbitmapped commits, the cost avoided here. */
    @Override
    public BitmapIndex getBitmapIndex() {
      return null;
    }
  }

  /**
   * The ids of an async queue handed out one after another, on the caller's thread: what the
   * reader's two queues share (JGit's own default queues, which {@link ObjectReader.Filter}
   * bypasses for its delegate's).
   */
  private abstract static class OneByOne<T extends ObjectId> {
    private final Iterator<T> ids;
    private T current;

    OneByOne(Iterable<T> ids) {
      this.ids = ids.iterator();
    }

    /** Moves to the next id; false when there is none. */
    boolean advance() {
      if (!ids.hasNext()) {
        return false;
      }
      current = ids.next();
      return true;
    }

    public T getCurrent() {
      return current;
    }

    public ObjectId getObjectId() {
      return current;
    }

    public boolean cancel(boolean mayInterruptIfRunning) {
      return true;
    }

    public void release() {
      // nothing held
    }
  }
}
