package io.cup.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cup edit <type> <name>}, as kubectl edit: the resource in a temporary YAML file (JSON with
 * {@code -o json}) opened in the editor; sent only when it changed, with its {@code
 * metadata.resourceVersion}, so that a resource changed meanwhile is a conflict rather than a lost
 * update. A rejected edit shows the server's Status and reopens the file with the error as comments
 * on top; saving it unchanged gives up (exit 1, the file kept).
 */
@Command(
    name = "edit",
    mixinStandardHelpOptions = true,
    description = {
      "Edit a resource in $CUP_EDITOR or $EDITOR (default vi) and propose the change.",
      "A rejected edit reopens the editor with the error; save it unchanged to give up."
    })
final class EditCommand extends ClientVerb {
  static final String HEADER =
      """
      # Please edit the object below. Lines beginning with a '#' at the top will be ignored,
      # and an empty file will abort the edit. If an error occurs while saving, this file will
      # be reopened with the relevant failures.
      #
      """;

  @Parameters(index = "0", paramLabel = "TYPE", description = "The resource type.")
  String type;

  @Parameters(index = "1", paramLabel = "NAME", description = "The resource name.")
  String name;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "Edit as yaml (default) or json; prints the result as table, json or yaml.")
  String output;

  EditCommand(ClientEnvironment environment) {
    super(environment);
  }

  @Override
  int run(Session session) throws ClientException {
    String format = environment.output(output, "edit", "table", "yaml", "json", "name");
    boolean json = format.equals("json");
    Kind kind = session.kinds().resolve(type);
    String path = kind.resourcePath(session.namespace(), name);
    JsonNode original = session.client().call("GET", path).send().json();
    String presented = json ? Documents.prettyJson(original) : Documents.yaml(original);
    Path file = temporaryFile(json ? ".json" : ".yaml");
    Editor editor = new Editor(environment.env());
    String errors = "";
    boolean keep = false;
    try {
      while (true) {
        write(file, HEADER + errors + presented);
        editor.edit(file);
        String edited = withoutLeadingComments(read(file));
        if (edited.isBlank()) {
          session.err().println("Edit cancelled, saved file was empty.");
          return 0;
        }
        boolean retry = !errors.isEmpty();
        if (retry && edited.equals(presented)) {
          keep = true;
          session.err().println("error: edit cancelled, no valid changes were saved.");
          session.err().println("A copy of your changes has been stored to \"" + file + "\"");
          return ClientException.FAILED;
        }
        JsonNode parsed;
        try {
          List<ObjectNode> documents = Documents.parseResources(edited, file.toString());
          if (documents.size() != 1) {
            throw new ClientException("error: the file must hold exactly one resource");
          }
          parsed = documents.get(0);
        } catch (ClientException e) {
          session.err().println(e.getMessage());
          errors = comment(e.getMessage());
          presented = edited;
          continue;
        }
        if (parsed.equals(original)) {
          session.err().println("Edit cancelled, no changes made.");
          return 0;
        }
        try {
          CupClient.Response response =
              session
                  .client()
                  .call("PUT", path)
                  .body(CupClient.JSON, Documents.json(parsed))
                  .send();
          WriteResults results = new WriteResults();
          results.add(kind.nameOf(name), response.code() == 204 ? null : response.json());
          results.print(format, session.out());
          return 0;
        } catch (ClientException e) {
          session.err().println(e.getMessage());
          if (!rejectedContent(e)) {
            keep = true;
            session.err().println("A copy of your changes has been stored to \"" + file + "\"");
            return e.exitCode();
          }
          errors = comment(e.getMessage() + causes(e.status()));
          presented = edited;
        }
      }
    } finally {
      if (!keep) {
        deleteQuietly(file);
      }
    }
  }

  /** 400 and 422 are about the content the user wrote: editing again can fix them. */
  private static boolean rejectedContent(ClientException e) {
    return e.httpCode() == 400 || e.httpCode() == 422;
  }

  private static String causes(JsonNode status) {
    if (status == null) {
      return "";
    }
    StringBuilder text = new StringBuilder();
    for (JsonNode cause : status.path("details").path("causes")) {
      text.append("\n* ")
          .append(cause.path("field").asText(""))
          .append(": ")
          .append(cause.path("message").asText(""));
    }
    return text.toString();
  }

  private static String comment(String message) {
    StringBuilder text = new StringBuilder();
    for (String line : message.split("\n")) {
      text.append("# ").append(line).append('\n');
    }
    return text.append("#\n").toString();
  }

  /** The text after the comment lines (and blank lines) at its top. */
  static String withoutLeadingComments(String text) {
    String[] lines = text.split("\n", -1);
    int first = 0;
    while (first < lines.length
        && (lines[first].startsWith("#") || lines[first].isBlank())
        && first < lines.length - 1) {
      first++;
    }
    return String.join("\n", java.util.Arrays.copyOfRange(lines, first, lines.length));
  }

  private Path temporaryFile(String suffix) throws ClientException {
    String dir = environment.env().get("TMPDIR");
    try {
      Path base =
          dir == null || dir.isEmpty()
              ? Path.of(System.getProperty("java.io.tmpdir"))
              : Path.of(dir);
      return Files.createTempFile(base, "cup-edit-", suffix);
    } catch (IOException e) {
      throw new ClientException("error: creating a temporary file: " + e.getMessage());
    }
  }

  private static void write(Path file, String text) throws ClientException {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ClientException("error: writing " + file + ": " + e.getMessage());
    }
  }

  private static String read(Path file) throws ClientException {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ClientException("error: reading " + file + ": " + e.getMessage());
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // a temporary file left behind is harmless
    }
  }
}
