package io.cup.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A definition version's JSON Schema as Kubernetes' OpenAPI documents carry it: OpenAPI 3.0 (what
 * {@code /openapi/v3/apis/{g}/{v}} serves) or Swagger 2.0 ({@code /openapi/v2}), for clients that
 * read those documents with Kubernetes' own parsers (kubectl explain, kubectl's field validation
 * check, client generators).
 *
 * <p>Those readers resolve a reference only when it names a whole component ({@code
 * #/components/schemas/<name>} or {@code #/definitions/<name>}), so every schema a reference points
 * at becomes a component of its own: the root is the kind's component ({@code
 * io.flipt.v1alpha1.Flag}), {@code #/$defs/variant} becomes {@code io.flipt.v1alpha1.Flag.variant}
 * and any other target its path joined with dots. Keywords the older dialects lack are translated
 * where they have a counterpart ({@code const} → a one-value {@code enum}, a {@code "null"} type →
 * {@code nullable}, a numeric {@code exclusiveMinimum} → {@code minimum} and a boolean, {@code
 * examples} → {@code example}, a {@code $ref} with siblings → {@code allOf: [{$ref}]} plus the
 * siblings, as Kubernetes writes it) and dropped where they have none ({@code $defs}, {@code
 * if}/{@code then}/{@code else}, {@code patternProperties}, ...): these documents describe, the
 * server validates against the definition's own schema.
 */
final class KubernetesSchemas {

  /** The document a schema is written for. */
  enum Dialect {
    OPENAPI_3_0("#/components/schemas/"),
    SWAGGER_2_0("#/definitions/");

    final String prefix;

    Dialect(String prefix) {
      this.prefix = prefix;
    }
  }

  /** Keywords kept as they are (with {@code x-*} extensions), per dialect. */
  private static final Set<String> PLAIN_2_0 =
      Set.of(
          "title",
          "description",
          "format",
          "default",
          "multipleOf",
          "maxLength",
          "minLength",
          "pattern",
          "maxItems",
          "minItems",
          "uniqueItems",
          "maxProperties",
          "minProperties",
          "required",
          "enum",
          "readOnly",
          "example");

  /** Swagger 2.0's keywords and those OpenAPI 3.0 adds. */
  private static final Set<String> PLAIN_3_0 =
      Stream.concat(PLAIN_2_0.stream(), Stream.of("writeOnly", "deprecated", "nullable"))
          .collect(Collectors.toUnmodifiableSet());

  private final Dialect dialect;
  private final String name;
  private final String location;
  private final JsonObject source;

  /** Pointer (from the definition schema's root) → the component it becomes. */
  private final Map<String, String> components = new LinkedHashMap<>();

  /** Components of the server's own schemas → their names in the document. */
  private final Map<String, String> renames = new LinkedHashMap<>();

  private KubernetesSchemas(Dialect dialect, String name, JsonObject schema) {
    this.dialect = dialect;
    this.name = name;
    this.location = dialect.prefix + name;
    // references resolved and old drafts written the 2020-12 way; internal references become
    // pointers from this document's root: location + pointer
    this.source = DefinitionSchemas.component(location, schema);
  }

  /**
   * The components of {@code schema} named from {@code name} ({@code name} itself is the root), in
   * {@code dialect}; every reference among them resolves to one of them.
   */
  static Map<String, JsonObject> components(Dialect dialect, String name, JsonObject schema) {
    KubernetesSchemas schemas = new KubernetesSchemas(dialect, name, schema);
    schemas.components.put("", name);
    schemas.collectTargets(schemas.source);
    Map<String, JsonObject> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> component : schemas.components.entrySet()) {
      Object target = schemas.at(component.getKey());
      out.put(
          component.getValue(),
          target instanceof JsonObject object ? schemas.convert(object) : new JsonObject());
    }
    return out;
  }

  /**
   * A schema of this server's own (an OpenAPI 3.1 component whose references name other components)
   * in {@code dialect}, each component name it refers to renamed through {@code names} (kept when
   * absent).
   */
  static JsonObject convert(Dialect dialect, JsonObject schema, Map<String, String> names) {
    KubernetesSchemas schemas = new KubernetesSchemas(dialect, "", new JsonObject());
    schemas.renames.putAll(names);
    return schemas.convert(schema);
  }

  // ------------------------------------------------------------------ targets

  private void collectTargets(Object node) {
    if (node instanceof JsonObject object) {
      if (object.getValue("$ref") instanceof String ref) {
        String pointer = pointer(ref);
        if (pointer != null && !components.containsKey(pointer)) {
          components.put(pointer, unique(componentName(pointer)));
        }
      }
      for (Map.Entry<String, Object> entry : object) {
        collectTargets(entry.getValue());
      }
    } else if (node instanceof JsonArray array) {
      for (Object item : array) {
        collectTargets(item);
      }
    }
  }

  /** The pointer a reference of the rewritten schema names inside it; null for any other. */
  private String pointer(String ref) {
    if (name.isEmpty() || !ref.startsWith(location)) {
      return null;
    }
    String rest = ref.substring(location.length());
    if (!rest.isEmpty() && !rest.startsWith("/")) {
      return null; // another component whose name starts with this one's
    }
    return URLDecoder.decode(rest.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** {@code /$defs/variant} → {@code <name>.variant}; any other path joined with dots. */
  private String componentName(String pointer) {
    List<String> tokens = new ArrayList<>();
    for (String token : pointer.substring(1).split("/", -1)) {
      tokens.add(token.replace("~1", "/").replace("~0", "~"));
    }
    if (tokens.size() == 2
        && (tokens.get(0).equals("$defs") || tokens.get(0).equals("definitions"))) {
      tokens.remove(0);
    }
    StringBuilder out = new StringBuilder(name);
    for (String token : tokens) {
      out.append('.').append(token.replaceAll("[^A-Za-z0-9_-]", "_"));
    }
    return out.toString();
  }

  private String unique(String candidate) {
    String unique = candidate;
    for (int n = 2; components.containsValue(unique); n++) {
      unique = candidate + n;
    }
    return unique;
  }

  private Object at(String pointer) {
    Object node = source;
    if (pointer.isEmpty()) {
      return node;
    }
    for (String raw : pointer.substring(1).split("/", -1)) {
      String token = raw.replace("~1", "/").replace("~0", "~");
      if (node instanceof JsonObject object) {
        node = object.getValue(token);
      } else if (node instanceof JsonArray array) {
        try {
          node = array.getValue(Integer.parseInt(token));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
          return null;
        }
      } else {
        return null;
      }
    }
    return node;
  }

  // ------------------------------------------------------------------ conversion

  private JsonObject convert(Object node) {
    if (!(node instanceof JsonObject schema)) {
      // boolean schemas: true allows anything; false (rare below a keyword) is left undescribed
      return new JsonObject();
    }
    JsonObject out = new JsonObject();
    for (Map.Entry<String, Object> entry : schema) {
      String key = entry.getKey();
      Object value = entry.getValue();
      if (key.startsWith("x-") || plain().contains(key)) {
        out.put(key, copy(value));
        continue;
      }
      switch (key) {
        case "type" -> type(value, out);
        case "const" -> {
          if (!schema.containsKey("enum")) {
            out.put("enum", new JsonArray().add(value));
          }
        }
        case "exclusiveMinimum", "exclusiveMaximum" -> exclusive(key, value, schema, out);
        case "minimum", "maximum" -> {
          if (!out.containsKey(key)) { // a tighter exclusive bound may have set it
            out.put(key, value);
          }
        }
        case "examples" -> {
          if (value instanceof JsonArray examples && !examples.isEmpty()) {
            out.put("example", copy(examples.getValue(0)));
          }
        }
        case "properties" -> {
          if (value instanceof JsonObject properties) {
            JsonObject converted = new JsonObject();
            properties.forEach(p -> converted.put(p.getKey(), convert(p.getValue())));
            out.put("properties", converted);
          }
        }
        case "additionalProperties" -> {
          if (value instanceof Boolean allowed) {
            out.put(key, allowed);
          } else {
            out.put(key, convert(value));
          }
        }
        case "items" -> {
          if (value instanceof JsonObject) {
            out.put("items", convert(value));
          }
        }
        case "allOf", "anyOf", "oneOf" -> {
          if (value instanceof JsonArray all
              && (dialect == Dialect.OPENAPI_3_0 || key.equals("allOf"))) {
            JsonArray converted = new JsonArray();
            all.forEach(item -> converted.add(convert(item)));
            out.put(key, converted);
          }
        }
        case "not" -> {
          if (dialect == Dialect.OPENAPI_3_0) {
            out.put(key, convert(value));
          }
        }
        case "$ref" -> {}
        default -> {} // no counterpart: dropped (see the class comment)
      }
    }
    if (!schema.containsKey("additionalProperties")
        && schema.getValue("patternProperties") instanceof JsonObject patterns
        && !patterns.isEmpty()) {
      out.put(
          "additionalProperties",
          patterns.size() == 1 ? convert(patterns.iterator().next().getValue()) : true);
    }
    if (schema.getValue("$ref") instanceof String ref) {
      JsonObject reference = new JsonObject().put("$ref", reference(ref));
      if (out.isEmpty()) {
        return reference;
      }
      // siblings of $ref are ignored in both dialects; allOf keeps them, as Kubernetes does
      JsonArray allOf = out.getJsonArray("allOf", new JsonArray()).copy();
      allOf.add(0, reference);
      out.put("allOf", allOf);
    }
    return out;
  }

  private Set<String> plain() {
    return dialect == Dialect.OPENAPI_3_0 ? PLAIN_3_0 : PLAIN_2_0;
  }

  /** A reference in this dialect: to a component of this schema, or as this server wrote it. */
  private String reference(String ref) {
    String pointer = pointer(ref);
    if (pointer != null) {
      return dialect.prefix + components.get(pointer);
    }
    String components3 = Dialect.OPENAPI_3_0.prefix;
    if (ref.startsWith(components3)) {
      String component = ref.substring(components3.length());
      return dialect.prefix + renames.getOrDefault(component, component);
    }
    return ref;
  }

  /** {@code "type": ["string", "null"]} → {@code "type": "string", "nullable": true}. */
  private void type(Object value, JsonObject out) {
    if (value instanceof String type) {
      if (!type.equals("null")) {
        out.put("type", type);
      }
      return;
    }
    if (!(value instanceof JsonArray types)) {
      return;
    }
    List<Object> nonNull = new ArrayList<>();
    for (Object type : types) {
      if (!"null".equals(type)) {
        nonNull.add(type);
      }
    }
    if (nonNull.size() < types.size()) {
      out.put(dialect == Dialect.OPENAPI_3_0 ? "nullable" : "x-nullable", true);
    }
    if (nonNull.size() == 1) {
      out.put("type", nonNull.get(0));
    }
  }

  /** A 2020-12 exclusive bound (a number) as the older boolean next to minimum or maximum. */
  private static void exclusive(String key, Object value, JsonObject schema, JsonObject out) {
    String bound = key.equals("exclusiveMinimum") ? "minimum" : "maximum";
    if (value instanceof Number limit) {
      Object inclusive = schema.getValue(bound);
      boolean tighter =
          !(inclusive instanceof Number other)
              || (bound.equals("minimum")
                  ? limit.doubleValue() >= other.doubleValue()
                  : limit.doubleValue() <= other.doubleValue());
      if (tighter) {
        out.put(bound, limit);
        out.put(key, true);
      }
    } else if (value instanceof Boolean) {
      out.put(key, value);
    }
  }

  private static Object copy(Object value) {
    if (value instanceof JsonObject object) {
      return object.copy();
    }
    if (value instanceof JsonArray array) {
      return array.copy();
    }
    return value;
  }
}
