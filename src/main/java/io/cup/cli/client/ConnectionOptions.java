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
      names = "--certificate-authority",
      paramLabel = "FILE",
      description =
          "PEM file of the certificate authorities to trust for an https:// server, instead of"
              + " the JDK's; overrides the context's.")
  String certificateAuthority;

  @Option(
      names = "--client-certificate",
      paramLabel = "FILE",
      description =
          "PEM client certificate (then any intermediates) to present to an https:// server;"
              + " with --client-key. Overrides the context's.")
  String clientCertificate;

  @Option(
      names = "--client-key",
      paramLabel = "FILE",
      description =
          "PEM private key of --client-certificate: "
              + PemFiles.KEY_FORMATS
              + ". Overrides the context's.")
  String clientKey;

  @Option(
      names = "--insecure-skip-tls-verify",
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "BOOL",
      description =
          "Do not check the server's certificate or its name (insecure: warns on stderr);"
              + " =false overrides a context that sets it.")
  Boolean insecureSkipTlsVerify;

  @Option(
      names = "--verbose",
      description = "Show each HTTP exchange (method, URL, status, headers) on stderr.")
  boolean verbose;
}
