package io.cup.cli.client;

import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;

/**
 * The client half of the {@code cup} command line: the original cup CLI's global options on the
 * root command and its commands ({@code config}, {@code definitions}, {@code get}, {@code apply},
 * {@code edit}, {@code delete}) plus {@code diff}, {@code watch}, {@code proposals}, {@code auth}
 * ({@code can-i}, {@code whoami}) and {@code completion}. Each runs to completion inside {@code
 * CommandLine.execute} and returns its exit code; none starts a server.
 */
public final class ClientCommands {
  private ClientCommands() {}

  /**
   * Adds the global options and the client commands to {@code root}. Call before the root's output,
   * error and exception handlers are set, so they reach the new commands.
   *
   * @param env the environment ({@code CUP_CONFIG}, {@code XDG_CONFIG_HOME}, {@code HOME}, {@code
   *     EDITOR}, {@code TMPDIR})
   * @param workDir what relative file names resolve against
   */
  public static void register(CommandLine root, Map<String, String> env, Path workDir) {
    GlobalOptions global = new GlobalOptions();
    root.addMixin("client", global);
    ClientEnvironment environment = new ClientEnvironment(env, workDir, global);

    CommandLine config = new CommandLine(new ConfigCommand());
    CommandLine original = new CommandLine(new ConfigCommand.OriginalContext(environment));
    original.addSubcommand(new ConfigCommand.OriginalSet(environment));
    config.addSubcommand(original);
    config.addSubcommand(new ConfigCommand.GetContexts(environment));
    config.addSubcommand(new ConfigCommand.CurrentContext(environment));
    config.addSubcommand(new ConfigCommand.UseContext(environment));
    config.addSubcommand(new ConfigCommand.SetContext(environment));
    config.addSubcommand(new ConfigCommand.DeleteContext(environment));
    config.addSubcommand(new ConfigCommand.View(environment));
    root.addSubcommand(config);

    root.addSubcommand(new DefinitionsCommand(environment));
    root.addSubcommand(new ControllersCommand(environment));
    root.addSubcommand(new GetCommand(environment));
    root.addSubcommand(new ApplyCommand(environment));
    root.addSubcommand(new EditCommand(environment));
    root.addSubcommand(new DeleteCommand(environment));
    root.addSubcommand(new DiffCommand(environment));
    root.addSubcommand(new WatchCommand(environment));
    root.addSubcommand(new HistoryCommand(environment));

    CommandLine proposals = new CommandLine(new ProposalsCommand(environment));
    proposals.addSubcommand(new ProposalsCommand.ListProposals(environment));
    proposals.addSubcommand(new ProposalsCommand.GetProposal(environment));
    proposals.addSubcommand(new ProposalsCommand.DiffProposal(environment));
    proposals.addSubcommand("merge", transition(environment, "merge", "Merge a proposal."));
    proposals.addSubcommand(
        "close", transition(environment, "close", "Close a proposal without merging."));
    root.addSubcommand(proposals);

    CommandLine auth = new CommandLine(new AuthCommand());
    auth.addSubcommand(new AuthCommand.CanI(environment));
    auth.addSubcommand(new AuthCommand.WhoAmI(environment));
    root.addSubcommand(auth);

    root.addSubcommand(new CompletionCommand());
  }

  private static CommandLine transition(
      ClientEnvironment environment, String action, String description) {
    CommandLine line = new CommandLine(new ProposalsCommand.Transition(environment, action));
    line.getCommandSpec().usageMessage().description(description);
    return line;
  }
}
