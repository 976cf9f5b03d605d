package io.cup.logging;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The server's log line, {@value CupLogConfiguration#PATTERN} in logback's pattern language,
 * written out directly: the same characters as logback's {@code PatternLayout} with that pattern
 * (and the stack trace it adds after a line that carries an exception), without compiling the
 * pattern when logging starts. That compilation (the pattern parser, a converter class and a lambda
 * per keyword of the language, a {@code DateTimeFormatter} built from the date pattern) was about
 * half of logback's start-up, on the main thread before the command line is read.
 */
public final class ServerLineLayout extends LayoutBase<ILoggingEvent> {
  private final ZoneId zone = ZoneId.systemDefault();
  private final ThrowableProxyConverter throwables = new ThrowableProxyConverter();

  /** The second last formatted and its text up to the seconds: most lines share their second. */
  private record Second(long epochSecond, String text) {}

  private volatile Second second = new Second(Long.MIN_VALUE, "");

  @Override
  public void start() {
    throwables.setContext(getContext());
    throwables.start();
    super.start();
  }

  @Override
  public void stop() {
    throwables.stop();
    super.stop();
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder line = new StringBuilder(128);
    appendTime(line, event.getTimeStamp());
    line.append(' ');
    String level = event.getLevel().toString();
    line.append(level);
    for (int i = level.length(); i < 5; i++) {
      line.append(' ');
    }
    line.append(' ');
    String logger = event.getLoggerName();
    line.append(logger, logger.lastIndexOf('.') + 1, logger.length());
    line.append(" - ").append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
    if (event.getThrowableProxy() != null) {
      line.append(throwables.convert(event));
    }
    return line.toString();
  }

  /** {@code yyyy-MM-dd'T'HH:mm:ss.SSSXXX} in the system's time zone. */
  private void appendTime(StringBuilder line, long epochMillis) {
    long epochSecond = Math.floorDiv(epochMillis, 1000);
    int millis = (int) Math.floorMod(epochMillis, 1000);
    Second cached = second;
    if (cached.epochSecond() != epochSecond) {
      cached = new Second(epochSecond, formatSecond(epochSecond));
      second = cached;
    }
    String text = cached.text();
    // the text is "…ss" then the offset; the milliseconds go between them
    int offsetStart = text.indexOf('|');
    line.append(text, 0, offsetStart).append('.');
    pad(line, millis, 3);
    line.append(text, offsetStart + 1, text.length());
  }

  private String formatSecond(long epochSecond) {
    ZoneOffset offset = zone.getRules().getOffset(java.time.Instant.ofEpochSecond(epochSecond));
    LocalDateTime time = LocalDateTime.ofEpochSecond(epochSecond, 0, offset);
    StringBuilder text = new StringBuilder(32);
    pad(text, time.getYear(), 4);
    text.append('-');
    pad(text, time.getMonthValue(), 2);
    text.append('-');
    pad(text, time.getDayOfMonth(), 2);
    text.append('T');
    pad(text, time.getHour(), 2);
    text.append(':');
    pad(text, time.getMinute(), 2);
    text.append(':');
    pad(text, time.getSecond(), 2);
    text.append('|');
    int seconds = offset.getTotalSeconds();
    if (seconds == 0) {
      text.append('Z');
    } else {
      int absolute = Math.abs(seconds);
      text.append(seconds < 0 ? '-' : '+');
      pad(text, absolute / 3600, 2);
      text.append(':');
      pad(text, absolute / 60 % 60, 2);
    }
    return text.toString();
  }

  private static void pad(StringBuilder text, int value, int width) {
    String digits = Integer.toString(value);
    for (int i = digits.length(); i < width; i++) {
      text.append('0');
    }
    text.append(digits);
  }
}
