package io.cup.cli;

import io.cup.git.DirectorySource;
import io.cup.git.GitRevisionView;
import io.cup.git.RevisionView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.errors.RevisionSyntaxException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.util.FS;

/**
 * The repository {@code cup controller test --repo DIR} runs a controller over, opened read-only: a
 * Git repository (bare, or a directory with {@code .git}) viewed at one commit, or a plain
 * directory viewed as it is. Only {@code DIR} itself is looked at, never its parents, so a plain
 * directory inside a Git work tree stays a plain directory. Nothing is ever written to it.
 */
final class LocalRepository implements AutoCloseable {
  private final Path dir;
  private final Repository git;
  private final RevisionView view;

  private LocalRepository(Path dir, Repository git, RevisionView view) {
    this.dir = dir;
    this.git = git;
    this.view = view;
  }

  /** A bad {@code --repo} or {@code --revision}: what is wrong, in words for the user. */
  static final class Unusable extends Exception {
    Unusable(String message) {
      super(message);
    }
  }

  /**
   * Opens {@code dir} and resolves {@code revision} (null: {@code HEAD}) in it.
   *
   * @throws Unusable when {@code dir} is not a directory, a revision is given for a plain
   *     directory, or the revision does not name a commit
   */
  static LocalRepository open(Path dir, String revision) throws Unusable {
    if (!Files.isDirectory(dir)) {
      throw new Unusable("--repo " + dir + " is not a directory");
    }
    boolean workTree = Files.exists(dir.resolve(".git"));
    boolean bare = !workTree && RepositoryCache.FileKey.isGitRepository(dir.toFile(), FS.DETECTED);
    if (!workTree && !bare) {
      if (revision != null) {
        throw new Unusable(
            "--revision "
                + revision
                + ": "
                + dir
                + " is a plain directory, which has no revisions");
      }
      return new LocalRepository(dir, null, DirectorySource.of(dir).view(null));
    }
    Repository git = openGit(dir, workTree);
    try {
      return new LocalRepository(dir, git, GitRevisionView.of(git, commit(git, dir, revision)));
    } catch (Unusable | RuntimeException e) {
      git.close();
      throw e;
    }
  }

  private static Repository openGit(Path dir, boolean workTree) throws Unusable {
    FileRepositoryBuilder builder = new FileRepositoryBuilder().setMustExist(true);
    if (workTree) {
      builder.setWorkTree(dir.toFile()); // .git is a directory, or a file naming one
    } else {
      builder.setGitDir(dir.toFile()).setBare();
    }
    try {
      return builder.build();
    } catch (IOException | IllegalArgumentException e) {
      throw new Unusable("cannot open the Git repository " + dir + ": " + e.getMessage());
    }
  }

  private static ObjectId commit(Repository git, Path dir, String revision) throws Unusable {
    String name = revision == null ? "HEAD" : revision;
    ObjectId commit;
    try {
      commit = git.resolve(name + "^{commit}");
    } catch (IOException | RevisionSyntaxException e) {
      throw new Unusable("revision " + name + " in " + dir + ": " + e.getMessage());
    }
    if (commit == null) {
      throw new Unusable(
          revision == null
              ? "the Git repository " + dir + " has no commit at HEAD (use --revision)"
              : "revision " + revision + " is not a commit in " + dir);
    }
    return commit;
  }

  /** The view the call runs over. Usable until {@link #close}. */
  RevisionView view() {
    return view;
  }

  /** The directory given as {@code --repo}. */
  Path dir() {
    return dir;
  }

  @Override
  public void close() {
    if (git != null) {
      git.close();
    }
  }
}
