package io.cup.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How resources print: {@code table} (NAME, NAMESPACE, LABELS), {@code wide} (plus RESOURCEVERSION,
 * the commit the resource was read at, and PROPOSALS, the open proposals that would change it, from
 * {@code status.proposals}), {@code json} (each resource as indented JSON, one after the other: the
 * original's JSON stream), {@code yaml} (documents separated by {@code ---}) and {@code name}
 * ({@code kind.group/name}, as kubectl).
 */
final class ResourceOutput {
  static final String[] FORMATS = {"table", "wide", "json", "yaml", "name"};

  private ResourceOutput() {}

  static void print(Kind kind, List<JsonNode> resources, String format, PrintWriter out) {
    switch (format) {
      case "json" -> resources.forEach(r -> out.print(Documents.prettyJson(r)));
      case "yaml" -> {
        for (int i = 0; i < resources.size(); i++) {
          if (i > 0) {
            out.println("---");
          }
          out.print(Documents.yaml(resources.get(i)));
        }
      }
      case "name" -> resources.forEach(r -> out.println(kind.nameOf(name(r))));
      default -> {
        boolean wide = format.equals("wide");
        Table table = new Table(headers(wide, false));
        resources.forEach(r -> table.row(cells(r, wide, null)));
        table.print(out);
      }
    }
    out.flush();
  }

  static String[] headers(boolean wide, boolean event) {
    List<String> headers = new ArrayList<>();
    if (event) {
      headers.add("EVENT");
    }
    headers.addAll(List.of("NAME", "NAMESPACE", "LABELS"));
    if (wide) {
      headers.addAll(List.of("RESOURCEVERSION", "PROPOSALS"));
    }
    return headers.toArray(String[]::new);
  }

  /** The table cells of one resource; {@code event} first when not null. */
  static String[] cells(JsonNode resource, boolean wide, String event) {
    List<String> cells = new ArrayList<>();
    if (event != null) {
      cells.add(event);
    }
    cells.add(name(resource));
    cells.add(Documents.text(resource, "metadata.namespace"));
    cells.add(labels(resource.path("metadata").path("labels")));
    if (wide) {
      cells.add(Documents.text(resource, "metadata.resourceVersion"));
      List<String> proposals = new ArrayList<>();
      for (JsonNode proposal : resource.path("status").path("proposals")) {
        String id = Documents.text(proposal, "id");
        if (id != null) {
          proposals.add(id);
        }
      }
      cells.add(String.join(",", proposals));
    }
    return cells.stream().map(c -> c == null ? "" : c).toArray(String[]::new);
  }

  static String name(JsonNode resource) {
    String name = Documents.text(resource, "metadata.name");
    return name == null ? "" : name;
  }

  /** {@code k=v,k2=v2}, sorted by key, as kubectl's {@code --show-labels}. */
  static String labels(JsonNode labels) {
    Map<String, String> sorted = new TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = labels.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> entry = fields.next();
      sorted.put(entry.getKey(), entry.getValue().asText());
    }
    List<String> pairs = new ArrayList<>();
    sorted.forEach((k, v) -> pairs.add(k + "=" + v));
    return String.join(",", pairs);
  }
}
