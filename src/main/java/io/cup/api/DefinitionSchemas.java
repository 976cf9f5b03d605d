package io.cup.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a definition version's JSON Schema into a Schema Object of an OpenAPI 3.1 document, at
 * {@code #/components/schemas/<name>}, in the document's own dialect (JSON Schema 2020-12).
 *
 * <p>A definition schema is a document of its own: its {@code $ref}s resolve against its root (or
 * its {@code $id}), and it may be written in draft 2019-09, 7, 6 or 4. Placed as it is inside the
 * OpenAPI document, {@code "#/$defs/x"} would resolve against the OpenAPI document's root and miss,
 * and a {@code $schema} is only allowed at a schema resource root. So the component is rewritten
 * into a plain subschema of the document, which every OpenAPI tool follows:
 *
 * <ul>
 *   <li>every {@code $ref} that resolves inside the schema (a JSON Pointer fragment, an anchor, the
 *       root or an embedded {@code $id}) becomes a JSON Pointer from the document root, {@code
 *       #/components/schemas/<name>/...}; {@code $recursiveRef} and {@code $dynamicRef} become the
 *       {@code $ref} they resolve to statically (a definition schema is one resource, so that is
 *       the schema they name);
 *   <li>{@code $schema}, {@code $id} (draft 4 {@code id}), {@code $anchor}, {@code $dynamicAnchor}
 *       and {@code $recursiveAnchor} are dropped: nothing refers to them any more, and anchors
 *       repeated across components would clash in the one document;
 *   <li>the keywords older drafts spell differently are written the 2020-12 way: array {@code
 *       items} → {@code prefixItems} and {@code additionalItems} → {@code items} (2019-09 and
 *       older), {@code dependencies} → {@code dependentRequired}/{@code dependentSchemas} (draft 7
 *       and older), boolean {@code exclusiveMinimum}/{@code exclusiveMaximum} → numbers (draft 4),
 *       and the siblings of a {@code $ref}, which draft 7 and older ignore, are dropped
 *       (annotations, {@code definitions}/{@code $defs} and whatever a reference points into are
 *       kept).
 * </ul>
 *
 * References to schemas outside the definition (the loader only accepts the built-in meta-schemas
 * there) are kept as absolute URIs. Schemas under keywords this class does not know are copied as
 * they are.
 */
final class DefinitionSchemas {
  private static final String BASE = "cup:/definition";

  enum Dialect {
    DRAFT4,
    DRAFT6,
    DRAFT7,
    DRAFT2019,
    DRAFT2020;

    static Dialect of(JsonObject schema) {
      Object declared = schema.getValue("$schema");
      if (!(declared instanceof String id)) {
        return DRAFT2020;
      }
      if (id.contains("draft-04")) {
        return DRAFT4;
      }
      if (id.contains("draft-06")) {
        return DRAFT6;
      }
      if (id.contains("draft-07")) {
        return DRAFT7;
      }
      if (id.contains("2019-09")) {
        return DRAFT2019;
      }
      return DRAFT2020;
    }

    boolean atMost(Dialect other) {
      return ordinal() <= other.ordinal();
    }
  }

  /** Keywords whose value is one schema. */
  private static final Set<String> SCHEMA =
      Set.of(
          "additionalProperties",
          "propertyNames",
          "additionalItems",
          "contains",
          "not",
          "if",
          "then",
          "else",
          "unevaluatedItems",
          "unevaluatedProperties",
          "contentSchema");

  /** Keywords whose value is an array of schemas. */
  private static final Set<String> SCHEMA_ARRAY = Set.of("allOf", "anyOf", "oneOf", "prefixItems");

  /** Keywords whose value is an object of schemas. */
  private static final Set<String> SCHEMA_MAP =
      Set.of("properties", "patternProperties", "$defs", "definitions", "dependentSchemas");

  /** Siblings of a draft 7 (or older) {@code $ref} that are kept: they do not assert anything. */
  private static final Set<String> KEPT_REF_SIBLINGS =
      Set.of(
          "$ref",
          "$defs",
          "definitions",
          "title",
          "description",
          "$comment",
          "examples",
          "default",
          "deprecated",
          "readOnly",
          "writeOnly");

  private final String location;
  private final Dialect dialect;
  private final JsonObject source;

  /** Schema resource URI (no fragment) → pointer of its root. */
  private final Map<String, String> resources = new HashMap<>();

  /** Absolute URI with an anchor fragment → pointer of the anchored schema. */
  private final Map<String, String> anchors = new HashMap<>();

  /** Pointers (from the definition schema's root) that some reference points at. */
  private final Set<String> targets = new HashSet<>();

  private DefinitionSchemas(String location, JsonObject source) {
    this.location = location;
    this.source = source;
    this.dialect = Dialect.of(source);
  }

  /**
   * The component for {@code schema}, to be placed at {@code location} (a JSON Pointer fragment
   * such as {@code #/components/schemas/flipt.io.v1alpha1.Flag}).
   */
  static JsonObject component(String location, JsonObject schema) {
    DefinitionSchemas schemas = new DefinitionSchemas(location, schema);
    schemas.index(schema, "", URI.create(BASE));
    schemas.collectTargets(schema, "", URI.create(BASE));
    return (JsonObject) schemas.rewrite(schema, "", URI.create(BASE));
  }

  // ------------------------------------------------------------------ pass 1: ids and anchors

  private void index(Object node, String pointer, URI base) {
    if (!(node instanceof JsonObject schema)) {
      return;
    }
    URI here = withId(schema, base);
    if (here != base || pointer.isEmpty()) {
      resources.putIfAbsent(withoutFragment(here), pointer);
    }
    String resource = withoutFragment(here);
    for (String key : List.of("$anchor", "$dynamicAnchor")) {
      if (schema.getValue(key) instanceof String anchor && !dialect.atMost(Dialect.DRAFT7)) {
        anchors.putIfAbsent(resource + "#" + anchor, pointer);
      }
    }
    String legacyId = dialect == Dialect.DRAFT4 ? "id" : "$id";
    if (dialect.atMost(Dialect.DRAFT7)
        && schema.getValue(legacyId) instanceof String id
        && id.startsWith("#")
        && id.length() > 1) {
      anchors.putIfAbsent(resource + id, pointer);
    }
    forEachSubschema(schema, pointer, (child, childPointer) -> index(child, childPointer, here));
  }

  /** The base URI inside {@code schema}: its {@code $id} resolved against {@code base}. */
  private URI withId(JsonObject schema, URI base) {
    Object id = schema.getValue(dialect == Dialect.DRAFT4 ? "id" : "$id");
    if (!(id instanceof String text) || text.startsWith("#")) {
      return base;
    }
    try {
      return base.resolve(new URI(text));
    } catch (URISyntaxException | IllegalArgumentException e) {
      return base;
    }
  }

  // ------------------------------------------------------------------ pass 2: reference targets

  private void collectTargets(Object node, String pointer, URI base) {
    if (!(node instanceof JsonObject schema)) {
      return;
    }
    URI here = withId(schema, base);
    for (String key : List.of("$ref", "$dynamicRef", "$recursiveRef")) {
      if (schema.getValue(key) instanceof String ref) {
        String target = target(ref, here);
        if (target != null) {
          targets.add(target);
        }
      }
    }
    forEachSubschema(
        schema, pointer, (child, childPointer) -> collectTargets(child, childPointer, here));
  }

  /** The pointer (from the definition root) a reference resolves to; null if outside it. */
  private String target(String ref, URI base) {
    URI resolved;
    try {
      resolved = base.resolve(new URI(ref));
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
    String resource = resources.get(withoutFragment(resolved));
    if (resource == null) {
      return null;
    }
    String fragment = resolved.getRawFragment();
    if (fragment == null || fragment.isEmpty()) {
      return resource;
    }
    if (fragment.startsWith("/")) {
      return resource + percentDecode(fragment);
    }
    return anchors.get(withoutFragment(resolved) + "#" + percentDecode(fragment));
  }

  // ------------------------------------------------------------------ pass 3: the component

  private Object rewrite(Object node, String pointer, URI base) {
    if (!(node instanceof JsonObject schema)) {
      return node instanceof JsonArray || node instanceof JsonObject ? copy(node) : node;
    }
    URI here = withId(schema, base);
    JsonObject out = new JsonObject();
    String refKey = firstPresent(schema, "$ref", "$dynamicRef", "$recursiveRef");
    boolean legacyRef = refKey != null && dialect.atMost(Dialect.DRAFT7);
    boolean arrayItems =
        dialect.atMost(Dialect.DRAFT2019) && schema.getValue("items") instanceof JsonArray;
    for (Map.Entry<String, Object> entry : schema) {
      String key = entry.getKey();
      Object value = entry.getValue();
      String child = pointer + "/" + escape(key);
      if (legacyRef && !KEPT_REF_SIBLINGS.contains(key) && !targeted(child)) {
        continue;
      }
      switch (key) {
        case "$schema", "$anchor", "$dynamicAnchor", "$recursiveAnchor" -> {}
        case "$id" -> {
          if (dialect == Dialect.DRAFT4) {
            out.put(key, value);
          }
        }
        case "id" -> {
          if (dialect != Dialect.DRAFT4 || !(value instanceof String)) {
            out.put(key, copy(value));
          }
        }
        case "$ref", "$dynamicRef", "$recursiveRef" -> {
          if (key.equals(refKey)) {
            out.put("$ref", reference((String) value, here));
          }
        }
        case "items" -> {
          if (arrayItems) {
            out.put("prefixItems", rewriteEach((JsonArray) value, child, here));
          } else {
            out.put("items", rewrite(value, child, here));
          }
        }
        case "additionalItems" -> {
          if (arrayItems) {
            out.put("items", rewrite(value, child, here));
          } else if (!dialect.atMost(Dialect.DRAFT2019)) {
            out.put(key, copy(value));
          }
        }
        case "dependencies" -> {
          if (dialect.atMost(Dialect.DRAFT7) && value instanceof JsonObject dependencies) {
            splitDependencies(dependencies, child, here, out);
          } else {
            out.put(key, copy(value));
          }
        }
        case "exclusiveMinimum", "exclusiveMaximum" -> {
          if (value instanceof Boolean exclusive) {
            Object limit = schema.getValue(key.equals("exclusiveMinimum") ? "minimum" : "maximum");
            if (exclusive && limit instanceof Number) {
              out.put(key, limit);
            }
          } else {
            out.put(key, value);
          }
        }
        case "minimum", "maximum" -> {
          String exclusive = key.equals("minimum") ? "exclusiveMinimum" : "exclusiveMaximum";
          if (!Boolean.TRUE.equals(schema.getValue(exclusive))) {
            out.put(key, value);
          }
        }
        default -> {
          if (SCHEMA.contains(key)) {
            out.put(key, rewrite(value, child, here));
          } else if (SCHEMA_ARRAY.contains(key) && value instanceof JsonArray array) {
            out.put(key, rewriteEach(array, child, here));
          } else if (SCHEMA_MAP.contains(key) && value instanceof JsonObject map) {
            JsonObject rewritten = new JsonObject();
            for (Map.Entry<String, Object> member : map) {
              rewritten.put(
                  member.getKey(),
                  rewrite(member.getValue(), child + "/" + escape(member.getKey()), here));
            }
            out.put(key, rewritten);
          } else {
            out.put(key, copy(value));
          }
        }
      }
    }
    return out;
  }

  private JsonArray rewriteEach(JsonArray array, String pointer, URI base) {
    JsonArray out = new JsonArray();
    for (int i = 0; i < array.size(); i++) {
      out.add(rewrite(array.getValue(i), pointer + "/" + i, base));
    }
    return out;
  }

  private void splitDependencies(
      JsonObject dependencies, String pointer, URI base, JsonObject out) {
    JsonObject required = new JsonObject();
    JsonObject schemas = new JsonObject();
    for (Map.Entry<String, Object> entry : dependencies) {
      if (entry.getValue() instanceof JsonArray names) {
        required.put(entry.getKey(), names.copy());
      } else {
        schemas.put(
            entry.getKey(),
            rewrite(entry.getValue(), pointer + "/" + escape(entry.getKey()), base));
      }
    }
    if (!required.isEmpty()) {
      out.put("dependentRequired", required);
    }
    if (!schemas.isEmpty()) {
      out.put("dependentSchemas", schemas);
    }
  }

  /** A reference as the component spells it: a pointer from the document root when internal. */
  private String reference(String ref, URI base) {
    String target = target(ref, base);
    if (target == null) {
      return ref;
    }
    return location + encodeFragment(translate(target));
  }

  /**
   * {@code pointer} into the definition schema as it points into the component: the same path, with
   * the keywords renamed the way {@link #rewrite} renames them.
   */
  private String translate(String pointer) {
    if (pointer.isEmpty()) {
      return pointer;
    }
    StringBuilder out = new StringBuilder();
    Object node = source;
    Position position = Position.SCHEMA;
    String[] tokens = pointer.substring(1).split("/", -1);
    for (int i = 0; i < tokens.length; i++) {
      String token = unescape(tokens[i]);
      String renamed = token;
      Position next = Position.DATA;
      if (position == Position.SCHEMA && node instanceof JsonObject schema) {
        boolean arrayItems =
            dialect.atMost(Dialect.DRAFT2019) && schema.getValue("items") instanceof JsonArray;
        Object value = schema.getValue(token);
        if (token.equals("items")) {
          renamed = arrayItems ? "prefixItems" : "items";
          next = value instanceof JsonArray ? Position.ARRAY : Position.SCHEMA;
        } else if (token.equals("additionalItems")) {
          renamed = arrayItems ? "items" : token;
          next = Position.SCHEMA;
        } else if (token.equals("dependencies")) {
          if (dialect.atMost(Dialect.DRAFT7)
              && i + 1 < tokens.length
              && value instanceof JsonObject dependencies) {
            Object dependency = dependencies.getValue(unescape(tokens[i + 1]));
            renamed = dependency instanceof JsonArray ? "dependentRequired" : "dependentSchemas";
          }
          next = Position.MAP;
        } else if (SCHEMA.contains(token)) {
          next = Position.SCHEMA;
        } else if (SCHEMA_ARRAY.contains(token)) {
          next = Position.ARRAY;
        } else if (SCHEMA_MAP.contains(token)) {
          next = Position.MAP;
        }
      } else if (position == Position.MAP || position == Position.ARRAY) {
        next = Position.SCHEMA;
      }
      out.append('/').append(escape(renamed));
      node = step(node, token);
      position = next;
    }
    return out.toString();
  }

  /** What a pointer token names: a keyword of a schema, a member of a map or array of them. */
  private enum Position {
    SCHEMA,
    MAP,
    ARRAY,
    DATA
  }

  private static Object step(Object node, String token) {
    if (node instanceof JsonObject object) {
      return object.getValue(token);
    }
    if (node instanceof JsonArray array) {
      try {
        int index = Integer.parseInt(token);
        return index >= 0 && index < array.size() ? array.getValue(index) : null;
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private boolean targeted(String pointer) {
    for (String target : targets) {
      if (target.equals(pointer) || target.startsWith(pointer + "/")) {
        return true;
      }
    }
    return false;
  }

  // ------------------------------------------------------------------ walking and pointers

  private interface Visitor {
    void visit(Object child, String pointer);
  }

  private static void forEachSubschema(JsonObject schema, String pointer, Visitor visitor) {
    for (Map.Entry<String, Object> entry : schema) {
      String key = entry.getKey();
      Object value = entry.getValue();
      String child = pointer + "/" + escape(key);
      if (SCHEMA.contains(key) || (key.equals("items") && value instanceof JsonObject)) {
        visitor.visit(value, child);
      } else if ((SCHEMA_ARRAY.contains(key) || key.equals("items"))
          && value instanceof JsonArray array) {
        for (int i = 0; i < array.size(); i++) {
          visitor.visit(array.getValue(i), child + "/" + i);
        }
      } else if ((SCHEMA_MAP.contains(key) || key.equals("dependencies"))
          && value instanceof JsonObject map) {
        for (Map.Entry<String, Object> member : map) {
          visitor.visit(member.getValue(), child + "/" + escape(member.getKey()));
        }
      }
    }
  }

  private static String firstPresent(JsonObject schema, String... keys) {
    for (String key : keys) {
      if (schema.getValue(key) instanceof String) {
        return key;
      }
    }
    return null;
  }

  private static String withoutFragment(URI uri) {
    String text = uri.toString();
    int hash = text.indexOf('#');
    return hash < 0 ? text : text.substring(0, hash);
  }

  static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  private static String unescape(String token) {
    return token.replace("~1", "/").replace("~0", "~");
  }

  /** A JSON Pointer as a URI fragment (RFC 6901 section 6): unsafe characters percent-encoded. */
  static String encodeFragment(String pointer) {
    StringBuilder out = new StringBuilder();
    for (byte b : pointer.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      boolean safe =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "-._~!$&'()*+,;=:@/?".indexOf(c) >= 0;
      if (safe) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  /** Percent-decoding of a URI fragment (a '+' stays a '+', unlike form decoding). */
  private static String percentDecode(String text) {
    if (text.indexOf('%') < 0) {
      return text;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%' && i + 2 < text.length()) {
        int high = Character.digit(text.charAt(i + 1), 16);
        int low = Character.digit(text.charAt(i + 2), 16);
        if (high >= 0 && low >= 0) {
          bytes.write(high * 16 + low);
          i += 2;
          continue;
        }
      }
      bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toString(StandardCharsets.UTF_8);
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
