package io.cup.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The fields of a resource its definition's JSON Schema does not declare, as Kubernetes' field
 * validation names them ({@code spec.rules[0].foo}), and the fields a JSON body gives twice.
 *
 * <p>A field is unknown when the object holding it has a schema that declares its fields ({@code
 * properties}, {@code patternProperties} or {@code additionalProperties: false}), none of them is
 * this one, and none of the object's schemas allows more ({@code additionalProperties} or {@code
 * unevaluatedProperties} true or a schema, or {@code x-kubernetes-preserve-unknown-fields: true}).
 * An object whose schemas declare no field at all ({@code {"type": "object"}}) takes anything, as
 * JSON Schema says. The schemas of an object are those of its place, with {@code $ref}s (local JSON
 * Pointers) followed and {@code allOf}, {@code anyOf}, {@code oneOf}, {@code then} and {@code else}
 * branches added. {@code apiVersion}, {@code kind}, {@code metadata} and its standard fields (name,
 * namespace, labels, annotations, uid, resourceVersion, ...) are never unknown.
 */
final class UnknownFields {
  /** {@code metadata}'s fields in every Kubernetes object (ObjectMeta). */
  static final Set<String> STANDARD_METADATA =
      Set.of(
          "name",
          "generateName",
          "namespace",
          "selfLink",
          "uid",
          "resourceVersion",
          "generation",
          "creationTimestamp",
          "deletionTimestamp",
          "deletionGracePeriodSeconds",
          "labels",
          "annotations",
          "ownerReferences",
          "finalizers",
          "managedFields");

  private static final JsonFactory JSON = new JsonFactory();

  private final JsonObject root;
  private final List<String> unknown = new ArrayList<>();

  private UnknownFields(JsonObject root) {
    this.root = root;
  }

  /** The unknown fields of {@code resource} under {@code schema} (a definition version's). */
  static List<String> of(JsonObject schema, JsonNode resource) {
    UnknownFields fields = new UnknownFields(schema);
    fields.walk(fields.expand(List.of(schema)), resource, "", Place.ROOT);
    Collections.sort(fields.unknown);
    return fields.unknown;
  }

  /** Where a value is: the top of the resource, its metadata, or anywhere else. */
  private enum Place {
    ROOT,
    METADATA,
    OTHER
  }

  private void walk(List<JsonObject> schemas, JsonNode value, String path, Place place) {
    if (value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        List<JsonObject> items = new ArrayList<>();
        for (JsonObject schema : schemas) {
          if (schema.getValue("prefixItems") instanceof JsonArray prefix && i < prefix.size()) {
            add(items, prefix.getValue(i));
          } else {
            add(items, schema.getValue("items"));
          }
        }
        walk(expand(items), value.get(i), path + "[" + i + "]", Place.OTHER);
      }
      return;
    }
    if (!value.isObject()) {
      return;
    }
    boolean declares = false;
    boolean open = false;
    for (JsonObject schema : schemas) {
      declares |=
          schema.containsKey("properties")
              || schema.containsKey("patternProperties")
              || Boolean.FALSE.equals(schema.getValue("additionalProperties"))
              || Boolean.FALSE.equals(schema.getValue("unevaluatedProperties"));
      open |=
          allowsMore(schema.getValue("additionalProperties"))
              || allowsMore(schema.getValue("unevaluatedProperties"))
              || Boolean.TRUE.equals(schema.getValue("x-kubernetes-preserve-unknown-fields"));
    }
    for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      String name = field.getKey();
      String child = path.isEmpty() ? name : path + "." + name;
      if (place == Place.ROOT && (name.equals("apiVersion") || name.equals("kind"))) {
        continue;
      }
      if (place == Place.METADATA && STANDARD_METADATA.contains(name)) {
        continue;
      }
      List<JsonObject> declared = new ArrayList<>();
      List<JsonObject> additional = new ArrayList<>();
      boolean known = false;
      for (JsonObject schema : schemas) {
        if (schema.getValue("properties") instanceof JsonObject properties
            && properties.containsKey(name)) {
          known = true;
          add(declared, properties.getValue(name));
        }
        if (schema.getValue("patternProperties") instanceof JsonObject patterns) {
          for (Map.Entry<String, Object> pattern : patterns) {
            if (matches(pattern.getKey(), name)) {
              known = true;
              add(declared, pattern.getValue());
            }
          }
        }
        add(additional, schema.getValue("additionalProperties"));
      }
      boolean metadata = place == Place.ROOT && name.equals("metadata");
      Place next = metadata ? Place.METADATA : Place.OTHER;
      if (known) {
        walk(expand(declared), field.getValue(), child, next);
      } else if (metadata || open || !declares) {
        walk(expand(additional), field.getValue(), child, next);
      } else {
        unknown.add(child);
      }
    }
  }

  private static boolean allowsMore(Object keyword) {
    return Boolean.TRUE.equals(keyword) || keyword instanceof JsonObject;
  }

  private static boolean matches(String pattern, String name) {
    try {
      return Pattern.compile(pattern).matcher(name).find();
    } catch (PatternSyntaxException e) {
      return false;
    }
  }

  private static void add(List<JsonObject> schemas, Object schema) {
    if (schema instanceof JsonObject object) {
      schemas.add(object);
    }
  }

  /**
   * {@code schemas} and every schema they apply through references and combinators; a reference
   * this class cannot follow (not a local JSON Pointer) makes the place open: nothing reported.
   */
  private List<JsonObject> expand(List<JsonObject> schemas) {
    List<JsonObject> out = new ArrayList<>();
    Deque<JsonObject> pending = new ArrayDeque<>(schemas);
    Set<JsonObject> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    while (!pending.isEmpty()) {
      JsonObject schema = pending.pop();
      if (!seen.add(schema)) {
        continue;
      }
      out.add(schema);
      if (schema.getValue("$ref") instanceof String ref) {
        Object target = resolve(ref);
        if (target instanceof JsonObject object) {
          pending.push(object);
        } else {
          out.add(new JsonObject().put("additionalProperties", true));
        }
      }
      for (String key : List.of("allOf", "anyOf", "oneOf")) {
        if (schema.getValue(key) instanceof JsonArray all) {
          for (Object member : all) {
            if (member instanceof JsonObject object) {
              pending.push(object);
            }
          }
        }
      }
      for (String key : List.of("then", "else")) {
        if (schema.getValue(key) instanceof JsonObject object) {
          pending.push(object);
        }
      }
    }
    return out;
  }

  private Object resolve(String ref) {
    if (!ref.startsWith("#")) {
      return null;
    }
    String pointer =
        URLDecoder.decode(ref.substring(1).replace("+", "%2B"), StandardCharsets.UTF_8);
    if (pointer.isEmpty()) {
      return root;
    }
    if (!pointer.startsWith("/")) {
      return null; // an anchor
    }
    Object node = root;
    for (String raw : pointer.substring(1).split("/", -1)) {
      String token = raw.replace("~1", "/").replace("~0", "~");
      if (node instanceof JsonObject object) {
        node = object.getValue(token);
      } else if (node instanceof JsonArray array && token.matches("\\d+")) {
        int index = Integer.parseInt(token);
        node = index < array.size() ? array.getValue(index) : null;
      } else {
        return null;
      }
    }
    return node;
  }

  // ------------------------------------------------------------------ duplicates

  /**
   * The fields {@code body} gives twice in one object, as paths ({@code spec.key}); empty for a
   * body that is not JSON (the parser says what is wrong with it).
   */
  static List<String> duplicates(byte[] body) {
    List<String> duplicates = new ArrayList<>();
    Deque<Set<String>> objects = new ArrayDeque<>();
    Deque<String> paths = new ArrayDeque<>();
    try (JsonParser parser = JSON.createParser(body)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        switch (token) {
          case START_OBJECT, START_ARRAY -> {
            paths.push(path(parser));
            if (token == JsonToken.START_OBJECT) {
              objects.push(new HashSet<>());
            }
          }
          case END_OBJECT, END_ARRAY -> {
            paths.pop();
            if (token == JsonToken.END_OBJECT) {
              objects.pop();
            }
          }
          case FIELD_NAME -> {
            if (!objects.peek().add(parser.currentName())) {
              String parent = paths.peek();
              duplicates.add(
                  parent.isEmpty() ? parser.currentName() : parent + "." + parser.currentName());
            }
          }
          default -> {}
        }
      }
    } catch (IOException e) {
      return List.of();
    }
    return duplicates;
  }

  /** The dotted path of the value the parser is at (for a container, where it starts). */
  private static String path(JsonParser parser) {
    StringBuilder out = new StringBuilder();
    List<String> parts = new ArrayList<>();
    for (var context = parser.getParsingContext().getParent();
        context != null && !context.inRoot();
        context = context.getParent()) {
      parts.add(
          0,
          context.inArray()
              ? "[" + context.getCurrentIndex() + "]"
              : "." + context.getCurrentName());
    }
    for (String part : parts) {
      out.append(part);
    }
    return out.length() > 0 && out.charAt(0) == '.' ? out.substring(1) : out.toString();
  }
}
