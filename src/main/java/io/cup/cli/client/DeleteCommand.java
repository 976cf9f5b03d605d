package io.cup.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cup delete <type> <name>…}: proposes removing resources, all in one proposal. */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    description = "Delete resources: proposes their removal (several names: one proposal).")
final class DeleteCommand extends ClientVerb {
  @Parameters(index = "0", paramLabel = "TYPE", description = "The resource type.")
  String type;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "NAME", description = "Names.")
  List<String> names = new ArrayList<>();

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "table (default), json (the write results), yaml or name.")
  String output;

  DeleteCommand(ClientEnvironment environment) {
    super(environment);
  }

  @Override
  int run(Session session) throws ClientException {
    String format = environment.output(output, "delete", WriteResults.FORMATS);
    Kind kind = session.kinds().resolve(type);
    WriteResults results = new WriteResults();
    for (String name : names) {
      String proposal = results.proposalId();
      CupClient.Response response;
      try {
        response =
            session
                .client()
                .call("DELETE", kind.resourcePath(session.namespace(), name))
                .query("proposal", proposal)
                .send();
      } catch (ClientException e) {
        throw ApplyCommand.partial(e, results, proposal);
      }
      JsonNode result = response.code() == 204 ? null : response.json();
      results.add(kind.nameOf(name), result);
    }
    results.print(format, session.out());
    return 0;
  }
}
