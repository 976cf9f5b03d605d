package io.cup.proposals;

import io.cup.git.GitSource;
import java.util.Objects;
import org.eclipse.jgit.lib.Repository;

/**
 * The one {@link ProposalStore} over the served clone, shared by the publisher's instances and the
 * reconciler: one owner of the listed records. With a store each, every ref one instance moved made
 * the others' kept records stale (the clone's refs generation moved under them), and their next
 * list read every record ref again: during a burst of creates, a scan of all records per create.
 * The launcher makes one per server and hands it to those verticles.
 */
public final class ProposalStores {
  private ProposalStore store;

  /** The store over {@code source}'s clone as it is open now (a new one after a new clone). */
  synchronized ProposalStore of(GitSource source) {
    Objects.requireNonNull(source, "source");
    Repository repository = source.repository();
    if (store == null || store.repository() != repository) {
      store = new ProposalStore(repository, source);
    }
    return store;
  }
}
