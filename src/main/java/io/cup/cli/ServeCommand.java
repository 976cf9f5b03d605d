package io.cup.cli;

import io.cup.config.ServerConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code cup serve}: its options ({@link ServeOptions}, from flags, {@code CUPD_*} environment
 * variables and the YAML file, see {@link OptionSources}) become a checked {@link ServerConfig}
 * ({@link ServerConfigFromOptions}). It does not start anything: {@link Cli} hands the result to
 * {@code io.cup.Main}, which starts the server.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Run the Cup server: a Kubernetes-style API over a Git repository.",
      "",
      "Every option can also be set with an environment variable CUPD_<OPTION> (for example"
          + " CUPD_API_ADDRESS) or in the YAML file of --config under its name without dashes"
          + " (for example api-address: \":8181\"). A flag beats the environment, which beats the"
          + " file, which beats the default. The original server's single-dash spellings"
          + " (-api-address :8181) work too.",
      ""
    },
    footer = {
      "",
      "SIGTERM or SIGINT stops the server gracefully: in-flight requests finish, then the"
          + " process exits (status 143 or 130, as for any JVM stopped by a signal).",
      "Exit codes: 1 when the resource configuration is broken or the server fails to start,"
          + " 2 for a bad option."
    })
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ServeOptions options;

  private final OptionSources sources;
  private final Path workDir;
  private ServerConfig server;
  private Path verticlesDir;

  ServeCommand(OptionSources sources, Path workDir) {
    this.sources = sources;
    this.workDir = workDir;
  }

  /** The checked configuration, once {@link #call()} succeeded. */
  ServerConfig server() {
    return server;
  }

  /** The verticle descriptor directory, or null for the packaged descriptors. */
  Path verticlesDir() {
    return verticlesDir;
  }

  @Override
  public Integer call() {
    UsageErrors errors = new UsageErrors(spec.commandLine(), sources);
    sources
        .fileError()
        .ifPresent(
            message -> {
              throw errors.usage(message);
            });
    ServerConfigFromOptions config = new ServerConfigFromOptions(options, sources, errors, workDir);
    ServerConfig checked = config.serverConfig();
    verticlesDir = config.verticlesDir();
    server = checked;
    return 0;
  }
}
