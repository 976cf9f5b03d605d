package io.cup.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One column of a definition's {@code spec.additionalPrinterColumns}, as a CRD version's: what
 * {@code kubectl get} shows between NAME and AGE. Its {@code jsonPath} is in the dialect of CRDs
 * ({@code .spec.enabled}, {@code .spec.variants[0].key}, {@code
 * .metadata.labels.app\.kubernetes\.io/name}, filters {@code [?(@.key=="x")]}), compiled once when
 * the definition loads.
 *
 * @param name the column header
 * @param type {@code integer}, {@code number}, {@code string}, {@code boolean} or {@code date}
 * @param jsonPath the path as written in the definition
 * @param description shown by {@code kubectl explain}-like clients; may be empty
 * @param priority 0 shows always, above 0 only with {@code -o wide}
 * @param format an OpenAPI format hint ({@code int32}, {@code date-time}, …); may be empty
 */
public record PrinterColumn(
    String name,
    Type type,
    String jsonPath,
    String description,
    int priority,
    String format,
    JsonPath compiled) {

  /** The column types of a CRD's printer columns; {@link #wire} is how they are spelled. */
  public enum Type {
    INTEGER("integer"),
    NUMBER("number"),
    STRING("string"),
    BOOLEAN("boolean"),
    DATE("date");

    private final String wire;

    Type(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }

    public static Optional<Type> of(String wire) {
      for (Type type : values()) {
        if (type.wire.equals(wire)) {
          return Optional.of(type);
        }
      }
      return Optional.empty();
    }
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Missing paths read as no result rather than an exception; every read is a list. */
  private static final Configuration READ =
      Configuration.builder()
          .jsonProvider(new JacksonJsonNodeJsonProvider(MAPPER))
          .mappingProvider(new JacksonMappingProvider(MAPPER))
          .options(Option.ALWAYS_RETURN_LIST, Option.SUPPRESS_EXCEPTIONS)
          .build();

  public PrinterColumn {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(jsonPath, "jsonPath");
    Objects.requireNonNull(compiled, "compiled");
    description = description == null ? "" : description;
    format = format == null ? "" : format;
  }

  /**
   * A column from its parts, compiling the path.
   *
   * @throws IllegalArgumentException when the path is not a JSONPath of CRDs (says why)
   */
  public static PrinterColumn of(
      String name, Type type, String jsonPath, String description, int priority, String format) {
    return new PrinterColumn(
        name, type, jsonPath, description, priority, format, compile(jsonPath));
  }

  /**
   * The first value the path finds in {@code resource}, or empty when it finds none (a JSON {@code
   * null} counts as none, as Kubernetes prints {@code <none>} for both).
   */
  public Optional<JsonNode> firstValue(JsonObject resource) {
    return firstValue(readTree(resource));
  }

  /** As {@link #firstValue(JsonObject)}, for a resource already read into a Jackson tree. */
  public Optional<JsonNode> firstValue(JsonNode resource) {
    JsonNode found = compiled.read(resource, READ);
    if (found == null || !found.isArray() || found.isEmpty()) {
      return Optional.empty();
    }
    JsonNode first = found.get(0);
    return first == null || first.isNull() || first.isMissingNode()
        ? Optional.empty()
        : Optional.of(first);
  }

  /** The Jackson tree the paths read (one per resource, shared by its columns). */
  public static JsonNode readTree(JsonObject resource) {
    try {
      return MAPPER.readTree(resource.encode());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      // A JsonObject always encodes to valid JSON.
      throw new IllegalStateException(e);
    }
  }

  /**
   * Compiles a CRD-dialect path: it starts with {@code .} (or {@code ..}); a dotted name may hold
   * {@code \.} for a literal dot and any character but {@code .} and {@code [}; brackets ({@code
   * [0]}, {@code [*]}, {@code ['a.b']}, {@code [?(@.x=="y")]}) are JSONPath's own.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static JsonPath compile(String path) {
    if (path.isEmpty()) {
      throw new IllegalArgumentException("must not be empty");
    }
    if (path.charAt(0) != '.') {
      throw new IllegalArgumentException(
          "\"" + path + "\" must be a JSONPath starting with '.' (as \".spec.enabled\")");
    }
    try {
      return JsonPath.compile(toJayway(path));
    } catch (InvalidPathException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "\"" + path + "\" is not a valid JSONPath: " + e.getMessage());
    }
  }

  /**
   * {@code .metadata.labels.app\.kubernetes\.io/name} → {@code
   * $.metadata.labels['app.kubernetes.io/name']}.
   */
  static String toJayway(String path) {
    StringBuilder out = new StringBuilder("$");
    int i = 0;
    while (i < path.length()) {
      char c = path.charAt(i);
      if (c == '[') {
        int end = closingBracket(path, i);
        out.append(path, i, end + 1);
        i = end + 1;
      } else if (c == '.') {
        boolean deep = i + 1 < path.length() && path.charAt(i + 1) == '.';
        i += deep ? 2 : 1;
        StringBuilder name = new StringBuilder();
        while (i < path.length() && path.charAt(i) != '.' && path.charAt(i) != '[') {
          if (path.charAt(i) == '\\' && i + 1 < path.length()) {
            i++;
          }
          name.append(path.charAt(i));
          i++;
        }
        if (name.isEmpty() && !deep) {
          if (i == path.length() && out.length() == 1) {
            // "." alone: the whole object.
            break;
          }
          throw new IllegalArgumentException("empty name after '.'");
        }
        out.append(deep ? ".." : "");
        if (name.isEmpty()) {
          continue;
        }
        if (name.toString().equals("*") || name.toString().matches("[A-Za-z_$][A-Za-z0-9_$-]*")) {
          out.append(deep ? "" : ".").append(name);
        } else {
          out.append("['")
              .append(name.toString().replace("\\", "\\\\").replace("'", "\\'"))
              .append("']");
        }
      } else {
        throw new IllegalArgumentException("unexpected '" + c + "' at " + i);
      }
    }
    return out.toString();
  }

  private static int closingBracket(String path, int open) {
    int depth = 0;
    char quote = 0;
    for (int i = open; i < path.length(); i++) {
      char c = path.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '[') {
        depth++;
      } else if (c == ']' && --depth == 0) {
        return i;
      }
    }
    throw new IllegalArgumentException("'[' at " + open + " is never closed");
  }

  /** The names a definition may not give a column: Cup adds them itself. */
  static final List<String> RESERVED = List.of("Name");
}
