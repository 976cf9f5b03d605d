package io.cup.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cup get <type> [name…]}: resources as a table, JSON, YAML or names. */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = {
      "Get one or more resources.",
      "TYPE is a kind, singular or plural name, or plural.group (cup definitions lists them)."
    })
final class GetCommand extends ClientVerb {
  /** Lists are read in pages of this many resources, as kubectl's --chunk-size. */
  static final int PAGE = 500;

  @Parameters(index = "0", paramLabel = "TYPE", description = "The resource type.")
  String type;

  @Parameters(index = "1..*", paramLabel = "NAME", description = "Resource names (default: all).")
  List<String> names = new ArrayList<>();

  @Option(
      names = {"-l", "--selector"},
      paramLabel = "SELECTOR",
      description = "Label selector: k=v, k!=v, k, !k, k in (a,b), k notin (a,b).")
  String selector;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "table (default), wide, json, yaml or name.")
  String output;

  GetCommand(ClientEnvironment environment) {
    super(environment);
  }

  @Override
  int run(Session session) throws ClientException {
    String format = environment.output(output, "get", ResourceOutput.FORMATS);
    Kind kind = session.kinds().resolve(type);
    List<JsonNode> resources = new ArrayList<>();
    if (names.isEmpty()) {
      resources.addAll(list(session, kind, selector));
    } else {
      for (String name : names) {
        resources.add(
            session
                .client()
                .call("GET", kind.resourcePath(session.namespace(), name))
                .send()
                .json());
      }
    }
    if (resources.isEmpty() && (format.equals("table") || format.equals("wide"))) {
      session.err().println("No resources found in " + session.namespace() + " namespace.");
      return 0;
    }
    ResourceOutput.print(kind, resources, format, session.out());
    return 0;
  }

  /** Every resource of a list, page by page (the token pins the commit of the first page). */
  static List<JsonNode> list(Session session, Kind kind, String selector) throws ClientException {
    List<JsonNode> resources = new ArrayList<>();
    String token = null;
    do {
      CupClient.Response page =
          session
              .client()
              .call("GET", kind.collectionPath(session.namespace()))
              .accept(CupClient.NDJSON)
              .query("labelSelector", selector)
              .query("limit", String.valueOf(PAGE))
              .query("continue", token)
              .send();
      resources.addAll(ndjson(page.text()));
      token = page.headers().firstValue("Cup-Continue").orElse(null);
    } while (token != null && !token.isEmpty());
    return resources;
  }

  static List<JsonNode> ndjson(String text) throws ClientException {
    List<JsonNode> items = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank()) {
        try {
          items.add(Documents.JSON.readTree(line));
        } catch (IOException e) {
          throw new ClientException(
              "error: the server sent a list line that is not JSON: " + Documents.firstLine(e));
        }
      }
    }
    return items;
  }
}
