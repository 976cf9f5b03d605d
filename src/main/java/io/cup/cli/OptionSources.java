package io.cup.cli;

import io.cup.config.ConfigurationException;
import io.cup.config.ServerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where an option's value comes from when the command line does not give it: the environment
 * ({@code CUPD_<OPTION>}) first, then the YAML configuration file, then the default written on the
 * option. picocli asks this provider for every option it did not see on the command line, which
 * gives the precedence flag > environment > file > default.
 */
final class OptionSources implements IDefaultValueProvider {
  private final Map<String, String> env;
  private final Path configFile;
  private final Map<String, String> fileValues;
  private final String fileError;

  private OptionSources(
      Map<String, String> env, Path configFile, Map<String, String> fileValues, String fileError) {
    this.env = env;
    this.configFile = configFile;
    this.fileValues = fileValues;
    this.fileError = fileError;
  }

  /**
   * Finds and reads the configuration file: {@code --config} on the command line, else {@code
   * CUPD_CONFIG}, else {@code conf/cupd.yaml} under {@code workDir} when it exists. A file that was
   * named but cannot be read is remembered as an error for the serve command to report.
   */
  static OptionSources resolve(String[] args, Map<String, String> env, Path workDir) {
    String named =
        configArgument(args).orElse(env.get(ServerOptions.envName(ServerOptions.CONFIG)));
    Path file;
    if (named != null && !named.isEmpty()) {
      file = workDir.resolve(named).normalize();
    } else {
      file = workDir.resolve(ServerOptions.DEFAULT_CONFIG_FILE).normalize();
      if (!Files.isRegularFile(file)) {
        return new OptionSources(env, null, Map.of(), null);
      }
    }
    try {
      return new OptionSources(env, file, ServerOptions.readFile(file), null);
    } catch (ConfigurationException e) {
      return new OptionSources(env, file, Map.of(), e.getMessage());
    }
  }

  /** The value of {@code --config FILE} or {@code --config=FILE}, before any {@code --}. */
  private static Optional<String> configArgument(String[] args) {
    List<String> names = List.of("--" + ServerOptions.CONFIG, "-" + ServerOptions.CONFIG);
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--")) {
        break;
      }
      if (names.contains(arg) && i + 1 < args.length) {
        return Optional.of(args[i + 1]);
      }
      for (String name : names) {
        if (arg.startsWith(name + "=")) {
          return Optional.of(arg.substring(name.length() + 1));
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public String defaultValue(ArgSpec argSpec) {
    if (!(argSpec instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
      return null;
    }
    String name = optionName(option);
    String value = env.get(ServerOptions.envName(name));
    if (value == null) {
      value = fileValues.get(name);
    }
    if (value != null && isBoolean(option)) {
      // An unreadable boolean is passed on as is; the serve command reports it with its origin.
      return normalizeBoolean(value).orElse(null);
    }
    return value;
  }

  /** {@code api-address} for option {@code --api-address}. */
  static String optionName(OptionSpec option) {
    return option.longestName().replaceFirst("^-+", "");
  }

  /** Where a value that the command line did not give came from, for messages. */
  String origin(String option) {
    if (env.containsKey(ServerOptions.envName(option))) {
      return "environment variable " + ServerOptions.envName(option);
    }
    if (fileValues.containsKey(option)) {
      return configFile + " (" + option + ")";
    }
    return "default";
  }

  /** The raw text the environment or the file gave, whatever its type. */
  Optional<String> rawValue(String option) {
    String value = env.get(ServerOptions.envName(option));
    return Optional.ofNullable(value != null ? value : fileValues.get(option));
  }

  /** The environment variable {@code name} of this invocation, or null. */
  String environment(String name) {
    return env.get(name);
  }

  Optional<String> fileError() {
    return Optional.ofNullable(fileError);
  }

  Optional<Path> configFile() {
    return Optional.ofNullable(configFile);
  }

  static boolean isBoolean(OptionSpec option) {
    return option.type() == boolean.class || option.type() == Boolean.class;
  }

  /**
   * {@code true}/{@code false}, also {@code 1}/{@code 0}, {@code yes}/{@code no}, {@code on}/{@code
   * off}.
   */
  static Optional<String> normalizeBoolean(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> Optional.of("true");
      case "false", "0", "no", "off", "" -> Optional.of("false");
      default -> Optional.empty();
    };
  }
}
