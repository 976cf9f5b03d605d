package io.cup.controllers;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How the template controller stores a resource: JSON laid out byte for byte as the original Cup
 * wrote it (Go's {@code json.Encoder} with a two-space indent: {@code "key": value}, empty objects
 * as {@code {}}, {@code <>&} escaped, a final newline, fields in the original's order, label and
 * annotation keys sorted), or YAML.
 */
enum ResourceCodec {
  JSON(jsonMapper()) {
    @Override
    byte[] write(ObjectNode tree) throws IOException {
      byte[] body = JSON_WRITER.writeValueAsBytes(tree);
      byte[] out = new byte[body.length + 1];
      System.arraycopy(body, 0, out, 0, body.length);
      out[body.length] = '\n';
      return out;
    }
  },
  YAML(yamlMapper()) {
    @Override
    byte[] write(ObjectNode tree) throws IOException {
      return mapper.writeValueAsBytes(tree);
    }
  };

  /** Top-level and metadata fields come first, in the order of the original's Go structs. */
  private static final List<String> RESOURCE_ORDER =
      List.of("apiVersion", "kind", "metadata", "spec");

  private static final List<String> METADATA_ORDER =
      List.of("namespace", "name", "labels", "annotations");

  /** Go maps: encoded with sorted keys. */
  private static final Set<String> SORTED_METADATA = Set.of("labels", "annotations");

  private static final ObjectWriter JSON_WRITER = jsonWriter();

  final ObjectMapper mapper;

  ResourceCodec(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  static ResourceCodec named(String encoding) {
    return switch (encoding.toLowerCase(Locale.ROOT)) {
      case "json" -> JSON;
      case "yaml", "yml" -> YAML;
      default -> throw new IllegalArgumentException(encoding);
    };
  }

  abstract byte[] write(ObjectNode tree) throws IOException;

  /**
   * The resource stored as {@code bytes}.
   *
   * @throws IllegalArgumentException when the bytes are not one object in this encoding
   */
  JsonObject parse(byte[] bytes) {
    JsonNode node;
    try {
      node = mapper.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("not an object");
    }
    return toObject((ObjectNode) node);
  }

  /** The bytes to store for {@code resource}, fields in the original Cup's order. */
  byte[] encode(JsonObject resource) {
    try {
      return write(ordered(resource));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // -- JSON values to Jackson trees and back ----------------------------------------------------

  private static ObjectNode ordered(JsonObject resource) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (String key : RESOURCE_ORDER) {
      if (resource.containsKey(key)) {
        Object value = resource.getValue(key);
        out.set(
            key,
            key.equals("metadata") && value instanceof JsonObject m
                ? orderedMetadata(m)
                : toNode(value));
      }
    }
    resource.fieldNames().stream()
        .filter(k -> !RESOURCE_ORDER.contains(k))
        .forEach(k -> out.set(k, toNode(resource.getValue(k))));
    return out;
  }

  private static ObjectNode orderedMetadata(JsonObject metadata) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (String key : METADATA_ORDER) {
      if (metadata.containsKey(key)) {
        Object value = metadata.getValue(key);
        out.set(
            key,
            SORTED_METADATA.contains(key) && value instanceof JsonObject map
                ? sorted(map)
                : toNode(value));
      }
    }
    metadata.fieldNames().stream()
        .filter(k -> !METADATA_ORDER.contains(k))
        .forEach(k -> out.set(k, toNode(metadata.getValue(k))));
    return out;
  }

  private static ObjectNode sorted(JsonObject map) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    new TreeMap<>(map.getMap()).keySet().forEach(k -> out.set(k, toNode(map.getValue(k))));
    return out;
  }

  private static JsonNode toNode(Object value) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (value == null) {
      return f.nullNode();
    } else if (value instanceof JsonObject o) {
      ObjectNode node = f.objectNode();
      o.fieldNames().forEach(k -> node.set(k, toNode(o.getValue(k))));
      return node;
    } else if (value instanceof Map<?, ?> m) {
      return toNode(new JsonObject(castMap(m)));
    } else if (value instanceof JsonArray a) {
      ArrayNode node = f.arrayNode();
      a.forEach(v -> node.add(toNode(v)));
      return node;
    } else if (value instanceof List<?> l) {
      ArrayNode node = f.arrayNode();
      l.forEach(v -> node.add(toNode(v)));
      return node;
    } else if (value instanceof String s) {
      return f.textNode(s);
    } else if (value instanceof Boolean b) {
      return f.booleanNode(b);
    } else if (value instanceof Integer i) {
      return f.numberNode(i);
    } else if (value instanceof Long l) {
      return f.numberNode(l);
    } else if (value instanceof BigInteger b) {
      return f.numberNode(b);
    } else if (value instanceof BigDecimal d) {
      return f.numberNode(d);
    } else if (value instanceof Float fl) {
      return f.numberNode(fl);
    } else if (value instanceof Number n) {
      return f.numberNode(n.doubleValue());
    } else if (value instanceof byte[] bytes) {
      return f.textNode(Base64.getEncoder().encodeToString(bytes));
    }
    return f.textNode(String.valueOf(value));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }

  private static JsonObject toObject(ObjectNode node) {
    JsonObject out = new JsonObject();
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      out.put(field.getKey(), toValue(field.getValue()));
    }
    return out;
  }

  private static Object toValue(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    } else if (node.isObject()) {
      return toObject((ObjectNode) node);
    } else if (node.isArray()) {
      JsonArray out = new JsonArray();
      node.forEach(v -> out.add(toValue(v)));
      return out;
    } else if (node.isBoolean()) {
      return node.booleanValue();
    } else if (node.isInt()) {
      return node.intValue();
    } else if (node.isLong()) {
      return node.longValue();
    } else if (node.isBigInteger()) {
      return node.bigIntegerValue();
    } else if (node.isNumber()) {
      return node.doubleValue();
    } else if (node.isBinary()) {
      try {
        return Base64.getEncoder().encodeToString(node.binaryValue());
      } catch (IOException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }
    return node.asText();
  }

  // -- mappers ----------------------------------------------------------------------------------

  private static ObjectMapper jsonMapper() {
    JsonFactory factory = JsonFactory.builder().build();
    factory.setCharacterEscapes(new GoEscapes());
    return new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  private static ObjectWriter jsonWriter() {
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    DefaultPrettyPrinter printer =
        new DefaultPrettyPrinter(
                Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator(""))
            .withObjectIndenter(indenter)
            .withArrayIndenter(indenter);
    return JSON.mapper.writer(printer);
  }

  private static ObjectMapper yamlMapper() {
    YAMLFactory factory =
        YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .build();
    return new YAMLMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /** Go's encoding/json escapes: {@code <>&}, U+2028, U+2029 and control characters. */
  private static final class GoEscapes extends CharacterEscapes {
    private static final int[] ASCII = standardAsciiEscapesForJSON();

    static {
      for (int c = 0; c < 0x20; c++) {
        if (c != '\n' && c != '\r' && c != '\t') {
          ASCII[c] = ESCAPE_CUSTOM;
        }
      }
      ASCII['<'] = ESCAPE_CUSTOM;
      ASCII['>'] = ESCAPE_CUSTOM;
      ASCII['&'] = ESCAPE_CUSTOM;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ASCII;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      if (ch < 0x80 || ch == 0x2028 || ch == 0x2029) {
        return new SerializedString(String.format("\\u%04x", ch));
      }
      return null;
    }
  }
}
