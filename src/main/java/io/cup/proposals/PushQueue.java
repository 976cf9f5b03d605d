package io.cup.proposals;

import io.cup.proposals.RemotePush.Outcome;
import io.cup.proposals.RemotePush.RefChange;
import io.cup.proposals.RemotePush.WriteResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for proposal creates: writes that arrive while a push is on its way wait, and the
 * next push carries all of them ({@link RemotePush#pushGroup}, one atomic push of many refs). A
 * lone write is pushed at once, so a quiet server adds no delay; under load the remote sees one
 * push per round trip instead of one per write.
 *
 * <p>Each write's future completes only when its own refs are on the remote (or failed), so an
 * answer sent on it (a 202) still promises a proposal the remote has.
 *
 * <p>Confined to one verticle context: {@link #submit} is called on it, and the pushes' results
 * come back to it. The pushes themselves block and run on that context's worker pool, one at a
 * time.
 */
final class PushQueue {
  /** Writes in one push at most: bounds the pack and the ref list a push sends. */
  static final int MAX_WRITES = 128;

  private static final Logger LOG = LoggerFactory.getLogger(PushQueue.class);

  private final WorkerExecutor pushes;
  private final RemotePush push;
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  private boolean pushing;

  /**
   * @param pushes where the pushes run: threads of their own, so that a push never waits in line
   *     behind the creates being prepared (a burst queues hundreds of those on the publisher's
   *     pool)
   */
  PushQueue(WorkerExecutor pushes, RemotePush push) {
    this.pushes = Objects.requireNonNull(pushes, "pushes");
    this.push = Objects.requireNonNull(push, "push");
  }

  /** Pushes {@code changes} (one write's refs) with whatever else is waiting. */
  Future<Outcome> submit(List<RefChange> changes) {
    Promise<Outcome> done = Promise.promise();
    waiting.add(new Waiting(List.copyOf(changes), done));
    ProposalMetrics.PUSH_WAITING.incrementAndGet();
    if (!pushing) {
      next();
    }
    return done.future();
  }

  private void next() {
    if (waiting.isEmpty()) {
      pushing = false;
      return;
    }
    pushing = true;
    List<Waiting> group = new ArrayList<>(Math.min(waiting.size(), MAX_WRITES));
    while (!waiting.isEmpty() && group.size() < MAX_WRITES) {
      group.add(waiting.poll());
    }
    List<List<RefChange>> writes = group.stream().map(Waiting::changes).toList();
    ProposalMetrics.PUSH_GROUP.record(group.size());
    ProposalMetrics.PUSH_WAITING.addAndGet(-group.size());
    long started = System.nanoTime();
    pushes
        .executeBlocking(() -> push.pushGroup(writes), false)
        .onComplete(
            pushed -> {
              LOG.debug(
                  "pushed {} proposal creates in {} ms; {} waiting",
                  group.size(),
                  (System.nanoTime() - started) / 1_000_000,
                  waiting.size());
              for (int i = 0; i < group.size(); i++) {
                Promise<Outcome> done = group.get(i).done();
                if (pushed.failed()) {
                  done.fail(pushed.cause());
                  continue;
                }
                WriteResult result = pushed.result().get(i);
                if (result.failure() != null) {
                  done.fail(result.failure());
                } else {
                  done.complete(result.outcome());
                }
              }
              next();
            });
  }

  private record Waiting(List<RefChange> changes, Promise<Outcome> done) {}
}
