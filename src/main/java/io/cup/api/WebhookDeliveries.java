package io.cup.api;

import io.vertx.core.Future;

/**
 * The SCM webhook deliveries already handled, so that a redelivery (an SCM redelivers when it
 * missed an answer) is answered without acting twice. Keys are {@code <scm>:<delivery id>}.
 *
 * <p>One per server, shared by every API verticle instance: the launcher creates it, hands it to
 * each instance it deploys, and keeps it for the server's life. {@link RecentWebhookDeliveries}
 * remembers deliveries in this process; {@link ClusterWebhookDeliveries}, shared by every node of a
 * cluster, implements the same contract.
 */
public interface WebhookDeliveries {
  /** Whether the delivery {@code key} was handled already (and is still remembered). */
  Future<Boolean> handled(String key);

  /** Remembers that the delivery {@code key} was handled successfully. */
  Future<Void> remember(String key);

  /**
   * The delivery {@code key}, asked about with {@link #handled}, was not handled after all (it
   * failed, or its outcome is not to be remembered): a redelivery acts again. Only an
   * implementation whose {@link #handled} claims the key has anything to undo.
   */
  default Future<Void> forget(String key) {
    return Future.succeededFuture();
  }
}
