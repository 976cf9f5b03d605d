package io.cup.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.cup.status.StatusException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * The body of a server-side apply ({@code Content-Type: application/apply-patch+yaml}): one YAML
 * document or one JSON object, as kubectl and the client libraries send it, read with limits so
 * that no body costs more than the resource limit to hold:
 *
 * <ul>
 *   <li>at most {@code maxBytes} bytes (413);
 *   <li>at most {@value #MAX_DEPTH} nested objects and lists (400);
 *   <li>YAML aliases are expanded, at most {@value #MAX_ALIASES} of them, and the expanded
 *       configuration may not be larger than {@code maxBytes} either (413): an alias bomb (a
 *       billion laughs) stops at the first expansion over the budget;
 *   <li>a member named twice in one object, a second document, a scalar or list at the top, a
 *       binary scalar, a number that is not finite are 400; a Kubernetes protobuf body is 415.
 * </ul>
 *
 * YAML merge keys ({@code <<: *base}) are not expanded: {@code <<} is an ordinary member name.
 * Anchors on objects and lists work; Jackson's YAML parser does not report anchors on scalars, so
 * an alias of a scalar is refused (400) rather than read as the anchor's name.
 */
final class ApplyBody {
  static final int MAX_DEPTH = 100;
  static final int MAX_ALIASES = 100;

  /** The first bytes of a Kubernetes protobuf body. */
  private static final byte[] PROTOBUF_MAGIC = {'k', '8', 's', 0};

  private static final StreamReadConstraints CONSTRAINTS =
      StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build();

  private static final JsonFactory JSON =
      JsonFactory.builder().streamReadConstraints(CONSTRAINTS).build();

  private ApplyBody() {}

  /** The apply configuration in {@code body}; a {@link StatusException} (400, 413, 415) if none. */
  static JsonObject parse(byte[] body, long maxBytes) {
    if (body == null || isBlank(body)) {
      throw StatusException.badRequest(
          "the request body is empty: expected an apply configuration");
    }
    if (body.length > maxBytes) {
      throw Patches.tooLarge("the apply configuration", body.length, maxBytes);
    }
    if (startsWith(body, PROTOBUF_MAGIC)) {
      throw StatusException.unsupportedMediaType(
          "an apply configuration is YAML or JSON; protobuf is not supported");
    }
    if (firstNonBlank(body) == '{') {
      try {
        return read(JSON.createParser(body), maxBytes);
      } catch (IOException | RuntimeException e) {
        if (e instanceof StatusException s && s.code() != 400) {
          throw s;
        }
        // not JSON: perhaps a YAML flow mapping, read below
      }
    }
    try {
      return read(yaml(body.length).createParser(body), maxBytes);
    } catch (StatusException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // SnakeYAML's own limits and errors arrive as runtime exceptions: all of them are the body's
      throw StatusException.badRequest(
          "the apply configuration is not valid YAML or JSON: " + describe(e));
    }
  }

  private static YAMLFactory yaml(int length) {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setNestingDepthLimit(MAX_DEPTH);
    options.setCodePointLimit(Math.max(length, 1));
    options.setAllowDuplicateKeys(false);
    return YAMLFactory.builder().loaderOptions(options).streamReadConstraints(CONSTRAINTS).build();
  }

  private static String describe(Exception e) {
    String message =
        e instanceof com.fasterxml.jackson.core.JsonProcessingException p
            ? p.getOriginalMessage()
            : e.getMessage();
    if (message == null) {
      return "unreadable";
    }
    // the first line says what is wrong; the rest quotes the body back
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  private static JsonObject read(JsonParser parser, long maxBytes) throws IOException {
    try (parser) {
      Reader reader = new Reader(parser, maxBytes);
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw StatusException.badRequest(
            "the request body is empty: expected an apply configuration");
      }
      if (first != JsonToken.START_OBJECT) {
        throw StatusException.badRequest("the apply configuration must be an object");
      }
      JsonObject config = (JsonObject) reader.value(first, 1);
      if (parser.nextToken() != null) {
        throw StatusException.badRequest("the apply configuration must be a single document");
      }
      return config;
    }
  }

  /** Builds Vert.x JSON values from the tokens, expanding aliases, within the budget. */
  private static final class Reader {
    private final JsonParser parser;
    private final YAMLParser yaml;
    private final long budget;
    private long spent;
    private int aliases;
    private final Map<String, Object> anchored = new HashMap<>();
    private final Map<String, Long> anchoredCost = new HashMap<>();

    Reader(JsonParser parser, long budget) {
      this.parser = parser;
      this.yaml = parser instanceof YAMLParser y ? y : null;
      this.budget = budget;
    }

    Object value(JsonToken token, int depth) throws IOException {
      if (depth > MAX_DEPTH) {
        throw StatusException.badRequest(
            "the apply configuration nests deeper than " + MAX_DEPTH + " levels");
      }
      if (yaml != null && token == JsonToken.VALUE_STRING && yaml.isCurrentAlias()) {
        return alias(parser.getText());
      }
      String anchor = yaml == null ? null : yaml.getObjectId();
      long before = spent;
      Object value =
          switch (token) {
            case START_OBJECT -> object(depth);
            case START_ARRAY -> array(depth);
            case VALUE_STRING -> {
              String text = parser.getText();
              charge(text.length() + 2L);
              yield text;
            }
            case VALUE_NUMBER_INT -> {
              charge(parser.getTextLength());
              yield parser.getNumberValue();
            }
            case VALUE_NUMBER_FLOAT -> {
              charge(parser.getTextLength());
              double d = parser.getDoubleValue();
              if (!Double.isFinite(d)) {
                throw StatusException.badRequest(
                    "the apply configuration has a number that is not finite: " + parser.getText());
              }
              yield parser.getNumberValue();
            }
            case VALUE_TRUE, VALUE_FALSE -> {
              charge(5);
              yield token == JsonToken.VALUE_TRUE;
            }
            case VALUE_NULL -> {
              charge(4);
              yield null;
            }
            default ->
                throw StatusException.badRequest(
                    "the apply configuration has a value JSON cannot hold (" + token + ")");
          };
      if (anchor != null) {
        anchored.put(anchor, value);
        anchoredCost.put(anchor, spent - before);
      }
      return value;
    }

    private JsonObject object(int depth) throws IOException {
      charge(2);
      JsonObject object = new JsonObject();
      for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
        String name = parser.currentName();
        charge(name.length() + 4L);
        if (object.containsKey(name)) {
          throw StatusException.badRequest(
              "the apply configuration names the member \"" + name + "\" twice in one object");
        }
        object.put(name, value(parser.nextToken(), depth + 1));
      }
      return object;
    }

    private JsonArray array(int depth) throws IOException {
      charge(2);
      JsonArray array = new JsonArray();
      for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
        array.add(value(t, depth + 1));
      }
      return array;
    }

    private Object alias(String anchor) {
      if (!anchored.containsKey(anchor)) {
        throw StatusException.badRequest(
            "the apply configuration refers to the YAML anchor "
                + anchor
                + ", which is not defined or is on a scalar (only objects and lists can be"
                + " anchored)");
      }
      if (++aliases > MAX_ALIASES) {
        throw StatusException.badRequest(
            "the apply configuration has more than " + MAX_ALIASES + " YAML aliases");
      }
      charge(anchoredCost.get(anchor));
      Object value = anchored.get(anchor);
      if (value instanceof JsonObject o) {
        return o.copy();
      }
      return value instanceof JsonArray a ? a.copy() : value;
    }

    private void charge(long bytes) {
      spent += bytes;
      if (spent > budget) {
        throw Patches.tooLarge("the apply configuration (aliases expanded)", -1, budget);
      }
    }
  }

  private static boolean isBlank(byte[] body) {
    return firstNonBlank(body) < 0;
  }

  private static int firstNonBlank(byte[] body) {
    for (byte b : body) {
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return b;
      }
    }
    return -1;
  }

  private static boolean startsWith(byte[] body, byte[] prefix) {
    if (body.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (body[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
