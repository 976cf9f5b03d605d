package io.cup.cluster;

import io.cup.metrics.Metrics;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Lock;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A role one node of a cluster holds at a time (the proposal reconciler's: opening pull requests,
 * sweeps, replays, SCM retries). Held as the cluster-wide lock {@code cup.owner.<role>} ({@code
 * sharedData().getLockWithTimeout}): a node that does not hold it keeps asking, so when the owner
 * leaves or dies (Hazelcast drops a killed member within seconds and frees its locks) another node
 * takes the role over. Without a cluster the role is this node's at once.
 *
 * <p>Such a lock is not a fence: a frozen owner may still believe it holds the role once another
 * took it. What the owner writes is fenced elsewhere, by the Git ref leases of proposal records and
 * branches, and by the SCM refusing a second pull request for one branch.
 *
 * <p>On a cluster the gauge {@code cup_cluster_owner{role}} is 1 while this node holds the role.
 */
public final class Ownership {
  private static final Logger LOG = LoggerFactory.getLogger(Ownership.class);

  /** How long one attempt waits for the lock before asking again. */
  static final long ATTEMPT_MILLIS = 5_000;

  /** The pause between a failed attempt and the next. */
  static final long RETRY_PAUSE_MILLIS = 100;

  private final Vertx vertx;
  private final String role;
  private final Promise<Void> owned = Promise.promise();
  private Gauge gauge;
  private volatile boolean owns;
  private volatile boolean stopped;
  private Lock lock;

  public Ownership(Vertx vertx, String role) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.role = Objects.requireNonNull(role, "role");
  }

  /** Completes once this node holds the role (never, if it is released first). */
  public Future<Void> acquire() {
    if (!vertx.isClustered()) {
      owns = true;
      owned.tryComplete();
      return owned.future();
    }
    gauge =
        Gauge.builder("cup.cluster.owner", this, o -> o.owns ? 1 : 0)
            .description("1 while this node holds the role in the cluster, else 0")
            .tag("role", role)
            .strongReference(true)
            .register(Metrics.registry());
    attempt();
    return owned.future();
  }

  private void attempt() {
    if (stopped) {
      return;
    }
    vertx
        .sharedData()
        .getLockWithTimeout("cup.owner." + role, ATTEMPT_MILLIS)
        .onSuccess(this::held)
        .onFailure(
            e -> {
              LOG.debug("{}: another node owns it ({}); asking again", role, e.getMessage());
              // a timed-out attempt waited already; the pause keeps a failing cluster from spinning
              vertx.setTimer(RETRY_PAUSE_MILLIS, t -> attempt());
            });
  }

  private void held(Lock acquired) {
    if (stopped) {
      acquired.release();
      return;
    }
    lock = acquired;
    owns = true;
    LOG.info("this node now owns the {} of the cluster", role);
    owned.tryComplete();
  }

  /** Whether this node holds the role now. */
  public boolean owns() {
    return owns;
  }

  /** Gives the role up (a node that stops), or stops asking for it. */
  public void release() {
    stopped = true;
    owns = false;
    if (lock != null) {
      lock.release();
      lock = null;
    }
    if (gauge != null) {
      Metrics.registry().remove(gauge);
      gauge = null;
    }
  }
}
