package io.cup.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cup apply -f FILE|DIR|-}: puts every resource of the files, all into one proposal: the
 * first write that changes something opens it, the others join it with {@code ?proposal=<id>}.
 */
@Command(
    name = "apply",
    mixinStandardHelpOptions = true,
    description = {
      "Apply resources from files or standard input: JSON, a JSON stream or YAML documents.",
      "Every change goes into one proposal."
    })
final class ApplyCommand extends ClientVerb {
  @Option(
      names = {"-f", "--filename"},
      paramLabel = "FILE",
      description = "File, directory or - for standard input (default: -); repeatable.")
  List<String> files = new ArrayList<>();

  @Option(
      names = {"-R", "--recursive"},
      description = "Read the subdirectories of a directory too.")
  boolean recursive;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "table (default), json (the write results), yaml or name.")
  String output;

  ApplyCommand(ClientEnvironment environment) {
    super(environment);
  }

  @Override
  int run(Session session) throws ClientException {
    String format = environment.output(output, "apply", WriteResults.FORMATS);
    List<String> sources = files.isEmpty() ? List.of("-") : files;
    List<Target> targets = new ArrayList<>();
    for (var resource : ResourceFiles.read(sources, recursive, environment)) {
      targets.add(Target.of(session, resource, String.join(", ", sources)));
    }
    WriteResults results = new WriteResults();
    for (Target target : targets) {
      String proposal = results.proposalId();
      CupClient.Response response;
      try {
        response =
            session
                .client()
                .call("PUT", target.path())
                .query("proposal", proposal)
                .body(CupClient.JSON, Documents.json(target.body()))
                .send();
      } catch (ClientException e) {
        throw partial(e, results, proposal);
      }
      JsonNode result = response.code() == 204 ? null : response.json();
      results.add(target.displayName(), result);
    }
    results.print(format, session.out());
    return 0;
  }

  /** A failure after some writes went into a proposal says which one holds them. */
  static ClientException partial(ClientException e, WriteResults results, String proposal) {
    if (proposal == null) {
      return e;
    }
    return new ClientException(
        e.getMessage()
            + "\nproposal "
            + proposal
            + " holds the "
            + results.entries().size()
            + " resource(s) written before this one",
        e.exitCode());
  }
}
