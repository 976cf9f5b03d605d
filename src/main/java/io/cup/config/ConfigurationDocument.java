package io.cup.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * One object of a resource configuration file, and the checked reads of its fields. Every problem
 * is a {@link ConfigurationException} that starts with {@code where} (the file, and the document or
 * list item in it) and the field.
 *
 * @param where the file, with {@code (document n)} or {@code items[i]} when it holds several
 * @param node the object
 */
record ConfigurationDocument(String where, ObjectNode node) {
  ConfigurationException error(String field, String problem) {
    return new ConfigurationException(where + ": " + field + ": " + problem);
  }

  /** The node at a dotted path, or a missing node. */
  JsonNode field(String path) {
    JsonNode found = node;
    for (String part : path.split("\\.")) {
      found = found.path(part);
    }
    return found;
  }

  /** A required, non-empty string field. */
  String text(String path) {
    JsonNode found = field(path);
    if (found.isMissingNode() || found.isNull()) {
      throw error(path, "required");
    }
    if (!found.isTextual()) {
      throw error(path, "expected a string, found " + ParseErrors.kind(found));
    }
    if (found.asText().isEmpty()) {
      throw error(path, "must not be empty");
    }
    return found.asText();
  }

  /** A required string field that matches {@code pattern}, which {@code rule} describes. */
  String matching(String path, Pattern pattern, String rule) {
    String value = text(path);
    if (!pattern.matcher(value).matches()) {
      throw error(path, "\"" + value + "\" must be " + rule);
    }
    return value;
  }

  /** {@code node} as Vert.x JSON, for what is kept of a document. */
  static JsonObject toJsonObject(JsonNode node) {
    return new JsonObject(node.toString());
  }
}
