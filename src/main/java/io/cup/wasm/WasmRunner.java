package io.cup.wasm;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import io.cup.bus.FileChange;
import io.cup.git.RevisionView;
import io.cup.metrics.Metrics;
import io.cup.status.StatusException;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs calls of one WASM controller: each call instantiates the (once compiled) module afresh, with
 * the call's argv and stdin, over the repository at the call's revision, under the controller's
 * {@link WasmLimits}. A call runs on the thread that calls {@link #run}, which must be a worker
 * thread, never an event loop; past the wall-time limit that thread is interrupted (compiled and
 * interpreted code both check for it), so it is free again right after.
 *
 * <p>Safe for concurrent use: calls share nothing but the compiled module.
 */
public final class WasmRunner {
  /** Guest output quoted in a status message is cut to this many bytes. */
  static final int MAX_QUOTED_OUTPUT = 1024;

  private static final ScheduledThreadPoolExecutor WATCHDOG = watchdog();

  private final WasmModule module;
  private final String controller;
  private final WasmLimits limits;

  /**
   * @param controller the controller's name, used in status messages and as the metrics tag
   */
  public WasmRunner(WasmModule module, String controller, WasmLimits limits) {
    this.module = Objects.requireNonNull(module, "module");
    this.controller = Objects.requireNonNull(controller, "controller");
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  public WasmModule module() {
    return module;
  }

  public WasmLimits limits() {
    return limits;
  }

  /**
   * Runs {@code call} against {@code view}. Blocks for at most the wall-time limit (plus the time
   * to compute the change set).
   *
   * @return the result of a guest that exited 0 (or returned from {@code _start})
   * @throws StatusException 404 when the guest exits 2; 504 past the wall-time limit; 500 when it
   *     exits 1 (quoting its output) or with any other code, traps, or goes over its memory or
   *     output limit
   */
  public GuestResult run(RevisionView view, GuestCall call) {
    Objects.requireNonNull(view, "view");
    Objects.requireNonNull(call, "call");
    long started = System.nanoTime();
    String outcome = "error";
    try {
      GuestResult result = execute(view, call, started);
      outcome = "ok";
      return result;
    } catch (StatusException e) {
      outcome = outcome(e);
      throw e;
    } finally {
      timer(call.operation(), outcome).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }
  }

  /** This controller's call timers, built once per operation and outcome. */
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  private Timer timer(GuestCall.Operation operation, String outcome) {
    return timers.computeIfAbsent(
        operation.word() + '|' + outcome,
        key ->
            Timer.builder("cup.wasm.calls")
                .description("Calls of WASM controllers: count, latency and outcome")
                .tag("controller", controller)
                .tag("operation", operation.word())
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(Metrics.registry()));
  }

  private GuestResult execute(RevisionView view, GuestCall call, long started) {
    // before the wall-time limit starts: the first calls may wait for the module's compilation
    Function<Instance, Machine> machines = module.machines();
    GuestFiles files =
        new GuestFiles(view, call.operation().writes(), maxFileBytes(limits.memoryBytes()));
    WasiHost.Output output = new WasiHost.Output(limits.outputBytes());
    WasiHost host = new WasiHost(call.argv(module.name()), call.stdin(), files, output);
    CappedMemory[] memory = new CappedMemory[1];
    Deadline deadline = new Deadline(Thread.currentThread(), limits.wallTime());
    Throwable failure = null;
    int exit = 0;
    try {
      Instance instance =
          Instance.builder(module.chicory())
              .withMachineFactory(machines)
              .withImportValues(host.imports())
              .withMemoryFactory(
                  declared -> memory[0] = CappedMemory.of(declared, limits.memoryPages()))
              .withStart(false)
              .build();
      instance.export(Instance.START_FUNCTION_NAME).apply();
    } catch (RuntimeException | StackOverflowError e) {
      WasiHost.GuestExit guestExit = causeOf(e, WasiHost.GuestExit.class);
      if (guestExit != null) {
        exit = guestExit.code;
      } else {
        failure = e;
      }
    } finally {
      deadline.finish();
    }
    boolean overMemory =
        causeOf(failure, CappedMemory.InitialMemoryTooLarge.class) != null
            || (memory[0] != null && memory[0].refusedGrowth());
    if (failure != null) {
      throw failed(call, failure, deadline.fired(), overMemory);
    }
    if (exit != 0 && overMemory) {
      throw memoryLimit(call);
    }
    byte[] stdout = output.stdout.toByteArray();
    byte[] stderr = output.stderr.toByteArray();
    switch (exit) {
      case 0 -> {
        List<FileChange> changes = call.operation().writes() ? files.changes() : List.of();
        return new GuestResult(
            0, stdout, stderr, changes, Duration.ofNanos(System.nanoTime() - started));
      }
      case 2 ->
          throw StatusException.notFound(
              call.operation() == GuestCall.Operation.LIST
                  ? "namespace " + call.namespace() + " not found for " + call.kind()
                  : call.kind() + " " + call.namespace() + "/" + target(call) + " not found");
      case 3 ->
          // the guest refused what it was given: the client's input, never the server's fault
          throw StatusException.invalid(
              call.kind()
                  + " \""
                  + target(call)
                  + "\" is invalid: controller "
                  + controller
                  + " refused it"
                  + quoted(stdout, stderr),
              List.of());
      case 1 ->
          throw StatusException.internal(
              "controller " + controller + " failed to " + describe(call) + quoted(stdout, stderr),
              null);
      default ->
          throw StatusException.internal(
              "controller "
                  + controller
                  + " exited with code "
                  + exit
                  + " during "
                  + describe(call)
                  + quoted(stdout, stderr),
              null);
    }
  }

  private StatusException failed(
      GuestCall call, Throwable failure, boolean timedOut, boolean overMemory) {
    if (timedOut) {
      return StatusException.timeout(
          "controller "
              + controller
              + " did not finish "
              + describe(call)
              + " within "
              + seconds(limits.wallTime()));
    }
    if (causeOf(failure, WasiHost.OutputLimitExceeded.class) != null) {
      return new GuestFailure(
          "output_limit",
          "controller "
              + controller
              + " exceeded its "
              + WasmLimits.describe(limits.outputBytes())
              + " output limit (stdout and stderr) during "
              + describe(call),
          failure);
    }
    if (overMemory) {
      return memoryLimit(call);
    }
    StatusException refused = causeOf(failure, StatusException.class);
    if (refused != null) {
      // the host refused something with a status of its own (a repository file over the limit)
      return refused;
    }
    if (causeOf(failure, ChicoryInterruptedException.class) != null) {
      // interrupted, but not by the deadline: whoever runs this thread is stopping it
      Thread.currentThread().interrupt();
      return StatusException.unavailable(
          "controller " + controller + " was interrupted during " + describe(call), failure);
    }
    String trap =
        failure instanceof StackOverflowError
            ? "call stack exhausted"
            : Objects.requireNonNullElse(failure.getMessage(), failure.getClass().getSimpleName());
    return new GuestFailure(
        "trap",
        "controller " + controller + " trapped during " + describe(call) + ": " + trap,
        failure);
  }

  private StatusException memoryLimit(GuestCall call) {
    return new GuestFailure(
        "memory_limit",
        "controller "
            + controller
            + " exceeded its "
            + WasmLimits.describe(limits.memoryCapBytes())
            + " memory limit during "
            + describe(call),
        null);
  }

  /**
   * The metrics outcome of a failure: said by its code, or as data by a {@link GuestFailure} this
   * runner made (a limit or a trap); any other failure is an "error".
   */
  private static String outcome(StatusException e) {
    return switch (e.code()) {
      case 404 -> "not_found";
      case 504 -> "timeout";
      case 503 -> "interrupted";
      default -> e instanceof GuestFailure g ? g.outcome : "error";
    };
  }

  /**
   * A 500 of the guest itself, with the outcome the call metrics count it under ({@code
   * memory_limit}, {@code output_limit}, {@code trap}), so the outcome is data, never read back
   * from the message.
   */
  private static final class GuestFailure extends StatusException {
    private final String outcome;

    GuestFailure(String outcome, String message, Throwable cause) {
      super(500, "InternalError", message, List.of(), null, cause);
      this.outcome = outcome;
    }
  }

  /** {@code failure} or its first cause of type {@code type}; null when there is none. */
  private static <T extends Throwable> T causeOf(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  /** "put Flag default/my-flag", "list Flag default". */
  private static String describe(GuestCall call) {
    String what = call.operation().word() + " " + call.kind() + " " + call.namespace();
    return call.operation() == GuestCall.Operation.LIST ? what : what + "/" + target(call);
  }

  private static String target(GuestCall call) {
    return String.join(" ", call.arguments());
  }

  /** The guest's own words, at most 1 KiB of them: ": <stdout> <stderr>", or "". */
  static String quoted(byte[] stdout, byte[] stderr) {
    String text =
        (new String(stdout, UTF_8).strip() + "\n" + new String(stderr, UTF_8).strip()).strip();
    if (text.isEmpty()) {
      return " (no output)";
    }
    byte[] bytes = text.getBytes(UTF_8);
    if (bytes.length > MAX_QUOTED_OUTPUT) {
      int end = MAX_QUOTED_OUTPUT;
      while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
        end--; // do not cut a UTF-8 sequence
      }
      text = new String(bytes, 0, end, UTF_8) + "…";
    }
    return ": " + text;
  }

  private static String seconds(Duration duration) {
    return duration.toMillis() % 1000 == 0
        ? duration.toSeconds() + " s"
        : duration.toMillis() + " ms";
  }

  /** Files the guest writes may hold four times its memory limit: enough, and bounded. */
  private static long maxFileBytes(long memoryBytes) {
    return memoryBytes * 4;
  }

  private static ScheduledThreadPoolExecutor watchdog() {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            task -> {
              Thread thread = new Thread(task, "cup-wasm-deadline");
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }

  /**
   * Interrupts the guest's thread at the deadline, unless the call finished first. Finishing clears
   * an interrupt the deadline made, so the thread goes back to its pool clean.
   */
  private static final class Deadline implements Runnable {
    private final Thread thread;
    private final ScheduledFuture<?> task;
    private boolean finished;
    private boolean fired;

    Deadline(Thread thread, Duration wallTime) {
      this.thread = thread;
      this.task = WATCHDOG.schedule(this, wallTime.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public synchronized void run() {
      if (!finished) {
        fired = true;
        thread.interrupt();
      }
    }

    synchronized void finish() {
      finished = true;
      task.cancel(false);
      if (fired) {
        Thread.interrupted();
      }
    }

    synchronized boolean fired() {
      return fired;
    }
  }
}
