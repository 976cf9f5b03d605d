package io.cup.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cup history TYPE NAME}: the commits of the tracked branch that changed one resource,
 * newest first ({@code GET …/{plural}/{name}/history}), every page unless {@code --limit} caps
 * them.
 */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description = {
      "Show the commits that changed a resource, newest first.",
      "TYPE is a kind, singular or plural name, or plural.group (cup definitions lists them)."
    })
final class HistoryCommand extends ClientVerb {
  static final String[] FORMATS = {"table", "json", "yaml"};

  /** Pages are read in this many entries (the server's most) when no --limit is given. */
  static final int PAGE = 100;

  @Parameters(index = "0", paramLabel = "TYPE", description = "The resource type.")
  String type;

  @Parameters(index = "1", paramLabel = "NAME", description = "The resource name.")
  String name;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Show at most N commits (default: all).")
  Integer limit;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "table (default), json or yaml (the ResourceHistory object).")
  String output;

  HistoryCommand(ClientEnvironment environment) {
    super(environment);
  }

  @Override
  int run(Session session) throws ClientException {
    String format = environment.output(output, "history", FORMATS);
    if (limit != null && limit < 1) {
      throw new ClientException("error: --limit must be at least 1");
    }
    Kind kind = session.kinds().resolve(type);
    String path = kind.resourcePath(session.namespace(), name) + "/history";
    List<JsonNode> items = new ArrayList<>();
    JsonNode first = null;
    String token = null;
    do {
      int want = limit == null ? PAGE : Math.min(PAGE, limit - items.size());
      JsonNode page =
          session
              .client()
              .call("GET", path)
              .query("limit", String.valueOf(want))
              .query("continue", token)
              .send()
              .json();
      if (first == null) {
        first = page;
      }
      page.path("items").forEach(items::add);
      token = Documents.text(page, "metadata.continue");
    } while (token != null && !token.isEmpty() && (limit == null || items.size() < limit));
    if (limit != null && items.size() > limit) {
      items = items.subList(0, limit);
    }
    print(first, items, format, session);
    return 0;
  }

  private static void print(JsonNode first, List<JsonNode> items, String format, Session session) {
    PrintWriter out = session.out();
    if (format.equals("json") || format.equals("yaml")) {
      ObjectNode all = ((ObjectNode) first).deepCopy();
      ((ObjectNode) all.path("metadata")).remove("continue");
      ArrayNode array = all.putArray("items");
      items.forEach(array::add);
      out.print(format.equals("json") ? Documents.prettyJson(all) : Documents.yaml(all));
      out.flush();
      return;
    }
    if (items.isEmpty()) {
      session.err().println("No changes found.");
      return;
    }
    Table table = new Table("COMMIT", "TIME", "AUTHOR", "PROPOSAL", "MESSAGE");
    for (JsonNode item : items) {
      String commit = Documents.text(item, "commit");
      table.row(
          commit == null ? null : commit.substring(0, Math.min(12, commit.length())),
          Documents.text(item, "time"),
          Documents.text(item, "author.name"),
          Documents.text(item, "proposal.id"),
          firstLine(Documents.text(item, "message")));
    }
    table.print(out);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return null;
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
