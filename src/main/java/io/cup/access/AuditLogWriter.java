package io.cup.access;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log behind {@link AuditLog#open}: callers only enqueue (lock-free); one daemon thread
 * encodes the events as JSON lines into a batch and writes the batch in one call when the queue
 * drains, when the batch reaches 64 KiB, or when it has waited a second. The batch is this class's
 * own buffer, not a {@code BufferedWriter}, so that after a failed or partial write exactly the
 * unwritten bytes are retried: no line is lost, doubled or cut.
 */
final class AuditLogWriter implements AuditLog {
  private static final Logger LOG = LoggerFactory.getLogger(AuditLogWriter.class);

  static final int BATCH_BYTES = 64 * 1024;
  static final long FLUSH_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();
  static final long RETRY_NANOS = Duration.ofSeconds(1).toNanos();
  static final long WARN_INTERVAL_NANOS = Duration.ofMinutes(1).toNanos();
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  /** Where batches go. */
  interface Sink {
    /**
     * Writes the buffer's remaining bytes, advancing its position past what was written even when
     * it then fails, so that a retry writes only the rest.
     */
    void write(ByteBuffer bytes) throws IOException;

    void close() throws IOException;
  }

  private final Sink sink;
  private final String name;
  private final Queue<AuditEvent> queue = new ConcurrentLinkedQueue<>();
  private final Thread writer;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong nextWarn = new AtomicLong(System.nanoTime());

  /** Set by {@link #close}: the writer writes what is queued, then stops. */
  private volatile boolean closing;

  /** Whether the writer is (about to be) parked with an empty queue: {@link #record} wakes it. */
  private volatile boolean idle;

  // Owned by the writer thread.
  private byte[] batch = new byte[BATCH_BYTES + 4096];
  private int length;
  private int written;
  private int batchEvents;
  private long failures;
  private long suppressed;

  private AuditLogWriter(Sink sink, String name) {
    this.sink = sink;
    this.name = name;
    this.writer = new Thread(this::run, "cup-audit-writer");
    writer.setDaemon(true);
  }

  private AuditLogWriter start() {
    writer.start();
    return this;
  }

  /**
   * A log appended to {@code file}: created with its parent directories and mode 0600 (on a POSIX
   * file system) when it does not exist; an existing file keeps its mode.
   */
  static AuditLogWriter toFile(Path file) throws IOException {
    Path path = file.toAbsolutePath();
    if (path.getParent() != null) {
      Files.createDirectories(path.getParent());
    }
    try {
      if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(
            path,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(path);
      }
    } catch (FileAlreadyExistsException exists) {
      // appended to as it is
    }
    FileChannel channel =
        FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    Sink sink =
        new Sink() {
          @Override
          public void write(ByteBuffer bytes) throws IOException {
            while (bytes.hasRemaining()) {
              channel.write(bytes);
            }
          }

          @Override
          public void close() throws IOException {
            channel.close();
          }
        };
    return new AuditLogWriter(sink, path.toString()).start();
  }

  /**
   * A log written to {@code out}, which is flushed after every batch and never closed (standard
   * output belongs to the process). A {@link PrintStream} reports failures only through {@link
   * PrintStream#checkError}, after the fact: a batch it failed on may be lost, and is logged as a
   * failure.
   */
  static AuditLogWriter toStream(OutputStream out, String name) {
    Objects.requireNonNull(out, "out");
    Sink sink =
        new Sink() {
          private boolean reported;

          @Override
          public void write(ByteBuffer bytes) throws IOException {
            // one call: a PrintStream holds its lock for it, so other writers (a console log
            // appender) cannot cut into a line
            out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
            bytes.position(bytes.limit());
            out.flush();
            // the error flag is sticky: report it once, not on every batch after it
            if (out instanceof PrintStream print && print.checkError() && !reported) {
              reported = true;
              throw new IOException("the stream reported an error; audit events may be lost");
            }
          }

          @Override
          public void close() throws IOException {
            out.flush();
          }
        };
    return new AuditLogWriter(sink, name).start();
  }

  @Override
  public void record(AuditEvent event) {
    Objects.requireNonNull(event, "event");
    if (closing) {
      lost(1, "recorded after the audit log was closed");
      return;
    }
    AuditMetrics.EVENTS.increment();
    AuditMetrics.QUEUED.incrementAndGet();
    queue.offer(event);
    if (idle) {
      LockSupport.unpark(writer);
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      closing = true;
      LockSupport.unpark(writer);
    }
    try {
      writer.join(CLOSE_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (writer.isAlive()) {
      LOG.error(
          "audit log {}: the writer did not finish within {}; queued events may be lost",
          name,
          CLOSE_TIMEOUT);
      return;
    }
    // a record() that raced with close() may have queued an event after the writer's last look
    int left = 0;
    while (queue.poll() != null) {
      left++;
    }
    if (left > 0) {
      AuditMetrics.QUEUED.addAndGet(-left);
      lost(left, "recorded while the audit log was closing");
    }
  }

  private void run() {
    try {
      long lastWrite = System.nanoTime();
      while (true) {
        AuditEvent event = queue.poll();
        if (event != null) {
          append(event);
          if (length >= BATCH_BYTES || System.nanoTime() - lastWrite >= FLUSH_INTERVAL_NANOS) {
            writeBatch();
            lastWrite = System.nanoTime();
          }
          continue;
        }
        // the queue has drained for a moment: write what there is
        if (length > 0) {
          writeBatch();
          lastWrite = System.nanoTime();
          continue;
        }
        if (closing) {
          break;
        }
        idle = true;
        // checked again after idle is set, so a record() in between either is seen here or
        // sees idle and unparks
        if (queue.isEmpty() && !closing) {
          LockSupport.parkNanos(this, FLUSH_INTERVAL_NANOS);
        }
        idle = false;
      }
    } catch (RuntimeException | Error e) {
      LOG.error("audit log {}: the writer stopped unexpectedly", name, e);
    } finally {
      try {
        sink.close();
      } catch (IOException e) {
        LOG.warn("audit log {}: closing failed: {}", name, e.toString());
      }
    }
  }

  /** Encodes one event as a line at the end of the batch. */
  private void append(AuditEvent event) {
    byte[] line;
    try {
      line = (event.toJson().encode() + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (RuntimeException e) {
      AuditMetrics.QUEUED.decrementAndGet();
      lost(1, "an event could not be encoded (" + e.getClass().getSimpleName() + ")");
      return;
    }
    if (length + line.length > batch.length) {
      batch = Arrays.copyOf(batch, Math.max(batch.length * 2, length + line.length));
    }
    System.arraycopy(line, 0, batch, length, line.length);
    length += line.length;
    batchEvents++;
  }

  /**
   * Writes the rest of the batch. On failure it waits a second and retries the unwritten bytes,
   * until they are written or the log is closing; then the batch and everything queued are given
   * up.
   */
  private void writeBatch() {
    while (true) {
      ByteBuffer rest = ByteBuffer.wrap(batch, written, length - written);
      try {
        sink.write(rest);
        written = rest.position();
        AuditMetrics.QUEUED.addAndGet(-batchEvents);
        resetBatch();
        if (failures > 0) {
          LOG.info("audit log {}: written again after {} failed attempts", name, failures);
          failures = 0;
        }
        return;
      } catch (IOException e) {
        written = rest.position();
        failures++;
        AuditMetrics.WRITE_FAILURES.increment();
        warn(
            "audit log {}: writing failed ({}); {} audit events queued in this process, retried every second",
            e.toString(),
            AuditMetrics.QUEUED.get());
        if (closing) {
          int dropped = batchEvents;
          resetBatch();
          while (queue.poll() != null) {
            dropped++;
          }
          AuditMetrics.QUEUED.addAndGet(-dropped);
          lost(dropped, "the audit log could not be written when it was closed");
          return;
        }
        LockSupport.parkNanos(this, RETRY_NANOS);
      }
    }
  }

  private void resetBatch() {
    length = 0;
    written = 0;
    batchEvents = 0;
    if (batch.length > BATCH_BYTES * 4) {
      batch = new byte[BATCH_BYTES + 4096];
    }
  }

  /** Events given up: counted, and logged by number (never by content). */
  private void lost(int count, String why) {
    AuditMetrics.LOST.increment(count);
    LOG.error("audit log {}: {} audit events lost: {}", name, count, why);
  }

  /** Logs at most once a minute; says how many warnings were held back in between. */
  private void warn(String format, Object first, Object second) {
    long now = System.nanoTime();
    long due = nextWarn.get();
    if (now - due >= 0 && nextWarn.compareAndSet(due, now + WARN_INTERVAL_NANOS)) {
      LOG.warn(format + " ({} similar warnings held back)", name, first, second, suppressed);
      suppressed = 0;
    } else {
      suppressed++;
    }
  }
}
