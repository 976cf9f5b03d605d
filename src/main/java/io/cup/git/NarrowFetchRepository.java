package io.cup.git;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.lib.BatchRefUpdate;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefDatabase;
import org.eclipse.jgit.lib.RefRename;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.ReflogReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.RefSpec;

/**
 * The clone as one fetch of a few refs sees it: the same objects and config, and of its refs only
 * {@code HEAD} and those the fetch's refspecs write to (the tracked branch, the refs that changed).
 * Ref updates still go to the clone's refs.
 *
 * <p>Why: JGit offers the remote a "have" for every commit the local refs reach that the remote has
 * not acknowledged yet, in rounds of 32, 64, 96… haves (a round trip each, every round repeating
 * the haves acknowledged so far), until the remote answers "ready", which it does only once every
 * wanted commit has an acknowledged ancestor. A proposal's record is a commit without parent, so a
 * fetch that wants a new record never gets "ready": it went on until every proposal branch and
 * record of the clone had been offered, rounds in proportion to the proposals the clone holds (a
 * follower's fetch took 40 ms with a few dozen proposals, 300 ms with some hundred, nearly all of
 * it waiting for the remote's answers). JGit's own {@code fetch.useNegotiationTip} does not help:
 * it falls back to every ref as soon as one wanted ref is new to the clone, as a new proposal's
 * are. Seeing the tracked branch and the refs it updates alone, a fetch ends after a round or two
 * whatever the clone holds.
 *
 * <p>Why it is safe: fewer haves can only make the remote send more objects, never fewer; a
 * proposal branch starts on the tracked branch, whose recent history is offered first, so the packs
 * stay as small. The fetch updates exactly the refs its refspecs map to, each one visible here with
 * its real value, through the clone's own ref database, so a ref that moved meanwhile fails its
 * update as it would without this view. It must not prune: a pruning fetch deletes the local refs
 * it sees and the remote lacks, and it sees only these.
 *
 * <p>One instance per fetch, under the clone's fetch lock.
 */
final class NarrowFetchRepository extends CloneView {
  private final List<RefSpec> specs;
  private final NarrowRefs refs;

  /** A view of {@code clone} showing {@code HEAD} and the refs {@code specs} write to. */
  NarrowFetchRepository(Repository clone, Collection<RefSpec> specs) {
    super(clone, "a fetch");
    this.specs = List.copyOf(specs);
    this.refs = new NarrowRefs(clone.getRefDatabase());
  }

  /** Whether the fetch sees the ref {@code name}. */
  boolean shows(String name) {
    if (Constants.HEAD.equals(name)) {
      return true;
    }
    for (RefSpec spec : specs) {
      if (spec.getDestination() != null && spec.matchDestination(name)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public RefDatabase getRefDatabase() {
    return refs;
  }

  /** The clone's refs: reads show those {@link #shows} admits alone; writes go to the clone. */
  private final class NarrowRefs extends RefDatabase {
    private final RefDatabase all;

    NarrowRefs(RefDatabase all) {
      this.all = all;
    }

    @Override
    public Ref exactRef(String name) throws IOException {
      return shows(name) ? all.exactRef(name) : null;
    }

    @Override
    public List<Ref> getRefsByPrefix(String prefix) throws IOException {
      Map<String, Ref> shown = new TreeMap<>(); // by name: two refspecs may match one ref
      for (RefSpec spec : specs) {
        String destination = spec.getDestination();
        if (destination == null) {
          continue;
        }
        if (spec.isWildcard()) {
          // the refs that start as the pattern does, of them those that match it
          String start = destination.substring(0, destination.indexOf('*'));
          for (Ref ref : all.getRefsByPrefix(start)) {
            if (ref.getName().startsWith(prefix) && spec.matchDestination(ref.getName())) {
              shown.put(ref.getName(), ref);
            }
          }
        } else if (destination.startsWith(prefix)) {
          Ref ref = all.exactRef(destination);
          if (ref != null) {
            shown.put(ref.getName(), ref);
          }
        }
      }
      if (Constants.HEAD.startsWith(prefix)) {
        Ref head = all.exactRef(Constants.HEAD);
        if (head != null) {
          shown.put(head.getName(), head);
        }
      }
      return new ArrayList<>(shown.values());
    }

    /** The map form, which JGit's fetch still reads the local refs through. */
    @Override
    public Map<String, Ref> getRefs(String prefix) throws IOException {
      Map<String, Ref> byName = new TreeMap<>();
      for (Ref ref : getRefsByPrefix(prefix)) {
        byName.put(ref.getName().substring(prefix.length()), ref);
      }
      return byName;
    }

    @Override
    public List<Ref> getAdditionalRefs() {
      return List.of();
    }

    @Override
    public Ref peel(Ref ref) throws IOException {
      return all.peel(ref);
    }

    @Override
    public boolean isNameConflicting(String name) throws IOException {
      return all.isNameConflicting(name);
    }

    @Override
    public Collection<String> getConflictingNames(String name) throws IOException {
      return all.getConflictingNames(name);
    }

    @Override
    public RefUpdate newUpdate(String name, boolean detach) throws IOException {
      return all.newUpdate(name, detach);
    }

    @Override
    public RefRename newRename(String fromName, String toName) throws IOException {
      return all.newRename(fromName, toName);
    }

    @Override
    public BatchRefUpdate newBatchUpdate() {
      return all.newBatchUpdate();
    }

    @Override
    public boolean performsAtomicTransactions() {
      return all.performsAtomicTransactions();
    }

    @Override
    public boolean hasVersioning() {
      return all.hasVersioning();
    }

    @Override
    public ReflogReader getReflogReader(Ref ref) throws IOException {
      return all.getReflogReader(ref);
    }

    @Override
    public void refresh() {
      all.refresh();
    }

    @Override
    public void create() throws IOException {
      throw new IOException("a fetch view creates no ref database");
    }

    @Override
    public void close() {
      // the clone's ref database stays open
    }
  }
}
