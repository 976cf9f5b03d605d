package io.cup.cli;

import io.cup.cli.client.ClientCommands;
import io.cup.config.ServerOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The command line: {@code cup serve [flags]}, {@code cup controller test …} (see {@link
 * ControllerCommand}), the client commands ({@code cup get …}, see {@link ClientCommands}), {@code
 * cup --help}, {@code cup --version}. Parsing never exits the JVM; it returns an {@link Invocation}
 * that {@code io.cup.Main} acts on, so tests call it directly. Client commands run while parsing
 * and only leave their exit code; only {@code serve} starts a server.
 */
public final class Cli {
  /** Exit code of a bad flag or value, as picocli's. */
  public static final int USAGE = CommandLine.ExitCode.USAGE;

  private Cli() {}

  /**
   * Parses {@code args}.
   *
   * @param env the environment, for {@code CUPD_*} variables
   * @param workDir what relative paths (and the default {@code conf/cupd.yaml} and {@code
   *     verticles/}) resolve against: the process's working directory in production
   * @param out where help and version go
   * @param err where usage errors go
   */
  public static Invocation parse(
      String[] args, Map<String, String> env, Path workDir, PrintWriter out, PrintWriter err) {
    Path base = workDir.toAbsolutePath().normalize();
    args = withDoubleDashes(args);
    OptionSources sources = OptionSources.resolve(args, env, base);
    ServeCommand serve = new ServeCommand(sources, base);
    CommandLine serveLine = new CommandLine(serve);
    serveLine.setDefaultValueProvider(sources);

    CommandLine cup = new CommandLine(new CupCommand());
    cup.addSubcommand("serve", serveLine);
    // `cup serve …` needs no other command: building the client commands' models (dozens of
    // annotated classes) is a tenth of a second of the server's start-up.
    if (args.length == 0 || !args[0].equals("serve")) {
      cup.addSubcommand(ControllerCommand.create(base));
      ClientCommands.register(cup, env, base);
    }
    cup.setOut(out);
    cup.setErr(err);
    cup.setParameterExceptionHandler(new ShortUsageErrors());
    cup.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          // Parsing never runs anything that can fail this way; say so plainly if it does.
          commandLine.getErr().println("cup: " + e);
          return CommandLine.ExitCode.SOFTWARE;
        });

    int exitCode = cup.execute(args);
    out.flush();
    err.flush();
    if (exitCode == 0 && serve.server() != null) {
      return new Invocation(0, serve.server(), serve.verticlesDir());
    }
    return new Invocation(exitCode, null, null);
  }

  /**
   * The original server used Go's flag package, which takes {@code -api-address :8181} as well as
   * {@code --api-address :8181}; its single-dash spellings are rewritten so settings carry over.
   */
  static String[] withDoubleDashes(String[] args) {
    String[] rewritten = args.clone();
    for (int i = 0; i < rewritten.length; i++) {
      String arg = rewritten[i];
      if (arg.equals("--")) {
        break;
      }
      if (arg.startsWith("-") && !arg.startsWith("--")) {
        String name = arg.substring(1).split("=", 2)[0];
        if (ServerOptions.FILE_KEYS.contains(name) || name.equals(ServerOptions.CONFIG)) {
          rewritten[i] = "-" + arg;
        }
      }
    }
    return rewritten;
  }

  /** A usage error prints the message and a pointer to {@code --help}, not the whole help. */
  private static final class ShortUsageErrors implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException e, String[] args) {
      CommandLine commandLine = e.getCommandLine();
      PrintWriter err = commandLine.getErr();
      err.println(commandLine.getCommandSpec().qualifiedName() + ": " + e.getMessage());
      UnmatchedArgumentException.printSuggestions(e, err);
      err.println(
          "Run '" + commandLine.getCommandSpec().qualifiedName() + " --help' for the options.");
      err.flush();
      return USAGE;
    }
  }
}
