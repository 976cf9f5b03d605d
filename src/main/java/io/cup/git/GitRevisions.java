package io.cup.git;

import io.cup.bus.ProposalId;
import io.cup.status.StatusException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.AbbreviatedObjectId;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.Transport;

/**
 * Revision reads of a {@link GitClone}: resolves a revision (the tracked branch head, a branch, a
 * commit id or its abbreviation, a proposal id) to a commit once and views it. This is the {@link
 * GitSource} the clone's owner hands to the verticles that read or propose: they never clone,
 * fetch, repack or close. Reads run concurrently with fetches; the rest of {@link GitSource} is the
 * clone's, reached through here.
 */
public final class GitRevisions implements GitSource {

  private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{4,40}");

  private final GitClone clone;

  /** Trees and small blobs read by any view of this clone, by id, bounded in bytes. */
  private final ObjectCache objects = ObjectCache.shared(ObjectCache.DEFAULT_SHARED_BYTES);

  private final FreshTrees freshTrees = new FreshTrees();

  GitRevisions(GitClone clone) {
    this.clone = Objects.requireNonNull(clone, "clone");
  }

  @Override
  public RevisionView view(String revision) {
    Repository repo = clone.repository();
    if (revision == null || revision.isBlank()) {
      ObjectId head = clone.head();
      if (head == null) {
        throw StatusException.notFound(
            "revision "
                + clone.branch()
                + " not found: the tracked branch has no commit in "
                + clone.remoteUrl());
      }
      return GitRevisionView.of(repo, head, objects);
    }
    String wanted = revision.strip();
    ObjectId commit = resolve(repo, wanted);
    if (commit == null) {
      throw StatusException.notFound("revision " + wanted + " not found");
    }
    return GitRevisionView.of(repo, commit, objects);
  }

  /** A view of {@code commit}; 404 when the clone has no such commit, 503 without a clone. */
  public RevisionView view(ObjectId commit) {
    Objects.requireNonNull(commit, "commit");
    return GitRevisionView.of(clone.repository(), commit, objects);
  }

  @Override
  public String branch() {
    return clone.branch();
  }

  @Override
  public ObjectId head() {
    return clone.head();
  }

  @Override
  public boolean isOpen() {
    return clone.isOpen();
  }

  @Override
  public long refsGeneration() {
    return clone.refsGeneration();
  }

  @Override
  public FreshTrees freshTrees() {
    return freshTrees;
  }

  @Override
  public long refsMoved() {
    return clone.refsMoved();
  }

  @Override
  public String remoteUrl() {
    return clone.remoteUrl();
  }

  @Override
  public Repository repository() {
    return clone.repository();
  }

  @Override
  public <T> T exclusively(Supplier<T> work) {
    return clone.exclusively(work);
  }

  @Override
  public Transport openTransport(Repository repository) throws IOException, URISyntaxException {
    return clone.openTransport(repository);
  }

  @Override
  public String toString() {
    return "GitRevisions[" + clone + "]";
  }

  /**
   * A branch name, a full commit id, a proposal id (branch {@code cup/proposal/<id>}) or an
   * abbreviated commit id (at least 4 hex digits), in that order; null when none matches. Only
   * these forms are accepted: no rev-parse expressions such as {@code main~1} or {@code a:b}.
   */
  private ObjectId resolve(Repository repo, String revision) {
    try {
      if (Repository.isValidRefName(Constants.R_HEADS + revision)) {
        Ref ref = repo.exactRef(Constants.R_HEADS + revision);
        if (ref != null) {
          return ref.getObjectId();
        }
      }
      boolean hex = HEX.matcher(revision).matches();
      if (hex && revision.length() == Constants.OBJECT_ID_STRING_LENGTH) {
        ObjectId id = ObjectId.fromString(revision);
        if (isCommit(repo, id)) {
          return id;
        }
      }
      if (Repository.isValidRefName(Constants.R_HEADS + ProposalId.branch(revision))) {
        Ref ref = repo.exactRef(Constants.R_HEADS + ProposalId.branch(revision));
        if (ref != null) {
          return ref.getObjectId();
        }
      }
      if (hex && revision.length() < Constants.OBJECT_ID_STRING_LENGTH) {
        return resolveAbbreviated(repo, revision);
      }
      return null;
    } catch (IOException e) {
      throw StatusException.unavailable("cannot resolve revision " + revision, e);
    }
  }

  private static ObjectId resolveAbbreviated(Repository repo, String revision) throws IOException {
    try (ObjectReader reader = repo.newObjectReader()) {
      Collection<ObjectId> candidates = reader.resolve(AbbreviatedObjectId.fromString(revision));
      List<ObjectId> commits = candidates.stream().filter(id -> isCommit(reader, id)).toList();
      if (commits.size() > 1) {
        throw StatusException.badRequest(
            "revision " + revision + " is ambiguous: " + commits.size() + " commits start with it");
      }
      return commits.isEmpty() ? null : commits.get(0);
    }
  }

  private static boolean isCommit(Repository repo, ObjectId id) throws IOException {
    try (ObjectReader reader = repo.newObjectReader()) {
      return isCommit(reader, id);
    }
  }

  private static boolean isCommit(ObjectReader reader, ObjectId id) {
    try {
      return reader.has(id) && reader.open(id).getType() == Constants.OBJ_COMMIT;
    } catch (IOException e) {
      return false;
    }
  }
}
