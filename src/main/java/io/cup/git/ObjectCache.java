package io.cup.git;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Git objects already read, kept by id: indexed trees ({@link TreeIndex}) and the bytes of small
 * blobs. An object id names its content, so what is kept here is never stale, whichever commit or
 * clone it was read for. Two kinds: {@link #shared} is bounded by an estimate of the bytes it
 * holds, and is owned by one clone's {@link GitRevisions} (so that the same directory listed by
 * request after request is parsed and inflated once, not per request); {@link #perView} belongs to
 * one view, which lives for one request, and keeps what that request touched.
 *
 * <p>Callers never change what they get from here (blob bytes are shared, as {@link
 * RevisionView.Blob#bytes} already says).
 */
final class ObjectCache {
  /** The default bound of a clone's shared cache. */
  static final long DEFAULT_SHARED_BYTES = 64L * 1024 * 1024;

  /** Larger blobs are not kept: a few large files would push out many trees and small files. */
  static final int MAX_BLOB_BYTES = 1024 * 1024;

  private final Cache<ObjectId, Object> shared;
  private final Map<ObjectId, Object> local;

  private ObjectCache(Cache<ObjectId, Object> shared, Map<ObjectId, Object> local) {
    this.shared = shared;
    this.local = local;
  }

  /** A cache holding at most about {@code maxBytes} of trees and blobs, least recently used out. */
  static ObjectCache shared(long maxBytes) {
    return new ObjectCache(
        Caffeine.newBuilder()
            .maximumWeight(maxBytes)
            .weigher((ObjectId id, Object value) -> weight(value))
            .build(),
        null);
  }

  /** A cache for one view: unbounded, as the view is (one request). */
  static ObjectCache perView() {
    return new ObjectCache(null, new ConcurrentHashMap<>());
  }

  TreeIndex tree(ObjectId id) {
    return get(id) instanceof TreeIndex tree ? tree : null;
  }

  void putTree(TreeIndex tree) {
    put(tree.id(), tree);
  }

  /** The bytes of blob {@code id}, when kept; never to be changed by the caller. */
  byte[] blob(ObjectId id) {
    return get(id) instanceof byte[] bytes ? bytes : null;
  }

  void putBlob(ObjectId id, byte[] bytes) {
    if (bytes.length <= MAX_BLOB_BYTES) {
      put(id.copy(), bytes);
    }
  }

  private Object get(ObjectId id) {
    return shared != null ? shared.getIfPresent(id) : local.get(id);
  }

  private void put(ObjectId id, Object value) {
    if (shared != null) {
      shared.put(id, value);
    } else {
      local.put(id, value);
    }
  }

  /** An estimate of the heap a kept object takes, in bytes. */
  private static int weight(Object value) {
    if (value instanceof byte[] bytes) {
      return bytes.length + 64;
    }
    return ((TreeIndex) value).weight();
  }
}
