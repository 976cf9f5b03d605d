package io.cup.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/** Words for malformed JSON and YAML and for unexpected node types in configuration messages. */
final class ParseErrors {
  private ParseErrors() {}

  /** {@code line 3, column 7: Unexpected character ('}' …)}, without Jackson's source dump. */
  static String describe(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    if (message == null) {
      message = e.getClass().getSimpleName();
    }
    // Jackson appends a description of the input after a newline; the location says enough.
    int newline = message.indexOf('\n');
    if (newline >= 0) {
      message = message.substring(0, newline).trim();
    }
    JsonLocation location = e.getLocation();
    if (location == null || location.getLineNr() < 1) {
      return "malformed: " + message;
    }
    return "line " + location.getLineNr() + ", column " + location.getColumnNr() + ": " + message;
  }

  /** {@code a string}, {@code a list}, … for "expected X, found Y" messages. */
  static String kind(JsonNode node) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return "nothing";
    }
    if (node.isObject()) {
      return "an object";
    }
    if (node.isArray()) {
      return "a list";
    }
    if (node.isTextual()) {
      return "a string";
    }
    if (node.isBoolean()) {
      return "a boolean";
    }
    if (node.isNumber()) {
      return "a number";
    }
    return node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }
}
