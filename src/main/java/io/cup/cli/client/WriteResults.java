package io.cup.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code apply}, {@code edit} and {@code delete} print: per resource, the proposal the write
 * went to. {@code table}: RESOURCE, ID, SOURCE, URL (the original printed ID, SOURCE, URL); {@code
 * json} and {@code yaml}: the server's write result object ({@code id}, {@code proposal}) of each
 * write, as the original printed it; {@code name}: the resource names. A write that changed nothing
 * (204) has no result object; the table says {@code unchanged}.
 */
final class WriteResults {
  static final String[] FORMATS = {"table", "json", "yaml", "name"};

  /** One write: the resource's name ({@code kind.group/name}) and the 202 body, or null on 204. */
  record Entry(String resource, JsonNode result) {}

  private final List<Entry> entries = new ArrayList<>();

  /** The proposal id of the first write that opened or joined one, or null. */
  private String proposalId;

  void add(String resource, JsonNode result) {
    entries.add(new Entry(resource, result));
    if (proposalId == null && result != null) {
      proposalId = Documents.text(result, "id");
    }
  }

  List<Entry> entries() {
    return entries;
  }

  /** The proposal id of the first write that opened or joined one, or null. */
  String proposalId() {
    return proposalId;
  }

  void print(String format, PrintWriter out) {
    switch (format) {
      case "json" ->
          entries.stream()
              .filter(e -> e.result() != null)
              .forEach(e -> out.print(Documents.prettyJson(e.result())));
      case "yaml" -> {
        boolean first = true;
        for (Entry entry : entries) {
          if (entry.result() != null) {
            if (!first) {
              out.println("---");
            }
            out.print(Documents.yaml(entry.result()));
            first = false;
          }
        }
      }
      case "name" -> entries.forEach(e -> out.println(e.resource()));
      default -> {
        Table table = new Table("RESOURCE", "ID", "SOURCE", "URL");
        for (Entry entry : entries) {
          JsonNode result = entry.result();
          if (result == null) {
            table.row(entry.resource(), "unchanged", "", "");
          } else {
            table.row(
                entry.resource(),
                Documents.text(result, "id"),
                Documents.text(result, "proposal.source"),
                Documents.text(result, "proposal.url"));
          }
        }
        table.print(out);
      }
    }
    out.flush();
  }
}
