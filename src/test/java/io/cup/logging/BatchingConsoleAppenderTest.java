package io.cup.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.util.Duration;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server's log appender, on a logback context of its own writing to memory: every line arrives,
 * in order, nothing is dropped when the queue is full, lines are flushed within the interval
 * without a stop, and a stop writes out everything.
 */
class BatchingConsoleAppenderTest {
  private static final String PATTERN = "%level %logger{0} - %msg%n";

  private final LoggerContext context = new LoggerContext();
  private final RecordingStream output = new RecordingStream();

  @AfterEach
  void stopContext() {
    context.stop();
  }

  private Logger logger(BatchingConsoleAppender appender) {
    context.setMDCAdapter(new LogbackMDCAdapter()); // what logback's SLF4J provider does
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    appender.setContext(context);
    appender.setName("console");
    appender.setEncoder(encoder);
    appender.setOutputStream(output);
    appender.start();
    assertThat(appender.isStarted()).isTrue();
    Logger logger = context.getLogger("io.cup.api.access");
    logger.addAppender(appender);
    return logger;
  }

  @Test
  void everyLineOfManyArrivesInOrderAfterAStop() {
    BatchingConsoleAppender appender = new BatchingConsoleAppender();
    appender.setQueueSize(64); // far fewer than the lines: producers have to wait for the writer
    appender.setFlushInterval(Duration.buildByMilliseconds(60_000));
    Logger logger = logger(appender);

    for (int i = 0; i < 50_000; i++) {
      logger.info("method=GET path=/x/{} status=200", i);
    }
    appender.stop();

    List<String> lines = output.lines();
    assertThat(lines).hasSize(50_000);
    for (int i = 0; i < lines.size(); i++) {
      assertThat(lines.get(i)).isEqualTo("INFO access - method=GET path=/x/" + i + " status=200");
    }
    assertThat(output.flushes()).isPositive();
  }

  @Test
  void linesOfConcurrentProducersAreAllThereEachInItsOrder() throws InterruptedException {
    BatchingConsoleAppender appender = new BatchingConsoleAppender();
    appender.setQueueSize(16);
    Logger logger = logger(appender);
    int producers = 4;
    int each = 10_000;
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int producer = p;
      Thread thread =
          new Thread(
              () -> {
                for (int i = 0; i < each; i++) {
                  logger.info("producer={} line={}", producer, i);
                }
              });
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join(TimeUnit.MINUTES.toMillis(2));
      assertThat(thread.isAlive()).as("producer finished").isFalse();
    }
    appender.stop();

    int[] next = new int[producers];
    List<String> lines = output.lines();
    assertThat(lines).hasSize(producers * each);
    for (String line : lines) {
      String[] words = line.substring(line.indexOf(" - ") + 3).split("[= ]");
      int producer = Integer.parseInt(words[1]);
      assertThat(Integer.parseInt(words[3]))
          .as("next line of producer %d", producer)
          .isEqualTo(next[producer]);
      next[producer]++;
    }
    assertThat(next).containsOnly(each);
  }

  @Test
  void aLineIsFlushedWithinTheIntervalWithoutAStop() throws InterruptedException {
    BatchingConsoleAppender appender = new BatchingConsoleAppender();
    appender.setFlushInterval(Duration.buildByMilliseconds(200));
    Logger logger = logger(appender);

    logger.info("the only line");

    assertThat(output.awaitFlushContaining("the only line", 30, TimeUnit.SECONDS))
        .as("flushed while the appender runs")
        .isTrue();
    assertThat(appender.isStarted()).isTrue();
  }

  @Test
  void aStopWritesOutWhatAWholeIntervalWouldStillHold() {
    BatchingConsoleAppender appender = new BatchingConsoleAppender();
    appender.setFlushInterval(Duration.buildByMilliseconds(3_600_000));
    Logger logger = logger(appender);
    logger.info("first");
    logger.warn("second");

    context.stop(); // what Cup's shutdown calls last

    assertThat(output.lines()).containsExactly("INFO access - first", "WARN access - second");
    assertThat(output.closed()).isTrue();
  }

  /** Memory as the output; counts flushes and lets a test wait for one that holds some text. */
  private static final class RecordingStream extends ByteArrayOutputStream {
    private final List<CountDownLatch> waiting = new ArrayList<>();
    private int flushes;
    private boolean closed;

    @Override
    public synchronized void flush() {
      flushes++;
      waiting.forEach(CountDownLatch::countDown);
    }

    @Override
    public synchronized void close() {
      closed = true;
    }

    synchronized int flushes() {
      return flushes;
    }

    synchronized boolean closed() {
      return closed;
    }

    synchronized List<String> lines() {
      String text = toString(StandardCharsets.UTF_8);
      return text.isEmpty() ? List.of() : Arrays.asList(text.split("\n"));
    }

    /** Waits, bounded, for a flush after which the flushed bytes contain {@code text}. */
    boolean awaitFlushContaining(String text, long timeout, TimeUnit unit)
        throws InterruptedException {
      long deadline = System.nanoTime() + unit.toNanos(timeout);
      while (true) {
        CountDownLatch next = new CountDownLatch(1);
        synchronized (this) {
          if (flushes > 0 && toString(StandardCharsets.UTF_8).contains(text)) {
            return true;
          }
          waiting.add(next);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || !next.await(left, TimeUnit.NANOSECONDS)) {
          return false;
        }
      }
    }
  }
}
