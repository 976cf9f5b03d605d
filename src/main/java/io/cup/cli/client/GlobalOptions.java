package io.cup.cli.client;

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
      names = {"-a", "--address"},
      paramLabel = "URL",
      description = "Server address, overriding the context's (e.g. http://localhost:8181).")
  String address;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NAMESPACE",
      description = "Namespace, overriding the context's.")
  String namespace;

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

  @Option(names = "--context", paramLabel = "NAME", description = "Context of the config to use.")
  String context;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "Bearer token, overriding the context's.")
  String token;

  @Option(
      names = "--verbose",
      description = "Show each HTTP exchange (method, URL, status, headers) on stderr.")
  boolean verbose;
}
