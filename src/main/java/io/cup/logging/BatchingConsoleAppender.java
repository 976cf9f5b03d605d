package io.cup.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.util.Duration;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The server's log appender: lines go to standard output in batches, written by a thread of its
 * own, so that logging costs a request (the access log writes one line per request) a hand-over to
 * a queue and nothing else: no formatting, no lock shared with a writer, no system call.
 *
 * <p>What it promises:
 *
 * <ul>
 *   <li><b>nothing is dropped</b>: a caller that finds the queue full waits until the writer has
 *       taken a batch (as logback's {@code AsyncAppender} with {@code discardingThreshold} 0 and
 *       {@code neverBlock} false, which it replaces);
 *   <li><b>order</b>: lines appear in the order they were appended;
 *   <li><b>a line reaches the output within {@code flushInterval}</b> (default one second) of being
 *       appended, give or take the writer's scheduling; it is flushed no more often than that,
 *       except when the buffer ({@code bufferSize}, default 64 KiB) fills up, so a busy server
 *       writes a buffer per system call instead of a line;
 *   <li><b>{@link #stop()} writes out everything</b> appended before it, and flushes: logback's
 *       {@code LoggerContext.stop()} calls it, which Cup's shutdown does last.
 * </ul>
 *
 * <p>The encoder (the same {@code <encoder><pattern>} as logback's {@code ConsoleAppender}) runs on
 * the writer thread, so the format of a line is whatever the configuration says. The producers wake
 * the writer only when the queue is full: it takes what is queued every {@code pollInterval}
 * (default 20 ms) when the queue was empty, and at once while there is more, so a busy event loop
 * does not pay for waking a thread per line either.
 */
public class BatchingConsoleAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
  private Encoder<ILoggingEvent> encoder;
  private int queueSize = 8192;
  private int bufferSize = 64 * 1024;
  private Duration flushInterval = Duration.buildByMilliseconds(1000);
  private Duration pollInterval = Duration.buildByMilliseconds(20);
  private Duration maxStopTime = Duration.buildByMilliseconds(10_000);
  private OutputStream target;

  private BlockingQueue<ILoggingEvent> queue;
  private OutputStream out;
  private Thread writer;
  private volatile boolean stopping;

  public void setEncoder(Encoder<ILoggingEvent> encoder) {
    this.encoder = encoder;
  }

  public Encoder<ILoggingEvent> getEncoder() {
    return encoder;
  }

  /** Lines that may wait for the writer; a producer finding it full waits. */
  public void setQueueSize(int queueSize) {
    this.queueSize = queueSize;
  }

  /** Bytes written in one system call at most (and buffered at most between flushes). */
  public void setBufferSize(int bufferSize) {
    this.bufferSize = bufferSize;
  }

  /** The longest a line waits in the buffer before it is flushed. */
  public void setFlushInterval(Duration flushInterval) {
    this.flushInterval = flushInterval;
  }

  /** How long the writer sleeps when it found nothing to write. */
  public void setPollInterval(Duration pollInterval) {
    this.pollInterval = pollInterval;
  }

  /** How long {@link #stop()} waits for the writer to write out what is queued. */
  public void setMaxStopTime(Duration maxStopTime) {
    this.maxStopTime = maxStopTime;
  }

  /**
   * Where lines go instead of standard output (tests); set before {@link #start()}. The appender
   * closes it on {@link #stop()} unless it is standard output.
   */
  public void setOutputStream(OutputStream target) {
    this.target = target;
  }

  @Override
  public void start() {
    if (isStarted()) {
      return;
    }
    int problems = 0;
    if (encoder == null) {
      addError("No encoder set for the appender named \"" + name + "\".");
      problems++;
    }
    if (queueSize < 1 || bufferSize < 1) {
      addError("queueSize and bufferSize must be positive");
      problems++;
    }
    if (flushInterval.getMilliseconds() < 1 || pollInterval.getMilliseconds() < 1) {
      addError("flushInterval and pollInterval must be at least 1 ms");
      problems++;
    }
    if (problems > 0) {
      return;
    }
    queue = new ArrayBlockingQueue<>(queueSize);
    // Standard output without System.out's PrintStream, which flushes on every line.
    OutputStream raw = target != null ? target : new FileOutputStream(FileDescriptor.out);
    out = new BufferedOutputStream(raw, bufferSize);
    stopping = false;
    writeHeader();
    writer = new Thread(this::writeLoop, "cup-log-writer");
    writer.setDaemon(true);
    writer.start();
    super.start();
  }

  @Override
  protected void append(ILoggingEvent event) {
    if (!isStarted()) {
      return;
    }
    // Thread name, MDC, formatted message: taken now, as the line is written by another thread.
    event.prepareForDeferredProcessing();
    if (queue.offer(event)) {
      return;
    }
    // Full: wake the writer (it may be sleeping out its poll interval) and wait for it. Neither an
    // interruption nor a stop in the meantime loses the line.
    LockSupport.unpark(writer);
    boolean interrupted = false;
    try {
      while (true) {
        try {
          if (queue.offer(event, 100, TimeUnit.MILLISECONDS)) {
            return;
          }
          LockSupport.unpark(writer);
          if (!writer.isAlive()) {
            synchronized (this) {
              write(List.of(event));
              flush();
            }
            return;
          }
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void stop() {
    if (!isStarted()) {
      return;
    }
    super.stop();
    stopping = true;
    LockSupport.unpark(writer);
    try {
      writer.join(Math.max(1, maxStopTime.getMilliseconds()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (writer.isAlive()) {
      addWarn("the log writer did not finish within " + maxStopTime + "; standard output blocks?");
      return;
    }
    synchronized (this) {
      // lines of callers that passed isStarted() just before the stop
      List<ILoggingEvent> late = new ArrayList<>();
      queue.drainTo(late);
      write(late);
      writeFooter();
      try {
        out.flush();
        if (target != null) {
          out.close();
        }
      } catch (IOException e) {
        addError("closing the output failed", e);
      }
    }
  }

  private void writeLoop() {
    List<ILoggingEvent> batch = new ArrayList<>(Math.min(queueSize, 4096));
    long flushInterval = TimeUnit.MILLISECONDS.toNanos(this.flushInterval.getMilliseconds());
    long pollInterval = TimeUnit.MILLISECONDS.toNanos(this.pollInterval.getMilliseconds());
    long flushBy = 0;
    boolean dirty = false;
    while (true) {
      boolean last = stopping; // read before draining: what was appended before stop() is taken
      batch.clear();
      queue.drainTo(batch, 4096);
      if (!batch.isEmpty()) {
        synchronized (this) {
          write(batch);
        }
        if (!dirty) {
          dirty = true;
          flushBy = System.nanoTime() + flushInterval - pollInterval;
        }
      }
      long now = System.nanoTime();
      if (dirty && (now - flushBy >= 0 || last)) {
        synchronized (this) {
          flush();
        }
        dirty = false;
      }
      if (last && queue.isEmpty()) {
        return;
      }
      if (batch.isEmpty()) {
        LockSupport.parkNanos(this, dirty ? Math.min(pollInterval, flushBy - now) : pollInterval);
      }
    }
  }

  /** Called holding this appender's monitor. */
  private void write(List<ILoggingEvent> events) {
    for (ILoggingEvent event : events) {
      try {
        out.write(encoder.encode(event));
      } catch (IOException | RuntimeException e) {
        addError("writing a log line failed", e);
      }
    }
  }

  /** Called holding this appender's monitor. */
  private void flush() {
    try {
      out.flush();
    } catch (IOException e) {
      addError("flushing the log failed", e);
    }
  }

  private void writeHeader() {
    byte[] header = encoder.headerBytes();
    if (header != null && header.length > 0) {
      synchronized (this) {
        try {
          out.write(header);
        } catch (IOException e) {
          addError("writing the log header failed", e);
        }
      }
    }
  }

  private void writeFooter() {
    byte[] footer = encoder.footerBytes();
    if (footer != null && footer.length > 0) {
      try {
        out.write(footer);
      } catch (IOException e) {
        addError("writing the log footer failed", e);
      }
    }
  }
}
