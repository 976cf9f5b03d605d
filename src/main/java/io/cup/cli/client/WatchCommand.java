package io.cup.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cup watch <type> [name]}: the server's watch stream ({@code ?watch=true}, NDJSON), printed
 * as it comes: table rows with an EVENT column, or each event as one line of JSON. Without {@code
 * --resource-version} the server first sends every current resource as ADDED. Runs until the stream
 * ends ({@code --timeout}) or Ctrl-C.
 */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = {
      "Watch resources change as the tracked branch moves: ADDED, MODIFIED, DELETED.",
      "Runs until Ctrl-C, or --timeout seconds."
    })
final class WatchCommand extends ClientVerb {
  @Parameters(index = "0", paramLabel = "TYPE", description = "The resource type.")
  String type;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "NAME",
      description = "Only this resource's events.")
  String name;

  @Option(
      names = {"-l", "--selector"},
      paramLabel = "SELECTOR",
      description = "Label selector, as for get.")
  String selector;

  @Option(
      names = "--resource-version",
      paramLabel = "COMMIT",
      description = "Start after this resourceVersion: the changes since, then live events.")
  String resourceVersion;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description = "Ask the server to end the stream after this many seconds.")
  Integer timeoutSeconds;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "table (default), wide, json (one event per line, bookmarks included) or name.")
  String output;

  WatchCommand(ClientEnvironment environment) {
    super(environment);
  }

  @Override
  int run(Session session) throws ClientException {
    String format = environment.output(output, "watch", "table", "wide", "json", "name");
    if (timeoutSeconds != null && timeoutSeconds < 1) {
      throw new ClientException("error: --timeout must be at least 1", ClientException.USAGE);
    }
    Kind kind = session.kinds().resolve(type);
    PrintWriter out = session.out();
    EventTable table = new EventTable(format.equals("wide"));
    try (InputStream stream =
            session
                .client()
                .call("GET", kind.collectionPath(session.namespace()))
                .accept(CupClient.NDJSON)
                .query("watch", "true")
                .query("labelSelector", selector)
                .query("resourceVersion", resourceVersion)
                .query("timeoutSeconds", timeoutSeconds == null ? null : timeoutSeconds.toString())
                .open();
        BufferedReader lines =
            new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode event = Documents.JSON.readTree(line);
        String eventType = event.path("type").asText("");
        JsonNode object = event.path("object");
        if (name != null
            && !eventType.equals("BOOKMARK")
            && !name.equals(ResourceOutput.name(object))) {
          continue;
        }
        switch (format) {
          case "json" -> out.println(Documents.json(event));
          case "name" -> {
            if (!eventType.equals("BOOKMARK")) {
              out.println(eventType + " " + kind.nameOf(ResourceOutput.name(object)));
            }
          }
          default -> {
            if (eventType.equals("ERROR")) {
              throw ClientException.fromServer(
                  object.path("code").asInt(500), Documents.json(object));
            }
            if (!eventType.equals("BOOKMARK")) {
              table.print(out, object, eventType);
            }
          }
        }
        out.flush();
      }
    } catch (IOException e) {
      throw new ClientException(
          "error: the watch stream from " + session.client().base() + " broke: " + e.getMessage());
    }
    return 0;
  }

  /** Table rows printed as they arrive: columns grow to the widest cell seen so far. */
  private static final class EventTable {
    private final boolean wide;
    private int[] widths;

    EventTable(boolean wide) {
      this.wide = wide;
    }

    void print(PrintWriter out, JsonNode object, String event) {
      String[] headers = ResourceOutput.headers(wide, true);
      String[] cells = ResourceOutput.cells(object, wide, event);
      for (int i = 0; i < cells.length; i++) {
        if (cells[i].isEmpty()) {
          cells[i] = Table.NONE;
        }
      }
      if (widths == null) {
        widths = new int[headers.length];
        widths[0] = "MODIFIED".length();
        for (int i = 0; i < headers.length; i++) {
          widths[i] = Math.max(widths[i], Math.max(headers[i].length(), cells[i].length()));
        }
        out.println(Table.line(headers, widths));
      }
      for (int i = 0; i < cells.length; i++) {
        widths[i] = Math.max(widths[i], cells[i].length());
      }
      out.println(Table.line(cells, widths));
    }
  }
}
