package io.cup.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The root command {@code cup}: only groups its subcommands. */
@Command(
    name = "cup",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Cup: a declarative, Kubernetes-style REST API in front of a Git repository.",
      "Every change made through it becomes a reviewable proposal.",
      ""
    },
    synopsisSubcommandLabel = "COMMAND",
    commandListHeading = "%nCommands:%n")
final class CupCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** {@code cup} alone: say what to run, as a usage error. */
  @Override
  public Integer call() {
    spec.commandLine().getErr().println("cup: missing command (try: cup serve --demo)");
    spec.commandLine().usage(spec.commandLine().getErr());
    return Cli.USAGE;
  }
}
