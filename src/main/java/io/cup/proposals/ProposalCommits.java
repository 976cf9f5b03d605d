package io.cup.proposals;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.cup.bus.ChangeSet;
import io.cup.bus.FileChange;
import io.cup.bus.Proposal;
import io.cup.bus.Requester;
import io.cup.config.ServerConfig;
import io.cup.git.CommitWriter;
import io.cup.git.GitSource;
import io.cup.git.UnifiedDiff;
import io.cup.status.StatusException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.merge.MergeStrategy;
import org.eclipse.jgit.merge.ResolveMerger;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commits of proposals, in the clone's object database and never on a ref: a proposal's commit
 * on its base, the merge commit (fast-forward or an in-memory three-way merge), the commit that
 * moves a proposal onto a moved tracked branch, and the comparisons of trees those need. Who
 * authors them: the requester (or the server's identity); the committer is always the server.
 * Moving refs and writing records is {@link ProposalRecords}'s job. Every method blocks (JGit).
 */
final class ProposalCommits {
  private static final Logger LOG = LoggerFactory.getLogger(ProposalCommits.class);

  /** How many (commit, path) lookups {@link #fileAt} remembers: a few MiB. */
  private static final int FILES_REMEMBERED = 20_000;

  private final GitSource source;
  private final ServerConfig cfg;

  /** What {@link #fileAt} read: a blob id, or the zero id for no file. */
  private final Cache<FileAt, ObjectId> files =
      Caffeine.newBuilder().maximumSize(FILES_REMEMBERED).build();

  ProposalCommits(GitSource source, ServerConfig cfg) {
    this.source = Objects.requireNonNull(source, "source");
    this.cfg = Objects.requireNonNull(cfg, "cfg");
  }

  /** The clone's object database. */
  Repository repository() {
    return source.repository();
  }

  ObjectId base(String base) {
    if (base == null || base.isBlank()) {
      return source.head();
    }
    if (!ObjectId.isId(base)) {
      throw StatusException.badRequest(
          "changeSet.base must be a full commit id, not " + quote(base));
    }
    return ObjectId.fromString(base);
  }

  /**
   * The commit that moves {@code proposal} onto {@code newBase}: the tree of {@code replayed} (its
   * changes re-applied on {@code newBase}) with {@code newBase} as its one parent, authored by the
   * person who proposed it. Moves no ref.
   */
  ObjectId rebased(Proposal proposal, ObjectId newBase, ObjectId replayed) {
    Repository repository = source.repository();
    try (RevWalk walk = new RevWalk(repository)) {
      return insertCommit(
          repository,
          walk.parseCommit(replayed).getTree(),
          // the person who proposed stays the author of the replayed change
          author(proposal.createdBy()),
          author(),
          proposal.message(),
          newBase);
    } catch (IOException e) {
      throw StatusException.internal(
          "cannot write the rebased commit of proposal " + proposal.id(), e);
    }
  }

  /**
   * Commits {@code changes} onto {@code parent} (null: a root commit) as {@code author}, committed
   * by the server; the result says whether the tree changed.
   */
  CommitWriter.Result commit(
      ObjectId parent, List<FileChange> changes, PersonIdent author, String message)
      throws IOException {
    return new CommitWriter(source.repository(), source.freshTrees())
        .commit(parent, changes, author, author(), message);
  }

  /**
   * Commits {@code changes} onto {@code tip} in the clone's object database (no ref moves) and
   * answers the new commit, or {@code tip} itself when the changes leave its tree as it is.
   */
  ObjectId commitOnto(ObjectId tip, List<FileChange> changes, String message) {
    PersonIdent author = author();
    try {
      CommitWriter.Result commit =
          new CommitWriter(source.repository(), source.freshTrees())
              .commit(tip, changes, author, author, message);
      return commit.changed() ? commit.commit() : tip;
    } catch (IOException e) {
      throw StatusException.internal("cannot write a replayed commit", e);
    }
  }

  /** The outcome of a three-way merge: the merge commit, or the conflicting paths. */
  record ThreeWay(ObjectId commit, Set<String> conflicts) {}

  /**
   * The merge commit of {@code head} (the proposal's branch) into {@code target} (the tracked
   * branch), from an in-memory three-way merge, authored by {@code merger}; or the paths that
   * conflict.
   */
  ThreeWay merge(ObjectId target, ObjectId head, Proposal proposal, PersonIdent merger)
      throws IOException {
    return threeWay(source.repository(), target, head, proposal, merger);
  }

  private ThreeWay threeWay(
      Repository repository, ObjectId target, ObjectId head, Proposal proposal, PersonIdent author)
      throws IOException {
    ResolveMerger merger = (ResolveMerger) MergeStrategy.RECURSIVE.newMerger(repository, true);
    merger.setCommitNames(new String[] {"base", source.branch(), proposal.branch()});
    if (!merger.merge(target, head)) {
      Set<String> paths = new TreeSet<>(merger.getUnmergedPaths());
      if (merger.getFailingPaths() != null) {
        paths.addAll(merger.getFailingPaths().keySet());
      }
      return new ThreeWay(null, paths);
    }
    ObjectId merge =
        insertCommit(
            repository,
            merger.getResultTreeId(),
            author,
            author(),
            "Merge proposal " + proposal.id() + ": " + proposal.message(),
            target,
            head);
    return new ThreeWay(merge, Set.of());
  }

  /** Writes a commit of {@code tree} on {@code parents} into the object database; moves no ref. */
  static ObjectId insertCommit(
      Repository repository,
      ObjectId tree,
      PersonIdent author,
      PersonIdent committer,
      String message,
      ObjectId... parents)
      throws IOException {
    CommitBuilder commit = new CommitBuilder();
    commit.setTreeId(tree);
    commit.setParentIds(parents);
    commit.setAuthor(author);
    commit.setCommitter(committer);
    commit.setEncoding(StandardCharsets.UTF_8);
    commit.setMessage(message);
    try (ObjectInserter inserter = repository.newObjectInserter()) {
      ObjectId id = inserter.insert(commit);
      inserter.flush();
      return id;
    }
  }

  /**
   * Whether the tree of {@code commit} already holds every file of {@code changes} as the change
   * set writes it (and lacks every file it deletes).
   */
  boolean holds(ObjectId commit, ChangeSet changes) throws IOException {
    Repository repository = source.repository();
    try (ObjectInserter.Formatter ids = new ObjectInserter.Formatter()) {
      for (FileChange change : changes.changes()) {
        ObjectId wanted =
            change.isDelete() ? null : ids.idFor(Constants.OBJ_BLOB, change.content());
        if (!Objects.equals(wanted, fileAt(repository, commit, change.path()))) {
          return false;
        }
      }
      return true;
    }
  }

  /** Whether every path the change set writes has the same content at {@code a} and {@code b}. */
  boolean sameFiles(ObjectId a, ObjectId b, ChangeSet changes) throws IOException {
    Repository repository = source.repository();
    for (FileChange change : changes.changes()) {
      if (!Objects.equals(
          fileAt(repository, a, change.path()), fileAt(repository, b, change.path()))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The blob at {@code path} in the tree of {@code commit}, or null when there is none; remembered,
   * as commits never change: a write compares its files with every open proposal of the same
   * resources, and reads each proposal's tree once, not on every write.
   */
  private ObjectId fileAt(Repository repository, ObjectId commit, String path) throws IOException {
    FileAt key = new FileAt(commit.copy(), path);
    ObjectId known = files.getIfPresent(key);
    if (known != null) {
      return known.equals(ObjectId.zeroId()) ? null : known;
    }
    ObjectId blob;
    try (RevWalk walk = new RevWalk(repository);
        TreeWalk tree = TreeWalk.forPath(repository, path, walk.parseCommit(commit).getTree())) {
      blob = tree == null ? null : tree.getObjectId(0);
    }
    files.put(key, blob == null ? ObjectId.zeroId() : blob);
    return blob;
  }

  /** A path in the tree of a commit. */
  private record FileAt(ObjectId commit, String path) {}

  /**
   * The paths that differ between the trees of commits {@code from} and {@code to} (added, changed
   * or removed files).
   */
  Set<String> changedPaths(ObjectId from, ObjectId to) {
    Repository repository = source.repository();
    Set<String> paths = new TreeSet<>();
    try (RevWalk walk = new RevWalk(repository);
        TreeWalk tree = new TreeWalk(repository)) {
      tree.addTree(walk.parseCommit(from).getTree());
      tree.addTree(walk.parseCommit(to).getTree());
      tree.setRecursive(true);
      tree.setFilter(TreeFilter.ANY_DIFF);
      while (tree.next()) {
        paths.add(tree.getPathString());
      }
      return paths;
    } catch (IOException e) {
      throw StatusException.internal("cannot compare " + from.name() + " with " + to.name(), e);
    }
  }

  /** Whether commit {@code ancestor} is reachable from {@code descendant}. */
  boolean contains(ObjectId descendant, ObjectId ancestor) {
    try (ObjectReader reader = source.repository().newObjectReader();
        RevWalk walk = new RevWalk(reader)) {
      return walk.isMergedInto(walk.parseCommit(ancestor), walk.parseCommit(descendant));
    } catch (IOException e) {
      throw StatusException.internal("cannot walk the history of " + descendant.name(), e);
    }
  }

  /** The tracked branch's head in the clone. */
  ObjectId trackedHead() {
    return source.head();
  }

  String diff(Repository repository, Proposal proposal) {
    try {
      ObjectId head = ObjectId.fromString(proposal.head());
      ObjectId base = proposal.base() == null ? null : ObjectId.fromString(proposal.base());
      return new UnifiedDiff(repository).between(base, head);
    } catch (MissingObjectException e) {
      LOG.warn("no diff for proposal {}: {}", proposal.id(), e.getMessage());
      return null;
    } catch (IOException e) {
      throw StatusException.internal("cannot diff proposal " + proposal.id(), e);
    }
  }

  /**
   * The commit author for {@code requester}: the user's name and e-mail (from OIDC), else {@code
   * <user>@<domain>}; the server's identity when nobody authenticated. The committer is always the
   * server's identity.
   */
  PersonIdent author(Requester requester) {
    if (requester == null) {
      return author();
    }
    String email =
        requester.email() != null && !requester.email().isBlank()
            ? requester.email()
            : requester.username() + "@" + cfg.access().emailDomain();
    return new PersonIdent(requester.username(), email);
  }

  /** The server's identity: every commit's committer. */
  PersonIdent author() {
    return new PersonIdent(cfg.authorName(), cfg.authorEmail());
  }

  private static String quote(String id) {
    return "\"" + id + "\"";
  }
}
