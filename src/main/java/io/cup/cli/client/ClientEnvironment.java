package io.cup.cli.client;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * What every client command shares: the environment variables, the working directory, standard
 * input, and the options given before the command.
 */
final class ClientEnvironment {
  private final Map<String, String> env;
  private final Path workDir;
  private final GlobalOptions global;

  ClientEnvironment(Map<String, String> env, Path workDir, GlobalOptions global) {
    this.env = env;
    this.workDir = workDir;
    this.global = global;
  }

  Map<String, String> env() {
    return env;
  }

  Path workDir() {
    return workDir;
  }

  GlobalOptions global() {
    return global;
  }

  /** Read when a command asks for it, so tests may replace {@code System.in}. */
  InputStream stdin() {
    return System.in;
  }

  Path configFile() {
    return ClientConfig.locate(global.config, env, workDir);
  }

  /**
   * The output format: the command's {@code -o}, else the one before the command, else {@code
   * table}; checked against what the command can print.
   */
  String output(String commandOutput, String command, String... allowed) throws ClientException {
    String chosen = commandOutput != null ? commandOutput : global.output;
    String format = chosen == null ? "table" : chosen.toLowerCase(Locale.ROOT);
    for (String candidate : allowed) {
      if (candidate.equals(format)) {
        return format;
      }
    }
    throw new ClientException(
        "error: unknown output format \""
            + chosen
            + "\" for "
            + command
            + " (use "
            + String.join(", ", allowed)
            + ")",
        ClientException.USAGE);
  }

  /** Resolves the context and opens a client to its server. */
  Session open(ConnectionOptions options, PrintWriter out, PrintWriter err) throws ClientException {
    boolean debug = false;
    if (global.level != null) {
      switch (global.level.toLowerCase(Locale.ROOT)) {
        case "debug" -> debug = true;
        case "info", "warn", "warning", "error" -> {}
        default ->
            throw new ClientException(
                "error: unknown level \"" + global.level + "\" (use debug, info, warn or error)",
                ClientException.USAGE);
      }
    }
    ClientConfig config = ClientConfig.load(configFile());
    String contextName = first(options.context, global.connection.context, config.currentContext());
    boolean named = options.context != null || global.connection.context != null;
    ClientConfig.Context context = contextName == null ? null : config.contexts().get(contextName);
    if (context == null && named) {
      throw new ClientException(
          "error: context \""
              + contextName
              + "\" is not in "
              + config.file()
              + " (cup config get-contexts lists them)");
    }
    if (context == null) {
      context = ClientConfig.Context.EMPTY;
    }
    String address =
        first(
            options.address,
            global.connection.address,
            context.address(),
            ClientConfig.DEFAULT_ADDRESS);
    String namespaceFlag = first(options.namespace, global.connection.namespace);
    String namespace = first(namespaceFlag, context.namespace(), ClientConfig.DEFAULT_NAMESPACE);
    String token = first(options.token, global.connection.token, context.token());
    boolean verbose = options.verbose || global.connection.verbose || debug;
    TlsSettings tls = tls(options, config, context);
    String base = normalize(address);
    if (tls.insecureSkipVerify() && base.startsWith("https://")) {
      err.println(
          "warning: insecure-skip-tls-verify is set: the server's certificate and name are not"
              + " checked, so anyone on the way can read and change this connection");
      err.flush();
    }
    CupClient client =
        new CupClient(
            base, token, verbose ? err : null, tls.isDefault() ? null : tls.sslContext(), tls);
    return new Session(client, namespace, namespaceFlag != null, out, err);
  }

  /**
   * The TLS files and flag: the command's options, else the ones before it (relative to the working
   * directory), else the context's (relative to the configuration file). As kubectl, an insecure
   * flag without a CA flag drops the context's CA rather than refusing the pair.
   */
  private TlsSettings tls(
      ConnectionOptions options, ClientConfig config, ClientConfig.Context context) {
    ConnectionOptions before = global.connection;
    String caFlag = first(options.certificateAuthority, before.certificateAuthority);
    String certificateFlag = first(options.clientCertificate, before.clientCertificate);
    String keyFlag = first(options.clientKey, before.clientKey);
    Boolean insecureFlag = first(options.insecureSkipTlsVerify, before.insecureSkipTlsVerify);
    boolean insecure =
        first(insecureFlag, context.insecureSkipTlsVerify(), Boolean.FALSE).booleanValue();
    Path ca =
        caFlag != null
            ? workDir.resolve(caFlag)
            : Boolean.TRUE.equals(insecureFlag)
                ? null
                : config.resolve(context.certificateAuthority());
    Path certificate =
        certificateFlag != null
            ? workDir.resolve(certificateFlag)
            : config.resolve(context.clientCertificate());
    Path key = keyFlag != null ? workDir.resolve(keyFlag) : config.resolve(context.clientKey());
    return new TlsSettings(ca, certificate, key, insecure);
  }

  /** {@code localhost:8181} → {@code http://localhost:8181}; no trailing slash. */
  static String normalize(String address) throws ClientException {
    String value = address.strip();
    if (value.isEmpty()) {
      throw new ClientException("error: the server address is empty");
    }
    if (!value.contains("://")) {
      value = "http://" + value;
    }
    while (value.endsWith("/")) {
      value = value.substring(0, value.length() - 1);
    }
    if (!value.startsWith("http://") && !value.startsWith("https://")) {
      throw new ClientException(
          "error: invalid server address \"" + address + "\" (use http://host:port)");
    }
    return value;
  }

  @SafeVarargs
  private static <T> T first(T... values) {
    for (T value : values) {
      if (value != null) {
        return value;
      }
    }
    return null;
  }
}
