package io.cup.git;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.ObjectId;

/**
 * The bytes of the trees this node wrote last ({@link CommitWriter}), kept by id for the push that
 * follows within a second: the push reads each new tree several times (to find what the remote
 * lacks, to size it, to search and write its delta), and each read of a loose object was a file
 * opened and 70 KB inflated again for a directory of 1,000 files. Bounded by bytes and by age; an
 * id names its content, so nothing kept here is ever stale.
 *
 * <p>Callers never change what they get from here.
 */
public final class FreshTrees {
  /** The bound of the bytes kept: a burst's group pushes of 128 such trees fit several times. */
  static final long MAX_BYTES = 32L * 1024 * 1024;

  /** How long a tree is kept: a push follows its commit within seconds. */
  static final Duration MAX_AGE = Duration.ofMinutes(1);

  private final Cache<ObjectId, byte[]> trees;

  public FreshTrees() {
    this(MAX_BYTES);
  }

  FreshTrees(long maxBytes) {
    this.trees =
        Caffeine.newBuilder()
            .maximumWeight(maxBytes)
            .weigher((ObjectId id, byte[] bytes) -> bytes.length + 64)
            .expireAfterWrite(MAX_AGE)
            .build();
  }

  void put(ObjectId id, byte[] tree) {
    trees.put(id.copy(), tree);
  }

  /** The bytes of tree {@code id} when kept, else null; never to be changed by the caller. */
  public byte[] get(AnyObjectId id) {
    return trees.getIfPresent(id instanceof ObjectId objectId ? objectId : id.copy());
  }
}
