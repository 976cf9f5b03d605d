package io.cup.git;

import java.io.IOException;
import org.eclipse.jgit.attributes.AttributesNodeProvider;
import org.eclipse.jgit.lib.ObjectDatabase;
import org.eclipse.jgit.lib.RefDatabase;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * The served clone as one JGit operation sees it: by default exactly the clone (its objects, refs
 * and config), for a subclass to narrow what that operation reads (a push that reads fewer trees, a
 * fetch that sees fewer refs). A view opens nothing of its own and never closes the clone, which
 * belongs to {@link GitClone}; one instance per operation.
 */
public abstract class CloneView extends Repository {
  /** The clone viewed. */
  protected final Repository clone;

  private final String purpose;

  /**
   * @param purpose what the view is for, as a noun ("a push", "a fetch"), for the message of a call
   *     that has no meaning on a view
   */
  protected CloneView(Repository clone, String purpose) {
    super(
        new FileRepositoryBuilder().setGitDir(clone.getDirectory()).setFS(clone.getFS()).setBare());
    this.clone = clone;
    this.purpose = purpose;
  }

  @Override
  public ObjectDatabase getObjectDatabase() {
    return clone.getObjectDatabase();
  }

  @Override
  public RefDatabase getRefDatabase() {
    return clone.getRefDatabase();
  }

  @Override
  public StoredConfig getConfig() {
    return clone.getConfig();
  }

  @Override
  public AttributesNodeProvider createAttributesNodeProvider() {
    return clone.createAttributesNodeProvider();
  }

  @Override
  public void scanForRepoChanges() throws IOException {
    clone.scanForRepoChanges();
  }

  @Override
  public void notifyIndexChanged(boolean internal) {
    // bare: no index
  }

  @Override
  public String getIdentifier() {
    return clone.getIdentifier();
  }

  @Override
  public void create(boolean bare) throws IOException {
    // Repository requires this method; a view over an existing clone has nothing to create, so a
    // call is a programming error reported as the I/O failure the signature allows
    throw new IOException(
        "the view of " + clone.getIdentifier() + " for " + purpose + " creates no repository");
  }

  /** The clone stays open: it belongs to {@link GitClone}, not to this view. */
  @Override
  public void close() {
    // nothing of our own to release
  }
}
