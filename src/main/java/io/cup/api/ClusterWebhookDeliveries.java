package io.cup.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import java.util.Objects;

/**
 * The webhook deliveries a cluster handled, in the cluster-wide map {@value #MAP}: a delivery sent
 * to several nodes (an SCM redelivering to another pod behind the same Service) is handled by one.
 * {@link #handled} claims the key atomically ({@code putIfAbsent} with a short time to live,
 * {@value #CLAIM_MILLIS} ms), so two nodes asked at once cannot both act; {@link #remember} keeps
 * it for {@value #REMEMBERED_HOURS} hours; {@link #forget} drops a claim whose handling failed, so
 * the SCM's redelivery acts again. The map's entries expire by themselves (Hazelcast's TTL).
 */
public final class ClusterWebhookDeliveries implements WebhookDeliveries {
  static final String MAP = "cup.webhook-deliveries";
  static final long CLAIM_MILLIS = 120_000;
  static final long REMEMBERED_HOURS = RecentWebhookDeliveries.REMEMBERED_HOURS;

  private static final String HANDLING = "handling";
  private static final String HANDLED = "handled";

  private final Vertx vertx;

  /**
   * @param vertx a clustered Vert.x (on one that is not, the map is the process's)
   */
  public ClusterWebhookDeliveries(Vertx vertx) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
  }

  private Future<AsyncMap<String, String>> map() {
    return vertx.sharedData().getAsyncMap(MAP);
  }

  /** Claims {@code key}: true when another node claimed or handled it already. */
  @Override
  public Future<Boolean> handled(String key) {
    return map()
        .compose(map -> map.putIfAbsent(key, HANDLING, CLAIM_MILLIS))
        .map(previous -> previous != null);
  }

  @Override
  public Future<Void> remember(String key) {
    return map().compose(map -> map.put(key, HANDLED, REMEMBERED_HOURS * 3_600_000L));
  }

  @Override
  public Future<Void> forget(String key) {
    return map().compose(map -> map.remove(key)).mapEmpty();
  }
}
