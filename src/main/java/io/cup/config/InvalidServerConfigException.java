package io.cup.config;

import java.util.List;
import java.util.Optional;

/**
 * A server configuration that {@link ServerConfig.Builder#build()} refused. The options it is about
 * are data ({@link ServerOptions} names, without dashes), so the command line can say where each
 * value came from (a flag, an environment variable, the YAML file) without reading the message.
 */
public final class InvalidServerConfigException extends ConfigurationException {
  private final List<String> options;
  private final String valueProblem;

  private InvalidServerConfigException(String message, List<String> options, String valueProblem) {
    super(message);
    this.options = List.copyOf(options);
    this.valueProblem = valueProblem;
  }

  /** The value of one option is wrong: "invalid value for --{option}: {problem}". */
  static InvalidServerConfigException invalidValue(String option, String problem) {
    return new InvalidServerConfigException(
        "invalid value for --" + option + ": " + problem, List.of(option), problem);
  }

  /** Options that do not go together; {@code message} names them as flags. */
  static InvalidServerConfigException conflict(String message, String... options) {
    return new InvalidServerConfigException(message, List.of(options), null);
  }

  /** The options the problem is about; for an invalid value, just that option. */
  public List<String> options() {
    return options;
  }

  /**
   * What is wrong with the value of the single option in {@link #options()}; empty when options
   * conflict with each other.
   */
  public Optional<String> valueProblem() {
    return Optional.ofNullable(valueProblem);
  }
}
