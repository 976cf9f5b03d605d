package io.cup.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.cup.config.ResourceConfiguration;
import io.cup.config.ResourceConfigurationLoader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The protobuf OpenAPI v2 document decoded with a protobuf wire reader written here (field numbers
 * from gnostic's OpenAPIv2.proto): what kubectl 1.27 reads from it is there. kubectl itself reading
 * it is {@code KubectlTest} (explain, diff and validated writes with kubectl 1.27).
 */
class OpenApiV2ProtobufTest {
  private static final String FLAG_PATH =
      "/apis/flipt.io/v1alpha1/namespaces/{namespace}/flags/{name}";

  /** One decoded field: its number and its value (a Long, a Double or the bytes). */
  record Field(int number, Object value) {
    byte[] bytes() {
      return (byte[]) value;
    }

    String string() {
      return new String(bytes(), StandardCharsets.UTF_8);
    }

    List<Field> message() {
      return decode(bytes());
    }
  }

  static List<Field> decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    List<Field> fields = new ArrayList<>();
    while (in.hasRemaining()) {
      long tag = varint(in);
      int number = (int) (tag >>> 3);
      switch ((int) (tag & 7)) {
        case 0 -> fields.add(new Field(number, varint(in)));
        case 1 -> fields.add(new Field(number, in.getDouble()));
        case 2 -> {
          byte[] value = new byte[(int) varint(in)];
          in.get(value);
          fields.add(new Field(number, value));
        }
        default -> throw new AssertionError("wire type " + (tag & 7) + " is not written");
      }
    }
    return fields;
  }

  private static long varint(ByteBuffer in) {
    long value = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = in.get();
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
  }

  private static List<Field> all(List<Field> fields, int number) {
    return fields.stream().filter(f -> f.number() == number).toList();
  }

  private static Field one(List<Field> fields, int number) {
    List<Field> found = all(fields, number);
    assertThat(found).as("field " + number).hasSize(1);
    return found.get(0);
  }

  /** The value of the {@code Named*} entry called {@code name} among {@code entries}. */
  private static Optional<List<Field>> named(List<Field> entries, String name) {
    return entries.stream()
        .map(Field::message)
        .filter(entry -> one(entry, 1).string().equals(name))
        .map(entry -> one(entry, 2).message())
        .findFirst();
  }

  @Test
  void theDemoDocumentCarriesPathsKindsParametersAndSchemas() {
    ResourceConfiguration resources = ResourceConfigurationLoader.load(Path.of("conf/resources"));
    JsonObject swagger =
        KubernetesOpenApi.build(resources, OpenApiDocument.build(resources)).swagger();

    List<Field> document = decode(OpenApiV2Protobuf.encode(swagger));

    assertThat(one(document, 1).string()).isEqualTo("2.0");
    List<Field> paths = all(one(document, 8).message(), 2);
    assertThat(paths).hasSize(swagger.getJsonObject("paths").size());
    List<Field> flag = named(paths, FLAG_PATH).orElseThrow();
    List<Field> patch = one(flag, 8).message();
    assertThat(one(patch, 5).string()).isEqualTo("patchFliptIoV1alpha1NamespacedFlag");
    List<Field> gvk = named(all(patch, 13), "x-kubernetes-group-version-kind").orElseThrow();
    assertThat(new JsonObject(one(gvk, 2).string()))
        .isEqualTo(
            new JsonObject()
                .put("group", "flipt.io")
                .put("kind", "Flag")
                .put("version", "v1alpha1"));
    List<String> queryParameters = new ArrayList<>();
    for (Field item : all(patch, 8)) {
      List<Field> parameter = one(item.message(), 1).message();
      for (Field nonBody : all(parameter, 2)) {
        for (Field query : all(nonBody.message(), 3)) {
          assertThat(one(query.message(), 2).string()).isEqualTo("query");
          queryParameters.add(one(query.message(), 4).string());
        }
      }
    }
    assertThat(queryParameters).contains("fieldValidation", "fieldManager", "dryRun", "force");
    // the path-level parameters: name and namespace in the path
    assertThat(all(flag, 9))
        .hasSize(
            swagger
                .getJsonObject("paths")
                .getJsonObject(FLAG_PATH)
                .getJsonArray("parameters")
                .size());

    List<Field> definitions = all(one(document, 9).message(), 1);
    List<Field> schema = named(definitions, "io.flipt.v1alpha1.Flag").orElseThrow();
    assertThat(one(schema, 4).string()).contains("A Flipt feature flag");
    assertThat(one(one(schema, 22).message(), 1).string()).isEqualTo("object");
    List<Field> properties = all(one(schema, 25).message(), 1);
    List<Field> spec = named(properties, "spec").orElseThrow();
    List<Field> enabled = named(all(one(spec, 25).message(), 1), "enabled").orElseThrow();
    assertThat(one(one(enabled, 22).message(), 1).string()).isEqualTo("boolean");
    JsonArray required =
        swagger
            .getJsonObject("definitions")
            .getJsonObject("io.flipt.v1alpha1.Flag")
            .getJsonObject("properties")
            .getJsonObject("spec")
            .getJsonArray("required");
    assertThat(all(spec, 19).stream().map(Field::string).toList())
        .containsExactlyElementsOf(required.stream().map(String::valueOf).toList());
  }

  @Test
  void numbersBooleansAndExtensionsKeepTheirValues() {
    JsonObject swagger =
        new JsonObject()
            .put("swagger", "2.0")
            .put("paths", new JsonObject())
            .put(
                "definitions",
                new JsonObject()
                    .put(
                        "x",
                        new JsonObject()
                            .put("type", "integer")
                            .put("minimum", 1.5)
                            .put("maxLength", 300)
                            .put("additionalProperties", false)
                            .put("enum", new JsonArray().add("a\"b").add(2))
                            .put("x-kubernetes-preserve-unknown-fields", true)));

    List<Field> schema =
        named(all(one(decode(OpenApiV2Protobuf.encode(swagger)), 9).message(), 1), "x")
            .orElseThrow();

    assertThat(one(schema, 9).value()).isEqualTo(1.5);
    assertThat(one(schema, 11).value()).isEqualTo(300L);
    List<Field> additional = one(schema, 21).message();
    assertThat(one(additional, 2).value()).isEqualTo(0L);
    assertThat(all(schema, 20))
        .extracting(f -> one(f.message(), 2).string().strip())
        .containsExactly("\"a\\\"b\"", "2");
    List<Field> extension =
        named(all(schema, 31), "x-kubernetes-preserve-unknown-fields").orElseThrow();
    assertThat(one(extension, 2).string().strip()).isEqualTo("true");
  }
}
