package io.cup.cli.client;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of the original cup CLI, given before the command ({@code cup -a … -n … get …}), plus
 * {@code --context}, {@code --token} and {@code --verbose}. Mixed into the root command.
 */
final class GlobalOptions {
  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description =
          "Client configuration file (default: $CUP_CONFIG, else"
              + " $XDG_CONFIG_HOME/cup/config.yaml or ~/.config/cup/config.yaml).")
  String config;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "Output format: table (default), json; commands take more (see their help).")
  String output;

  @Option(
      names = {"-l", "--level"},
      paramLabel = "LEVEL",
      description =
          "Logging level: debug, info (default), warn, error; debug shows HTTP exchanges.")
  String level;

  /** The server options, which every server command takes after its name too. */
  @Mixin ConnectionOptions connection = new ConnectionOptions();
}
