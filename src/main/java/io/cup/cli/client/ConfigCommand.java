package io.cup.cli.client;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cup config …}: the contexts of the client configuration file, kubectl style ({@code
 * set-context}, {@code use-context}, {@code get-contexts}, {@code current-context}, {@code
 * delete-context}, {@code view}), and the original's {@code config context} (list) and {@code
 * config context set key=value} (change the current context).
 */
@Command(
    name = "config",
    aliases = "c",
    mixinStandardHelpOptions = true,
    description =
        "Show or change the client configuration: contexts (address, namespace, token, TLS"
            + " files).")
final class ConfigCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getErr().println("cup config: missing subcommand");
    spec.commandLine().usage(spec.commandLine().getErr());
    return ClientException.USAGE;
  }

  /** A config subcommand: loads the file, runs, reports a {@link ClientException}. */
  abstract static class ConfigVerb implements Callable<Integer> {
    @Spec CommandSpec spec;
    final ClientEnvironment environment;

    ConfigVerb(ClientEnvironment environment) {
      this.environment = environment;
    }

    @Override
    public final Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        return run(ClientConfig.load(environment.configFile()), out);
      } catch (ClientException e) {
        err.println(e.getMessage());
        return e.exitCode();
      } finally {
        out.flush();
        err.flush();
      }
    }

    abstract int run(ClientConfig config, PrintWriter out) throws ClientException;

    static ClientConfig.Context existing(ClientConfig config, String name) throws ClientException {
      ClientConfig.Context context = config.contexts().get(name);
      if (context == null) {
        throw new ClientException("error: no context named \"" + name + "\" in " + config.file());
      }
      return context;
    }
  }

  /** {@code cup config get-contexts} (and the original's {@code cup config context}). */
  @Command(
      name = "get-contexts",
      mixinStandardHelpOptions = true,
      description = "List the contexts; * marks the current one.")
  static final class GetContexts extends ConfigVerb {
    @Option(
        names = {"-o", "--output"},
        paramLabel = "FORMAT",
        description = "table (default), json, yaml or name.")
    String output;

    GetContexts(ClientEnvironment environment) {
      super(environment);
    }

    @Override
    int run(ClientConfig config, PrintWriter out) throws ClientException {
      String format =
          environment.output(output, "config get-contexts", "table", "json", "yaml", "name");
      switch (format) {
        case "json" -> out.print(Documents.prettyJson(config.toJson(false).get("contexts")));
        case "yaml" -> out.print(Documents.yaml(config.toJson(false).get("contexts")));
        case "name" -> config.contexts().keySet().forEach(out::println);
        default -> {
          Table table = new Table("CURRENT", "NAME", "ADDRESS", "NAMESPACE", "AUTH");
          for (Map.Entry<String, ClientConfig.Context> entry : config.contexts().entrySet()) {
            ClientConfig.Context context = entry.getValue();
            table.row(
                entry.getKey().equals(config.currentContext()) ? "*" : " ",
                entry.getKey(),
                context.address(),
                context.namespace() == null ? ClientConfig.DEFAULT_NAMESPACE : context.namespace(),
                context.authentication());
          }
          table.print(out);
        }
      }
      return 0;
    }
  }

  /** {@code cup config current-context}. */
  @Command(
      name = "current-context",
      mixinStandardHelpOptions = true,
      description = "Print the current context's name.")
  static final class CurrentContext extends ConfigVerb {
    CurrentContext(ClientEnvironment environment) {
      super(environment);
    }

    @Override
    int run(ClientConfig config, PrintWriter out) throws ClientException {
      if (config.currentContext() == null) {
        throw new ClientException("error: current context is not set in " + config.file());
      }
      out.println(config.currentContext());
      return 0;
    }
  }

  /** {@code cup config use-context NAME}. */
  @Command(
      name = "use-context",
      mixinStandardHelpOptions = true,
      description = "Make a context the current one.")
  static final class UseContext extends ConfigVerb {
    @Parameters(index = "0", paramLabel = "NAME", description = "The context.")
    String name;

    UseContext(ClientEnvironment environment) {
      super(environment);
    }

    @Override
    int run(ClientConfig config, PrintWriter out) throws ClientException {
      existing(config, name);
      config.currentContext(name);
      config.save();
      out.println("Switched to context \"" + name + "\".");
      return 0;
    }
  }

  /**
   * {@code cup config set-context NAME [--address URL] [--namespace NS] [--token T]
   * [--certificate-authority FILE] [--client-certificate FILE] [--client-key FILE]
   * [--insecure-skip-tls-verify[=BOOL]]}.
   */
  @Command(
      name = "set-context",
      mixinStandardHelpOptions = true,
      description = {
        "Create a context, or change the given fields of an existing one.",
        "Without NAME, --current changes the current context.",
        "File paths are stored absolute; an empty value (--client-key=) removes the key."
      })
  static final class SetContext extends ConfigVerb {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "The context.")
    String name;

    @Option(names = "--current", description = "Change the current context.")
    boolean current;

    @Option(names = "--address", paramLabel = "URL", description = "Server address.")
    String address;

    @Option(names = "--namespace", paramLabel = "NAMESPACE", description = "Default namespace.")
    String namespace;

    @Option(
        names = "--token",
        paramLabel = "TOKEN",
        description = "Bearer token (stored in the file, readable by you only).")
    String token;

    @Option(
        names = "--certificate-authority",
        paramLabel = "FILE",
        description = "PEM file of the authorities to trust for an https:// address.")
    String certificateAuthority;

    @Option(
        names = "--client-certificate",
        paramLabel = "FILE",
        description = "PEM client certificate to present (with --client-key).")
    String clientCertificate;

    @Option(
        names = "--client-key",
        paramLabel = "FILE",
        description = "PEM private key of the client certificate: " + PemFiles.KEY_FORMATS + ".")
    String clientKey;

    @Option(
        names = "--insecure-skip-tls-verify",
        arity = "0..1",
        fallbackValue = "true",
        paramLabel = "BOOL",
        description = "Do not check the server's certificate (insecure); =false turns it off.")
    Boolean insecureSkipTlsVerify;

    @Option(names = "--use", description = "Also make it the current context.")
    boolean use;

    SetContext(ClientEnvironment environment) {
      super(environment);
    }

    @Override
    int run(ClientConfig config, PrintWriter out) throws ClientException {
      String target = name;
      if (target == null) {
        if (!current || config.currentContext() == null) {
          throw new ClientException(
              "error: name a context, or use --current", ClientException.USAGE);
        }
        target = config.currentContext();
      }
      if (address != null) {
        ClientEnvironment.normalize(address);
      }
      ClientConfig.Context before = config.contexts().get(target);
      ClientConfig.Context after =
          (before == null ? ClientConfig.Context.EMPTY : before)
              .with(address, namespace, token)
              .withTls(
                  existingFile(environment, certificateAuthority, "--certificate-authority"),
                  existingFile(environment, clientCertificate, "--client-certificate"),
                  existingFile(environment, clientKey, "--client-key"),
                  insecureSkipTlsVerify);
      if (after.insecureSkipTlsVerify() == Boolean.TRUE && after.certificateAuthority() != null) {
        throw new ClientException(
            "error: context \""
                + target
                + "\" would have both certificate-authority and insecure-skip-tls-verify (remove"
                + " one: --certificate-authority= or --insecure-skip-tls-verify=false)",
            ClientException.USAGE);
      }
      config.contexts().put(target, after);
      if (use || config.currentContext() == null) {
        config.currentContext(target);
      }
      config.save();
      out.println("Context \"" + target + "\" " + (before == null ? "created" : "modified") + ".");
      return 0;
    }
  }

  /**
   * {@code path} made absolute against the working directory, and checked to be a file; null and
   * empty (remove the key) as they are.
   */
  static String existingFile(ClientEnvironment environment, String path, String option)
      throws ClientException {
    if (path == null || path.isEmpty()) {
      return path;
    }
    Path file = environment.workDir().resolve(path).toAbsolutePath().normalize();
    if (!Files.isRegularFile(file)) {
      throw new ClientException("error: " + option + " " + file + ": no such file");
    }
    return file.toString();
  }

  /** {@code cup config delete-context NAME}. */
  @Command(
      name = "delete-context",
      mixinStandardHelpOptions = true,
      description = "Remove a context.")
  static final class DeleteContext extends ConfigVerb {
    @Parameters(index = "0", paramLabel = "NAME", description = "The context.")
    String name;

    DeleteContext(ClientEnvironment environment) {
      super(environment);
    }

    @Override
    int run(ClientConfig config, PrintWriter out) throws ClientException {
      existing(config, name);
      config.contexts().remove(name);
      if (name.equals(config.currentContext())) {
        config.currentContext(null);
      }
      config.save();
      out.println("Deleted context \"" + name + "\" from " + config.file());
      return 0;
    }
  }

  /** {@code cup config view}: the file as YAML, tokens hidden unless {@code --raw}. */
  @Command(
      name = "view",
      mixinStandardHelpOptions = true,
      description = "Print the configuration (tokens hidden unless --raw).")
  static final class View extends ConfigVerb {
    @Option(names = "--raw", description = "Show tokens.")
    boolean raw;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FORMAT",
        description = "yaml (default) or json.")
    String output;

    View(ClientEnvironment environment) {
      super(environment);
    }

    @Override
    int run(ClientConfig config, PrintWriter out) throws ClientException {
      String chosen = output != null ? output : environment.global().output;
      String format =
          chosen == null || chosen.equals("table")
              ? "yaml"
              : environment.output(chosen, "config view", "yaml", "json");
      out.print(
          format.equals("json")
              ? Documents.prettyJson(config.toJson(raw))
              : Documents.yaml(config.toJson(raw)));
      return 0;
    }
  }

  /**
   * The original's {@code cup config context} (alias {@code ctx}): NAME, ADDRESS, NAMESPACE,
   * CURRENT.
   */
  @Command(
      name = "context",
      aliases = "ctx",
      mixinStandardHelpOptions = true,
      description = "List the contexts (the original cup's table); 'set key=value' changes one.")
  static final class OriginalContext extends ConfigVerb {
    OriginalContext(ClientEnvironment environment) {
      super(environment);
    }

    @Override
    int run(ClientConfig config, PrintWriter out) throws ClientException {
      String format = environment.output(null, "config context", "table", "json");
      if (format.equals("json")) {
        out.print(Documents.prettyJson(config.toJson(false).get("contexts")));
        return 0;
      }
      Table table = new Table("NAME", "ADDRESS", "NAMESPACE", "CURRENT");
      config
          .contexts()
          .forEach(
              (name, context) ->
                  table.row(
                      name,
                      context.address(),
                      context.namespace() == null || context.namespace().isEmpty()
                          ? ClientConfig.DEFAULT_NAMESPACE
                          : context.namespace(),
                      name.equals(config.currentContext()) ? "*" : " "));
      table.print(out);
      return 0;
    }
  }

  /** The original's {@code cup config context set address=URL|namespace=NS}. */
  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = {
        "Set address=URL, namespace=NS or token=T on the current context;",
        "also certificate-authority=FILE, client-certificate=FILE, client-key=FILE,",
        "insecure-skip-tls-verify=true|false (an empty FILE removes the key)."
      })
  static final class OriginalSet extends ConfigVerb {
    @Parameters(index = "0", paramLabel = "KEY=VALUE", description = "What to set.")
    String assignment;

    OriginalSet(ClientEnvironment environment) {
      super(environment);
    }

    @Override
    int run(ClientConfig config, PrintWriter out) throws ClientException {
      int equals = assignment.indexOf('=');
      if (equals < 0) {
        throw new ClientException(
            "error: expected argument in the form key=value, found \"" + assignment + "\"",
            ClientException.USAGE);
      }
      String key = assignment.substring(0, equals);
      String value = assignment.substring(equals + 1);
      String current = config.currentContext();
      if (current == null) {
        throw new ClientException("error: current context is not set in " + config.file());
      }
      ClientConfig.Context context = config.contexts().get(current);
      if (context == null) {
        context = ClientConfig.Context.EMPTY;
      }
      ClientConfig.Context changed =
          switch (key) {
            case "address" -> context.with(value, null, null);
            case "namespace" -> context.with(null, value, null);
            case "token" -> context.with(null, null, value);
            case ClientConfig.CERTIFICATE_AUTHORITY ->
                context.withTls(existingFile(environment, value, key), null, null, null);
            case ClientConfig.CLIENT_CERTIFICATE ->
                context.withTls(null, existingFile(environment, value, key), null, null);
            case ClientConfig.CLIENT_KEY ->
                context.withTls(null, null, existingFile(environment, value, key), null);
            case ClientConfig.INSECURE_SKIP_TLS_VERIFY -> {
              if (!value.equals("true") && !value.equals("false")) {
                throw new ClientException(
                    "error: " + key + " takes true or false, not \"" + value + "\"",
                    ClientException.USAGE);
              }
              yield context.withTls(null, null, null, Boolean.valueOf(value));
            }
            default ->
                throw new ClientException(
                    "error: unknown config key: \""
                        + key
                        + "\" (should be one of ["
                        + String.join(", ", ClientConfig.CONTEXT_KEYS)
                        + "])",
                    ClientException.USAGE);
          };
      config.contexts().put(current, changed);
      config.save();
      return 0;
    }
  }
}
