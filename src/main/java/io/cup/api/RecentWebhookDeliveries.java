package io.cup.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import java.time.Duration;

/**
 * The webhook deliveries this process handled: remembered for {@value #REMEMBERED_HOURS} hours, up
 * to {@value #REMEMBERED_IDS} of them (the least recently remembered go first). Safe for concurrent
 * use by every API instance; see {@link WebhookDeliveries} for who owns it.
 */
public final class RecentWebhookDeliveries implements WebhookDeliveries {
  static final long REMEMBERED_IDS = 100_000;
  static final long REMEMBERED_HOURS = 24;

  private final Cache<String, Boolean> handled =
      Caffeine.newBuilder()
          .maximumSize(REMEMBERED_IDS)
          .expireAfterWrite(Duration.ofHours(REMEMBERED_HOURS))
          .build();

  @Override
  public Future<Boolean> handled(String key) {
    return Future.succeededFuture(handled.getIfPresent(key) != null);
  }

  @Override
  public Future<Void> remember(String key) {
    handled.put(key, Boolean.TRUE);
    return Future.succeededFuture();
  }
}
