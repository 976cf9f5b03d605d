package io.cup.cli.client;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** JSON and YAML as the command line reads and prints them. */
final class Documents {
  static final ObjectMapper JSON = new ObjectMapper();
  static final YAMLMapper YAML =
      YAMLMapper.builder(
              YAMLFactory.builder()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                  .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
                  .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                  .build())
          .build();

  /** Two spaces, {@code "key": value}, as Go's encoder with SetIndent("", " ") printed. */
  private static final DefaultPrettyPrinter PRETTY =
      new DefaultPrettyPrinter()
          .withSeparators(
              Separators.createDefaultInstance()
                  .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                  .withObjectEmptySeparator("")
                  .withArrayEmptySeparator(""));

  static {
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    PRETTY.indentArraysWith(indenter);
    PRETTY.indentObjectsWith(indenter);
  }

  private Documents() {}

  static String json(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Indented JSON ending with a newline. */
  static String prettyJson(JsonNode node) {
    try {
      return JSON.writer(PRETTY).writeValueAsString(node) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One YAML document, ending with a newline, without a {@code ---} marker. */
  static String yaml(JsonNode node) {
    try {
      return YAML.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every resource in {@code text}: a JSON value or a stream of JSON values (what {@code cup get -o
   * json} prints) when it starts with {@code {} or {@code [}, else YAML documents separated by
   * {@code ---}. Arrays and {@code List} objects ({@code items}) are expanded; empty documents are
   * skipped.
   *
   * @param origin the file name for messages
   */
  static List<ObjectNode> parseResources(String text, String origin) throws ClientException {
    List<JsonNode> values = new ArrayList<>();
    String trimmed = text.stripLeading();
    boolean json = trimmed.startsWith("{") || trimmed.startsWith("[");
    ObjectMapper mapper = json ? JSON : YAML;
    try (JsonParser parser = mapper.createParser(text);
        MappingIterator<JsonNode> documents = mapper.readValues(parser, JsonNode.class)) {
      while (documents.hasNextValue()) {
        JsonNode value = documents.nextValue();
        if (value != null && !value.isNull() && !value.isMissingNode()) {
          values.add(value);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new ClientException(
          "error: " + origin + ": not valid " + (json ? "JSON" : "YAML") + ": " + firstLine(e));
    }
    List<ObjectNode> resources = new ArrayList<>();
    for (JsonNode value : values) {
      expand(value, origin, resources);
    }
    return resources;
  }

  private static void expand(JsonNode value, String origin, List<ObjectNode> into)
      throws ClientException {
    if (value.isArray()) {
      for (JsonNode element : value) {
        expand(element, origin, into);
      }
    } else if (value instanceof ObjectNode object) {
      if (object.path("kind").asText().endsWith("List") && object.path("items").isArray()) {
        expand(object.get("items"), origin, into);
      } else {
        into.add(object);
      }
    } else {
      throw new ClientException(
          "error: " + origin + ": expected a resource (an object), found " + value.getNodeType());
    }
  }

  /** The first line of an exception's message, without Jackson's source excerpt. */
  static String firstLine(Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof JsonProcessingException processing && processing.getLocation() != null) {
      message =
          processing.getOriginalMessage()
              + " (line "
              + processing.getLocation().getLineNr()
              + ", column "
              + processing.getLocation().getColumnNr()
              + ")";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /** The text at a dotted path of objects, or null. */
  static String text(JsonNode node, String path) {
    JsonNode current = node;
    for (String part : path.split("\\.")) {
      if (current == null) {
        return null;
      }
      current = current.get(part);
    }
    return current == null || current.isNull() || current.isContainerNode()
        ? null
        : current.asText();
  }
}
