package io.cup.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.util.Duration;
import java.util.Map;

/**
 * The server's logging, set up in code when logback starts (a {@link Configurator} found through
 * {@code META-INF/services}): one line per event on standard output (time, level, logger without
 * its package, message: {@link #PATTERN}, written by {@link ServerLineLayout}) through a {@link
 * BatchingConsoleAppender}; root level {@code LOG_LEVEL} (a system property or environment
 * variable; default INFO); JGit, Netty, Apache sshd and the schema validator at WARN. Written in
 * code rather than in a {@code logback.xml} because logback's XML configuration (an XML parser, its
 * model, a few hundred classes) was a tenth of the server's start-up.
 *
 * <p>{@code -Dlogback.configurationFile=FILE} still configures logback from that file instead.
 */
public final class CupLogConfiguration extends ContextAwareBase implements Configurator {
  /** The line, in logback's pattern language; {@link ServerLineLayout} writes exactly this. */
  static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} - %msg%n";

  private static final Map<String, Level> LEVELS =
      Map.of(
          "org.eclipse.jgit", Level.WARN,
          "io.netty", Level.WARN,
          "org.apache.sshd", Level.WARN,
          "com.networknt", Level.WARN,
          "io.vertx", Level.INFO);

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    ServerLineLayout layout = new ServerLineLayout();
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();
    BatchingConsoleAppender console = new BatchingConsoleAppender();
    console.setContext(context);
    console.setName("console");
    console.setEncoder(encoder);
    console.setQueueSize(8192);
    console.setFlushInterval(Duration.buildBySeconds(1));
    console.start();

    LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(rootLevel(), Level.INFO));
    root.addAppender(console);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private static String rootLevel() {
    String level = System.getProperty("LOG_LEVEL");
    return level != null ? level : System.getenv("LOG_LEVEL");
  }
}
