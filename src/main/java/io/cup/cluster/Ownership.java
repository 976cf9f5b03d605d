package io.cup.cluster;

import io.cup.metrics.Metrics;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.Lock;
import java.util.Objects;
import java.util.UUID;
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

  /** The cluster-wide map of owners' leases, by role. */
  static final String MAP = "cup.owners";

  static final long LEASE_MILLIS = 6_000;
  static final long RENEW_MILLIS = 1_000;

  /** This node's id in the leases. */
  private final String id = UUID.randomUUID().toString();

  private long renewTimer = -1;

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
    claim();
  }

  private Future<AsyncMap<String, String>> leases() {
    return vertx.sharedData().getAsyncMap(MAP);
  }

  /** With the lock held: owns the role once no other node's lease is left. */
  private void claim() {
    if (stopped) {
      return;
    }
    leases()
        .compose(
            map ->
                map.get(role)
                    .compose(
                        holder -> {
                          if (holder != null && !holder.equals(id)) {
                            return Future.succeededFuture(false);
                          }
                          return map.put(role, id, LEASE_MILLIS).map(true);
                        }))
        .onComplete(
            claimed -> {
              if (claimed.succeeded() && claimed.result()) {
                owns = true;
                LOG.info("this node now owns the {} of the cluster", role);
                renewTimer = vertx.setPeriodic(RENEW_MILLIS, t -> renew());
                owned.tryComplete();
              } else {
                LOG.debug("{}: another node's lease is still there; waiting", role);
                vertx.setTimer(RENEW_MILLIS / 2, t -> claim());
              }
            });
  }

  private void renew() {
    if (stopped || !owns) {
      return;
    }
    leases()
        .compose(
            map ->
                map.get(role)
                    .compose(
                        holder -> {
                          if (holder != null && !holder.equals(id)) {
                            return Future.succeededFuture(false);
                          }
                          return map.put(role, id, LEASE_MILLIS).map(true);
                        }))
        .onSuccess(
            kept -> {
              if (!kept && owns) {
                // this node's lease ran out (it was frozen) and another took the role
                owns = false;
                vertx.cancelTimer(renewTimer);
                LOG.error(
                    "this node lost the {} of the cluster to another node; its writes stay fenced"
                        + " by the Git leases",
                    role);
              }
            })
        .onFailure(e -> LOG.warn("cannot renew the {} lease: {}", role, e.toString()));
  }

  /** Whether this node holds the role now. */
  public boolean owns() {
    return owns;
  }

  /** Gives the role up (a node that stops), or stops asking for it. */
  public void release() {
    stopped = true;
    if (renewTimer >= 0) {
      vertx.cancelTimer(renewTimer);
    }
    if (owns) {
      leases().compose(map -> map.removeIfPresent(role, id));
    }
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
