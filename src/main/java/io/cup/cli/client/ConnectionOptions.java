package io.cup.cli.client;

import picocli.CommandLine.Option;

/**
 * The server options: given before the command ({@link GlobalOptions}) or, kubectl style, after its
 * name ({@code cup get flags -n staging}), where they win.
 */
final class ConnectionOptions {
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
