package io.cup.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cup definitions}: the served kinds, from {@code GET /apis}. */
@Command(
    name = "definitions",
    aliases = "defs",
    mixinStandardHelpOptions = true,
    description = {
      "List the resource definitions the server serves (kubectl api-resources).",
      "-o json prints each definition as the server holds it."
    })
final class DefinitionsCommand extends ClientVerb {
  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "table (default), json, yaml or name.")
  String output;

  DefinitionsCommand(ClientEnvironment environment) {
    super(environment);
  }

  @Override
  int run(Session session) throws ClientException {
    String format =
        environment.output(output, "definitions", "table", "wide", "json", "yaml", "name");
    List<Kind> kinds = session.kinds().all();
    PrintWriter out = session.out();
    switch (format) {
      case "json" -> kinds.forEach(k -> out.print(Documents.prettyJson(k.definition())));
      case "yaml" -> {
        List<JsonNode> definitions = new ArrayList<>();
        kinds.forEach(k -> definitions.add(k.definition()));
        for (int i = 0; i < definitions.size(); i++) {
          if (i > 0) {
            out.println("---");
          }
          out.print(Documents.yaml(definitions.get(i)));
        }
      }
      case "name" -> kinds.forEach(k -> out.println(k.qualifiedPlural() + "/" + k.version()));
      default -> {
        Table table = new Table("NAME", "SINGULAR", "APIVERSION", "KIND");
        kinds.forEach(k -> table.row(k.plural(), k.singular(), k.apiVersion(), k.kind()));
        table.print(out);
      }
    }
    out.flush();
    return 0;
  }
}
