package io.cup.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/** The server's log line is exactly what logback's PatternLayout makes of the server's pattern. */
class ServerLineLayoutTest {
  @Test
  void writesWhatLogbacksPatternLayoutWritesForThePattern() {
    TimeZone before = TimeZone.getDefault();
    LoggerContext context = new LoggerContext();
    try {
      for (String zone : List.of("UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kolkata")) {
        TimeZone.setDefault(TimeZone.getTimeZone(zone));
        PatternLayout pattern = new PatternLayout();
        pattern.setContext(context);
        pattern.setPattern(CupLogConfiguration.PATTERN);
        pattern.start();
        ServerLineLayout layout = new ServerLineLayout();
        layout.setContext(context);
        layout.start();

        Logger logger = context.getLogger("io.cup.api.ApiVerticle");
        Logger unqualified = context.getLogger("access");
        for (long millis :
            List.of(0L, 7L, 1_765_152_858_870L, 1_765_152_858_999L, 1_765_152_859_000L)) {
          for (Level level :
              List.of(Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR)) {
            assertSameLine(pattern, layout, event(logger, level, millis, "a {} b", "x", null));
            assertSameLine(pattern, layout, event(unqualified, level, millis, "plain", null, null));
          }
          assertSameLine(
              pattern,
              layout,
              event(
                  logger,
                  Level.ERROR,
                  millis,
                  "failed: {}",
                  "why",
                  new UncheckedIOException("outer", new IOException("inner"))));
          assertSameLine(pattern, layout, event(logger, Level.INFO, millis, null, null, null));
        }
      }
    } finally {
      TimeZone.setDefault(before);
      context.stop();
    }
  }

  private static LoggingEvent event(
      Logger logger, Level level, long millis, String message, Object argument, Throwable thrown) {
    LoggingEvent event =
        new LoggingEvent(
            Logger.class.getName(),
            logger,
            level,
            message,
            thrown,
            argument == null ? null : new Object[] {argument});
    event.setTimeStamp(millis);
    return event;
  }

  private static void assertSameLine(
      PatternLayout pattern, ServerLineLayout layout, LoggingEvent event) {
    assertThat(layout.doLayout(event)).isEqualTo(pattern.doLayout(event));
  }
}
