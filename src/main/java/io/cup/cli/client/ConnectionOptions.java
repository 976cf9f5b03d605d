package io.cup.cli.client;

import picocli.CommandLine.Option;

/**
 * Options every server command also takes after its name, kubectl style ({@code cup get flags -n
 * staging}); they win over the same options given before the command.
 */
final class ConnectionOptions {
  @Option(
      names = {"-a", "--address"},
      paramLabel = "URL",
      description = "Server address, overriding the context's.")
  String address;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NAMESPACE",
      description = "Namespace, overriding the context's.")
  String namespace;

  @Option(names = "--context", paramLabel = "NAME", description = "Context of the config to use.")
  String context;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "Bearer token, overriding the context's.")
  String token;

  @Option(names = "--verbose", description = "Show each HTTP exchange on stderr.")
  boolean verbose;
}
