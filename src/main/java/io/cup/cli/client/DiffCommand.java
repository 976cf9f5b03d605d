package io.cup.cli.client;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cup diff -f …}: what {@code apply} would change, as a unified diff of the repository's
 * files ({@code PUT ?dryRun=All}, {@code Accept: text/x-diff}); nothing is proposed. Exit codes as
 * kubectl diff's: 0 no differences, 1 differences, 2 and up an error.
 */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    description = {
      "Show the change apply would propose, as a unified diff of the repository files.",
      "Exit status: 0 no differences, 1 differences found, >1 an error."
    })
final class DiffCommand extends ClientVerb {
  static final int DIFFERENCES = 1;
  static final int ERROR = 2;

  @Option(
      names = {"-f", "--filename"},
      paramLabel = "FILE",
      description = "File, directory or - for standard input (default: -); repeatable.")
  List<String> files = new ArrayList<>();

  @Option(
      names = {"-R", "--recursive"},
      description = "Read the subdirectories of a directory too.")
  boolean recursive;

  DiffCommand(ClientEnvironment environment) {
    super(environment);
  }

  @Override
  int run(Session session) throws ClientException {
    try {
      List<String> sources = files.isEmpty() ? List.of("-") : files;
      boolean different = false;
      for (var resource : ResourceFiles.read(sources, recursive, environment)) {
        Target target = Target.of(session, resource, String.join(", ", sources));
        String diff =
            session
                .client()
                .call("PUT", target.path())
                .query("dryRun", "All")
                .accept(CupClient.DIFF)
                .body(CupClient.JSON, Documents.json(target.body()))
                .send()
                .text();
        if (!diff.isEmpty()) {
          different = true;
          session.out().print(diff.endsWith("\n") ? diff : diff + "\n");
          session.out().flush();
        }
      }
      return different ? DIFFERENCES : 0;
    } catch (ClientException e) {
      throw e.exitCode() < ERROR ? e.withExitCode(ERROR) : e;
    }
  }
}
