package io.cup.cli.client;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to a server: resolves the context, runs, and turns a {@link ClientException}
 * into its message on stderr and its exit code.
 */
abstract class ClientVerb implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConnectionOptions connection;

  final ClientEnvironment environment;

  ClientVerb(ClientEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public final Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      return run(environment.open(connection, out, err));
    } catch (ClientException e) {
      out.flush();
      err.println(e.getMessage());
      return e.exitCode();
    } finally {
      out.flush();
      err.flush();
    }
  }

  abstract int run(Session session) throws ClientException;
}
