package io.cup.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which node of a cluster announces a change that every node sees: each node fetches on its own and
 * sees every move of the tracked branch, but the cluster-wide {@code cup.events.*} carry each move
 * once. The first node to claim a key (a move, {@code from..to}) in the cluster-wide map {@value
 * #MAP} ({@code putIfAbsent} with a time to live) announces it; the others keep it on their node.
 * Without a cluster every claim succeeds: a single node announces everything, as it always did.
 */
public final class OncePerCluster {
  private static final Logger LOG = LoggerFactory.getLogger(OncePerCluster.class);

  /** The cluster-wide map of claims. */
  static final String MAP = "cup.once";

  /** How long a claim is remembered: far longer than any node takes to fetch a move. */
  static final long CLAIM_TTL_MILLIS = 3_600_000L;

  private final Vertx vertx;

  public OncePerCluster(Vertx vertx) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
  }

  /**
   * Whether this node is the first in the cluster to claim {@code key}. When the cluster map cannot
   * be reached the answer is true: an event heard twice is better than an event lost.
   */
  public Future<Boolean> first(String key) {
    if (!vertx.isClustered()) {
      return Future.succeededFuture(true);
    }
    return vertx
        .sharedData()
        .<String, Boolean>getAsyncMap(MAP)
        .compose(map -> map.putIfAbsent(key, Boolean.TRUE, CLAIM_TTL_MILLIS))
        .map(previous -> previous == null)
        .otherwise(
            failure -> {
              LOG.warn(
                  "cannot claim {} in the cluster, announcing it: {}", key, failure.toString());
              return true;
            });
  }
}
