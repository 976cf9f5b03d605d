package io.cup.api;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The Swagger 2.0 document in the protobuf form kubectl 1.27 and 1.28 read (gnostic's {@code
 * openapi.v2.Document}, media type {@value #MEDIA_TYPE}): they ask for OpenAPI v2 in no other form,
 * and need it for validation, {@code explain} and {@code diff}.
 *
 * <p>It encodes what the JSON document holds that those clients use: the paths with their
 * operations, parameters, responses and vendor extensions (kubectl finds a kind's operations by
 * {@code x-kubernetes-group-version-kind} and server-side field validation by the {@code
 * fieldValidation} parameter), and the definitions with the JSON Schema keywords Swagger 2.0 has.
 * Keywords Swagger 2.0 does not have (for example {@code oneOf}) are left out, as kube-openapi
 * leaves them out; vendor extensions keep their value as YAML (JSON is YAML), as gnostic does. The
 * wire format is protobuf's (varints, length-delimited fields, little-endian doubles); field
 * numbers are those of gnostic's {@code OpenAPIv2.proto}.
 */
final class OpenApiV2Protobuf {
  static final String MEDIA_TYPE = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

  /** The older spelling of the same type, which kube-openapi serves too. */
  static final String MEDIA_TYPE_DOTTED =
      "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

  private static final String[] OPERATIONS = {
    null, null, "get", "put", "post", "delete", "options", "head", "patch"
  };

  private OpenApiV2Protobuf() {}

  /** {@code swagger} (a Swagger 2.0 document) as an encoded {@code openapi.v2.Document}. */
  static byte[] encode(JsonObject swagger) {
    Message document = new Message();
    document.string(1, swagger.getString("swagger", "2.0"));
    JsonObject info = swagger.getJsonObject("info");
    if (info != null) {
      Message message = new Message();
      message.string(1, info.getString("title"));
      message.string(2, info.getString("version"));
      message.string(3, info.getString("description"));
      document.message(2, message);
    }
    JsonObject paths = swagger.getJsonObject("paths", new JsonObject());
    Message encodedPaths = new Message();
    for (Map.Entry<String, Object> path : paths) {
      encodedPaths.message(2, named(path.getKey(), pathItem((JsonObject) path.getValue())));
    }
    document.message(8, encodedPaths);
    JsonObject definitions = swagger.getJsonObject("definitions", new JsonObject());
    Message encodedDefinitions = new Message();
    for (Map.Entry<String, Object> definition : definitions) {
      encodedDefinitions.message(
          1, named(definition.getKey(), schema((JsonObject) definition.getValue())));
    }
    document.message(9, encodedDefinitions);
    return document.bytes();
  }

  private static Message pathItem(JsonObject item) {
    Message message = new Message();
    message.string(1, item.getString("$ref"));
    for (int field = 2; field < OPERATIONS.length; field++) {
      JsonObject operation = item.getJsonObject(OPERATIONS[field]);
      if (operation != null) {
        message.message(field, operation(operation));
      }
    }
    for (Object parameter : item.getJsonArray("parameters", new JsonArray())) {
      message.message(9, parametersItem((JsonObject) parameter));
    }
    extensions(message, 10, item);
    return message;
  }

  private static Message operation(JsonObject operation) {
    Message message = new Message();
    strings(message, 1, operation.getJsonArray("tags"));
    message.string(2, operation.getString("summary"));
    message.string(3, operation.getString("description"));
    message.string(5, operation.getString("operationId"));
    strings(message, 6, operation.getJsonArray("produces"));
    strings(message, 7, operation.getJsonArray("consumes"));
    for (Object parameter : operation.getJsonArray("parameters", new JsonArray())) {
      message.message(8, parametersItem((JsonObject) parameter));
    }
    Message responses = new Message();
    for (Map.Entry<String, Object> response :
        operation.getJsonObject("responses", new JsonObject())) {
      JsonObject value = (JsonObject) response.getValue();
      Message encoded = new Message();
      encoded.string(1, value.getString("description", ""));
      JsonObject schema = value.getJsonObject("schema");
      if (schema != null) {
        encoded.message(2, new Message().message(1, schema(schema)));
      }
      responses.message(1, named(response.getKey(), new Message().message(1, encoded)));
    }
    message.message(9, responses);
    strings(message, 10, operation.getJsonArray("schemes"));
    message.bool(11, operation.getBoolean("deprecated", false));
    extensions(message, 13, operation);
    return message;
  }

  /** A {@code ParametersItem}: a reference, a body parameter or a query/path/header one. */
  private static Message parametersItem(JsonObject parameter) {
    if (parameter.getString("$ref") != null) {
      return new Message().message(2, new Message().string(1, parameter.getString("$ref")));
    }
    String in = parameter.getString("in", "");
    Message encoded;
    if (in.equals("body")) {
      Message body = new Message();
      body.string(1, parameter.getString("description"));
      body.string(2, parameter.getString("name"));
      body.string(3, in);
      body.bool(4, parameter.getBoolean("required", false));
      JsonObject schema = parameter.getJsonObject("schema");
      if (schema != null) {
        body.message(5, schema(schema));
      }
      encoded = new Message().message(1, body);
    } else {
      // query and form data put type at 6, path and header at 5
      boolean query = in.equals("query") || in.equals("formData");
      Message sub = new Message();
      sub.bool(1, parameter.getBoolean("required", false));
      sub.string(2, in);
      sub.string(3, parameter.getString("description"));
      sub.string(4, parameter.getString("name"));
      sub.string(query ? 6 : 5, parameter.getString("type"));
      sub.bool(query ? 20 : 19, parameter.getBoolean("uniqueItems", false));
      int kind =
          switch (in) {
            case "header" -> 1;
            case "formData" -> 2;
            case "path" -> 4;
            default -> 3;
          };
      encoded = new Message().message(2, new Message().message(kind, sub));
    }
    return new Message().message(1, encoded);
  }

  /** A JSON Schema as gnostic's {@code Schema}: the keywords Swagger 2.0 has. */
  private static Message schema(JsonObject schema) {
    Message message = new Message();
    message.string(1, schema.getString("$ref"));
    message.string(2, schema.getString("format"));
    message.string(3, schema.getString("title"));
    message.string(4, schema.getString("description"));
    if (schema.containsKey("default")) {
      message.message(5, any(schema.getValue("default")));
    }
    number(message, 6, schema.getValue("multipleOf"));
    number(message, 7, schema.getValue("maximum"));
    message.bool(8, Boolean.TRUE.equals(schema.getValue("exclusiveMaximum")));
    number(message, 9, schema.getValue("minimum"));
    message.bool(10, Boolean.TRUE.equals(schema.getValue("exclusiveMinimum")));
    integer(message, 11, schema.getValue("maxLength"));
    integer(message, 12, schema.getValue("minLength"));
    message.string(13, schema.getString("pattern"));
    integer(message, 14, schema.getValue("maxItems"));
    integer(message, 15, schema.getValue("minItems"));
    message.bool(16, Boolean.TRUE.equals(schema.getValue("uniqueItems")));
    integer(message, 17, schema.getValue("maxProperties"));
    integer(message, 18, schema.getValue("minProperties"));
    if (schema.getValue("required") instanceof JsonArray required) {
      strings(message, 19, required);
    }
    if (schema.getValue("enum") instanceof JsonArray values) {
      for (Object value : values) {
        message.message(20, any(value));
      }
    }
    Object additional = schema.getValue("additionalProperties");
    if (additional instanceof JsonObject object) {
      message.message(21, new Message().message(1, schema(object)));
    } else if (additional instanceof Boolean allowed) {
      message.message(21, new Message().boolAlways(2, allowed));
    }
    Object type = schema.getValue("type");
    if (type instanceof String one) {
      message.message(22, new Message().string(1, one));
    } else if (type instanceof JsonArray several) {
      Message types = new Message();
      strings(types, 1, several);
      message.message(22, types);
    }
    Object items = schema.getValue("items");
    if (items instanceof JsonObject one) {
      message.message(23, new Message().message(1, schema(one)));
    } else if (items instanceof JsonArray several) {
      Message encoded = new Message();
      for (Object item : several) {
        if (item instanceof JsonObject object) {
          encoded.message(1, schema(object));
        }
      }
      message.message(23, encoded);
    }
    if (schema.getValue("allOf") instanceof JsonArray all) {
      for (Object item : all) {
        if (item instanceof JsonObject object) {
          message.message(24, schema(object));
        }
      }
    }
    if (schema.getValue("properties") instanceof JsonObject properties) {
      Message encoded = new Message();
      for (Map.Entry<String, Object> property : properties) {
        if (property.getValue() instanceof JsonObject object) {
          encoded.message(1, named(property.getKey(), schema(object)));
        }
      }
      message.message(25, encoded);
    }
    message.string(26, schema.getString("discriminator"));
    message.bool(27, Boolean.TRUE.equals(schema.getValue("readOnly")));
    if (schema.containsKey("example")) {
      message.message(30, any(schema.getValue("example")));
    }
    extensions(message, 31, schema);
    return message;
  }

  /** The {@code x-} members of {@code object} as {@code NamedAny} entries at {@code field}. */
  private static void extensions(Message message, int field, JsonObject object) {
    for (Map.Entry<String, Object> member : object) {
      if (member.getKey().startsWith("x-")) {
        message.message(
            field, new Message().string(1, member.getKey()).message(2, any(member.getValue())));
      }
    }
  }

  /** gnostic's {@code Any}: the value as YAML (its JSON, which is YAML). */
  private static Message any(Object value) {
    return new Message().stringAlways(2, Json.encode(value) + "\n");
  }

  private static Message named(String name, Message value) {
    return new Message().stringAlways(1, name).message(2, value);
  }

  private static void strings(Message message, int field, JsonArray values) {
    if (values != null) {
      for (Object value : values) {
        message.stringAlways(field, String.valueOf(value));
      }
    }
  }

  private static void number(Message message, int field, Object value) {
    if (value instanceof Number n) {
      message.dbl(field, n.doubleValue());
    }
  }

  private static void integer(Message message, int field, Object value) {
    if (value instanceof Number n) {
      message.varint(field, n.longValue());
    }
  }

  /** One protobuf message being written: fields in the order they are added. */
  static final class Message {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** A string field, left out when null or empty (proto3's default). */
    Message string(int field, String value) {
      return value == null || value.isEmpty() ? this : stringAlways(field, value);
    }

    /** A string field written even when empty (an element of a repeated field, a map key). */
    Message stringAlways(int field, String value) {
      return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A bool field, left out when false (proto3's default). */
    Message bool(int field, boolean value) {
      return value ? boolAlways(field, true) : this;
    }

    /** A bool field written even when false (one case of a oneof). */
    Message boolAlways(int field, boolean value) {
      tag(field, 0);
      raw(value ? 1 : 0);
      return this;
    }

    Message varint(int field, long value) {
      tag(field, 0);
      raw(value);
      return this;
    }

    Message dbl(int field, double value) {
      tag(field, 1);
      long bits = Double.doubleToLongBits(value);
      for (int i = 0; i < 8; i++) {
        out.write((int) (bits >>> (8 * i)) & 0xff);
      }
      return this;
    }

    Message message(int field, Message value) {
      return bytes(field, value.bytes());
    }

    byte[] bytes() {
      return out.toByteArray();
    }

    private Message bytes(int field, byte[] value) {
      tag(field, 2);
      raw(value.length);
      out.writeBytes(value);
      return this;
    }

    private void tag(int field, int wireType) {
      raw(((long) field << 3) | wireType);
    }

    private void raw(long value) {
      long rest = value;
      while ((rest & ~0x7FL) != 0) {
        out.write((int) ((rest & 0x7F) | 0x80));
        rest >>>= 7;
      }
      out.write((int) rest);
    }
  }
}
