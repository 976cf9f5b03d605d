package io.cup.proposals;

import io.cup.metrics.Metrics;
import io.cup.scm.ScmKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicLong;

/** The publisher's and reconciler's meters, registered in {@link Metrics#registry()}. */
final class ProposalMetrics {
  static final Counter CREATED =
      Counter.builder("cup.proposals.created")
          .description("proposals created (for a local directory source: writes applied)")
          .register(Metrics.registry());
  static final Counter MERGED =
      Counter.builder("cup.proposals.merged")
          .description("proposals merged by this server")
          .register(Metrics.registry());
  static final Counter CLOSED =
      Counter.builder("cup.proposals.closed")
          .description("proposals closed by this server")
          .register(Metrics.registry());
  static final Counter REPLAYS =
      Counter.builder("cup.proposals.replays")
          .description("proposals replayed onto a moved tracked branch (conflicts included)")
          .register(Metrics.registry());
  static final Timer PUSH =
      Timer.builder("cup.proposal.push.duration")
          .description("time to push proposal branches, records and merges to the remote")
          .register(Metrics.registry());

  static final DistributionSummary PUSH_GROUP =
      DistributionSummary.builder("cup.proposal.push.group.writes")
          .description("proposal creates carried by one push to the remote (PushQueue)")
          .register(Metrics.registry());

  private static final AtomicLong OPEN = new AtomicLong();

  /** Proposal creates prepared and waiting for a push ({@link PushQueue}), on every instance. */
  static final AtomicLong PUSH_WAITING = new AtomicLong();

  static {
    Gauge.builder("cup.proposal.push.waiting", PUSH_WAITING, AtomicLong::get)
        .description("proposal creates prepared and waiting for the next push to the remote")
        .register(Metrics.registry());
    Gauge.builder("cup.proposals.open", OPEN, AtomicLong::get)
        .description("open proposals, as last counted from the proposal records")
        .register(Metrics.registry());
  }

  private ProposalMetrics() {}

  static void openProposals(long count) {
    OPEN.set(count);
  }

  /** One call of the reconciler to the SCM: {@code operation} open, comment, describe. */
  static void scmCall(ScmKind scm, String operation, String outcome) {
    Counter.builder("cup.scm.calls")
        .description("calls to the SCM by the reconciler")
        .tag("scm", scm.id())
        .tag("operation", operation)
        .tag("outcome", outcome)
        .register(Metrics.registry())
        .increment();
  }
}
