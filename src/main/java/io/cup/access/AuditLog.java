package io.cup.access;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where audit events go ({@code --api-audit-log-path}): one {@link AuditEvent} per JSON line, as
 * Kubernetes' log backend writes them.
 *
 * <p>{@link #record} never blocks and never drops an event while the log can be written: events
 * wait in an unbounded queue that one daemon thread writes out in batches. What happens when the
 * disk fails is described on {@link #open}.
 */
public interface AuditLog extends AutoCloseable {

  /** The path that means standard output. */
  String STDOUT = "-";

  /** No audit log: records nothing. */
  AuditLog NONE =
      new AuditLog() {
        @Override
        public void record(AuditEvent event) {}

        @Override
        public void close() {}
      };

  /**
   * Queues {@code event} for writing and returns at once; safe from any thread, an event loop
   * included. An event recorded after {@link #close} is not written (it is counted and logged).
   */
  void record(AuditEvent event);

  /**
   * Writes and flushes every event still queued, then stops the writer. Idempotent; waits for the
   * writer a bounded time (ten seconds) and does not throw.
   */
  @Override
  void close();

  /**
   * The audit log at {@code path}: null or blank for {@link #NONE}, {@value #STDOUT} for standard
   * output, else a file that is appended to (created with its parent directories, readable and
   * writable only by its owner, when it does not exist).
   *
   * <p>When a write fails (a full disk, say), the failure is logged at most once a minute (never an
   * event's content) and the writer keeps the unwritten part of its batch and retries it every
   * second, so nothing is lost or written twice; meanwhile new events wait in memory, counted by
   * the gauge {@code cup.audit.queue}. At {@link #close}, events that still cannot be written are
   * given up: their number is logged as an error and added to {@code cup.audit.events.lost}.
   *
   * @throws IOException when the file or its directory cannot be created or opened
   */
  static AuditLog open(String path) throws IOException {
    if (path == null || path.isBlank()) {
      return NONE;
    }
    if (STDOUT.equals(path)) {
      return AuditLogWriter.toStream(System.out, "standard output");
    }
    return AuditLogWriter.toFile(Path.of(path));
  }
}
