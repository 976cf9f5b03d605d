package io.cup.launcher;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A verticle for launcher tests: writes what happens to it into {@link #JOURNAL}. Its deployment
 * config drives it: {@code "record"} names it, {@code "failStart": true} fails its start, {@code
 * "stopDelayMillis"} makes its stop take that long (on a timer, as a draining server would), {@code
 * "startsAfter": NAME} completes its start only once verticle NAME has begun to start.
 */
public class RecordingVerticle extends VerticleBase {
  static final List<String> JOURNAL = new CopyOnWriteArrayList<>();
  static final List<JsonObject> CONFIGS = new CopyOnWriteArrayList<>();

  @Override
  public Future<?> start() {
    String name = config().getString("record");
    String thread = Context.isOnWorkerThread() ? "worker" : "event-loop";
    JOURNAL.add("start " + name + " " + thread + " " + Thread.currentThread().getName());
    CONFIGS.add(config().copy());
    if (config().getBoolean("failStart", false)) {
      return Future.failedFuture("boom in " + name);
    }
    String after = config().getString("startsAfter");
    if (after == null) {
      return Future.succeededFuture();
    }
    // started only once the other has begun to start: a launcher that waited for this start
    // before it began the other's would wait for ever
    Promise<Void> started = Promise.promise();
    vertx.setPeriodic(
        0,
        10,
        id -> {
          if (JOURNAL.stream().anyMatch(line -> line.startsWith("start " + after + " "))) {
            vertx.cancelTimer(id);
            JOURNAL.add("started " + name);
            started.complete();
          }
        });
    return started.future();
  }

  @Override
  public Future<?> stop() {
    String name = config().getString("record");
    long delay = config().getLong("stopDelayMillis", 0L);
    if (delay == 0) {
      JOURNAL.add("stop " + name);
      return Future.succeededFuture();
    }
    Promise<Void> stopped = Promise.promise();
    vertx.setTimer(
        delay,
        id -> {
          JOURNAL.add("stop " + name + " after " + delay + "ms");
          stopped.complete();
        });
    return stopped.future();
  }
}
