package io.cup.git;

import io.cup.bus.SourceKind;
import java.io.IOException;
import java.net.URISyntaxException;
import java.util.function.Supplier;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.Transport;

/**
 * The served Git clone as the verticles that work on it without owning it see it (the proposal
 * publisher and reconciler): revision reads, the tracked branch and its head, and what proposal
 * commits need — the repository's objects and refs, written under {@link #exclusively} so that no
 * fetch prunes a local ref between its creation and its push, and a transport to push with.
 * Cloning, fetching, repacking and closing are the owner's alone ({@link GitClone}, driven by the
 * fetcher). Every method blocks: call it from worker threads only.
 */
public interface GitSource extends Source {
  @Override
  default SourceKind kind() {
    return SourceKind.GIT;
  }

  /** The tracked branch's short name (see {@link GitClone#branch()}). */
  String branch();

  /** The local tracked branch's commit, or null (no clone yet, or the branch has no commit). */
  ObjectId head();

  /** Whether the owner has opened the clone (until then reads are 503). */
  boolean isOpen();

  /** The remote's URL without password or token: safe for messages and logs. */
  String remoteUrl();

  /** The opened bare repository; 503 when there is no clone yet. */
  Repository repository();

  /** Runs {@code work} while no fetch can run (the owner's fetch lock). */
  <T> T exclusively(Supplier<T> work);

  /**
   * A number that grows whenever the clone's refs changed: a fetch that updated or pruned a ref, a
   * clone or an open, and every move a reader reported with {@link #refsMoved()}. A reader that
   * keeps what it read of the refs reads them again when it changed.
   */
  long refsGeneration();

  /**
   * Reports that the caller moved or deleted a ref of the clone (under {@link #exclusively}), after
   * the move; returns the new {@link #refsGeneration()}.
   */
  long refsMoved();

  /** The trees this node wrote last, for the pushes that follow ({@link CommitWriter}). */
  FreshTrees freshTrees();

  /** Opens a transport to the remote for {@code repository}, with the source's credentials. */
  Transport openTransport(Repository repository) throws IOException, URISyntaxException;
}
