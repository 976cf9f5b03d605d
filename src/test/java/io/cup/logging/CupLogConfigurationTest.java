package io.cup.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import org.junit.jupiter.api.Test;

/** The logging set up in code: the appender, the line format and the levels of the server. */
class CupLogConfigurationTest {
  @Test
  void logsThroughTheBatchingAppenderInTheServersFormatAtItsLevels() {
    LoggerContext context = new LoggerContext();
    try {
      CupLogConfiguration configuration = new CupLogConfiguration();
      configuration.setContext(context);

      assertThat(configuration.configure(context))
          .isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

      Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
      assertThat(root.getAppender("console"))
          .isInstanceOfSatisfying(
              BatchingConsoleAppender.class,
              appender -> {
                assertThat(appender.isStarted()).isTrue();
                assertThat(appender.getEncoder())
                    .isInstanceOfSatisfying(
                        LayoutWrappingEncoder.class,
                        encoder ->
                            assertThat(encoder.getLayout()).isInstanceOf(ServerLineLayout.class));
                assertThat(CupLogConfiguration.PATTERN)
                    .isEqualTo("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} - %msg%n");
              });
      assertThat(context.getLogger("org.eclipse.jgit").getLevel()).isEqualTo(Level.WARN);
      assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
      assertThat(context.getLogger("io.cup.api.access").getEffectiveLevel())
          .isIn(Level.INFO, Level.toLevel(System.getenv("LOG_LEVEL"), Level.INFO));
    } finally {
      context.stop();
    }
  }
}
