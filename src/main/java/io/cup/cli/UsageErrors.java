package io.cup.cli;

import io.cup.config.InvalidServerConfigException;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The usage errors of {@code cup serve} (exit code 2): each names the option and, when its value
 * did not come from a flag, where it came from (an environment variable, the YAML file and key, or
 * the default), so a bad setting is found where it was made.
 */
final class UsageErrors {
  private final CommandLine commandLine;
  private final OptionSources sources;

  UsageErrors(CommandLine commandLine, OptionSources sources) {
    this.commandLine = commandLine;
    this.sources = sources;
  }

  /** Whether the option was given on the command line. */
  boolean given(String option) {
    return commandLine.getParseResult().hasMatchedOption("--" + option);
  }

  /** Whether the option was set anywhere: command line, environment or file. */
  boolean explicit(String option) {
    return given(option) || sources.rawValue(option).isPresent();
  }

  /** "invalid value for --{option} (from …): {problem}". */
  ParameterException invalid(String option, String problem) {
    return usage("invalid value for --" + option + from(option) + ": " + problem);
  }

  ParameterException usage(String message) {
    return new ParameterException(commandLine, message);
  }

  /**
   * What the server configuration's builder refused, in the same words, with where the values of
   * the options involved came from.
   */
  ParameterException refused(InvalidServerConfigException e) {
    return e.valueProblem()
        .map(problem -> invalid(e.options().get(0), problem))
        .orElseGet(() -> usage(e.getMessage() + setOutsideTheCommandLine(e.options())));
  }

  /** {@code " (from environment variable CUPD_X)"} when the value did not come from a flag. */
  private String from(String option) {
    if (given(option)) {
      return "";
    }
    return " (from " + sources.origin(option) + ")";
  }

  /** Where the options that the environment or the file set came from, flags and defaults aside. */
  private String setOutsideTheCommandLine(List<String> options) {
    List<String> origins =
        options.stream()
            .filter(option -> !given(option) && sources.rawValue(option).isPresent())
            .map(sources::origin)
            .toList();
    return origins.isEmpty() ? "" : " (from " + String.join(", ", origins) + ")";
  }
}
