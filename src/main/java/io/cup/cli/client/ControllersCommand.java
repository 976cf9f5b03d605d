package io.cup.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cup controllers}: the controllers that serve the definitions, from {@code GET /apis}
 * ({@code status.controller} of each): name, type, and for a WASM controller named by an OCI
 * reference the reference and the digest the server runs.
 */
@Command(
    name = "controllers",
    mixinStandardHelpOptions = true,
    description = {
      "List the controllers serving the definitions: type, OCI reference and the digest the"
          + " server runs, and the resources each serves.",
      "-o json prints one object per controller."
    })
final class ControllersCommand extends ClientVerb {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "table (default), json or name.")
  String output;

  ControllersCommand(ClientEnvironment environment) {
    super(environment);
  }

  @Override
  int run(Session session) throws ClientException {
    String format = environment.output(output, "controllers", "table", "json", "name");
    Map<String, ObjectNode> byName = new TreeMap<>();
    for (Kind kind : session.kinds().all()) {
      JsonNode controller = kind.definition().path("status").path("controller");
      if (!controller.isObject()) {
        continue;
      }
      String name = controller.path("name").asText();
      ObjectNode entry =
          byName.computeIfAbsent(
              name,
              n -> {
                ObjectNode o = ((ObjectNode) controller).deepCopy();
                o.putArray("resources");
                return o;
              });
      ((ArrayNode) entry.get("resources")).add(kind.qualifiedPlural() + "/" + kind.version());
    }
    PrintWriter out = session.out();
    switch (format) {
      case "json" -> {
        ArrayNode list = MAPPER.createArrayNode();
        byName.values().forEach(list::add);
        out.print(Documents.prettyJson(list));
      }
      case "name" -> byName.keySet().forEach(out::println);
      default -> {
        Table table = new Table("NAME", "TYPE", "IMAGE", "DIGEST", "RESOURCES");
        byName.forEach(
            (name, c) -> {
              List<String> resources = new ArrayList<>();
              c.get("resources").forEach(r -> resources.add(r.asText()));
              table.row(
                  name,
                  c.path("type").asText(),
                  c.path("image").asText(""),
                  c.path("digest").asText(""),
                  String.join(",", resources));
            });
        table.print(out);
      }
    }
    out.flush();
    return 0;
  }
}
