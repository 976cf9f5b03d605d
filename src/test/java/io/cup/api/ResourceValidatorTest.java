package io.cup.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.cup.config.ResourceDefinition;
import io.cup.config.ServedResource;
import io.cup.status.StatusException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The body checks of PUT without HTTP: parse, identify, schema, causes. */
class ResourceValidatorTest {
  private static final String SCHEMA =
      """
      {"type": "object",
       "properties": {
         "metadata": {"type": "object",
           "properties": {"labels": {"type": "object",
             "additionalProperties": {"type": "string", "maxLength": 3}}}},
         "spec": {"type": "object",
           "properties": {"items": {"type": "array", "maxItems": 2,
                                    "items": {"type": "integer"}}}}}}
      """;

  private static ServedResource served() throws Exception {
    JsonSchema schema =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(new ObjectMapper().readTree(SCHEMA));
    ResourceDefinition definition =
        new ResourceDefinition(
            "things.example.io",
            "example.io",
            "Thing",
            "thing",
            "things",
            Map.of("v1", new JsonObject(SCHEMA)),
            new JsonObject(),
            "things.json");
    return new ServedResource(definition, "v1", schema, null);
  }

  private static byte[] bytes(JsonObject json) {
    return json.encode().getBytes(StandardCharsets.UTF_8);
  }

  private static JsonObject thing(JsonObject spec, JsonObject labels) {
    return new JsonObject()
        .put("apiVersion", "example.io/v1")
        .put("kind", "Thing")
        .put("metadata", new JsonObject().put("name", "t").put("labels", labels))
        .put("spec", spec);
  }

  @Test
  void aValidBodyGetsThePathNamespace() throws Exception {
    JsonObject valid =
        thing(new JsonObject().put("items", new JsonArray().add(1)), new JsonObject());
    JsonObject stored = ResourceValidator.validate(served(), "ns", "t", bytes(valid));
    assertThat(stored.getJsonObject("metadata").getString("namespace")).isEqualTo("ns");
    assertThat(stored.getJsonObject("spec")).isEqualTo(valid.getJsonObject("spec"));
  }

  @Test
  void causesNameArrayIndexesAndMapKeysAsKubernetesDoes() throws Exception {
    JsonObject invalid =
        thing(
            new JsonObject().put("items", new JsonArray().add(1).add("two").add(3)),
            new JsonObject().put("app.kubernetes.io/name", "toolong"));
    assertThatThrownBy(() -> ResourceValidator.validate(served(), "ns", "t", bytes(invalid)))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.code()).isEqualTo(422);
              assertThat(e.causes())
                  .extracting(StatusException.Cause::field, StatusException.Cause::reason)
                  .containsExactly(
                      org.assertj.core.groups.Tuple.tuple(
                          "metadata.labels[app.kubernetes.io/name]", "FieldValueTooLong"),
                      org.assertj.core.groups.Tuple.tuple("spec.items", "FieldValueTooMany"),
                      org.assertj.core.groups.Tuple.tuple(
                          "spec.items[1]", "FieldValueTypeInvalid"));
            });
  }

  @Test
  void manyFailuresAreCappedInTheAnswer() throws Exception {
    JsonObject labels = new JsonObject();
    for (int i = 0; i < ResourceValidator.MAX_CAUSES + 20; i++) {
      labels.put("k" + i, "toolong");
    }
    JsonObject invalid = thing(new JsonObject(), labels);
    assertThatThrownBy(() -> ResourceValidator.validate(served(), "ns", "t", bytes(invalid)))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.causes()).hasSize(ResourceValidator.MAX_CAUSES);
              assertThat(e.getMessage()).endsWith("; and 20 more");
            });
  }

  @Test
  void parseErrorsSayWhere() {
    assertThatThrownBy(() -> ResourceValidator.parseObject("{\"a\": tru}".getBytes()))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.code()).isEqualTo(400);
              assertThat(e.getMessage()).contains("at line 1, column");
            });
  }

  @Test
  void identifyingFieldsAreCheckedBeforeTheSchemaWithClearMessages() throws Exception {
    JsonObject wrongName = thing(new JsonObject(), new JsonObject());
    wrongName.getJsonObject("metadata").put("name", "other");
    assertThatThrownBy(() -> ResourceValidator.validate(served(), "ns", "t", bytes(wrongName)))
        .hasMessage("metadata.name \"other\" does not match \"t\" (the name in the path)");
    JsonObject noKind = thing(new JsonObject(), new JsonObject());
    noKind.remove("kind");
    assertThatThrownBy(() -> ResourceValidator.validate(served(), "ns", "t", bytes(noKind)))
        .hasMessage("kind is required: \"Thing\" (the kind of the definition)");
    JsonObject otherNamespace = thing(new JsonObject(), new JsonObject());
    otherNamespace.getJsonObject("metadata").put("namespace", 7);
    assertThatThrownBy(() -> ResourceValidator.validate(served(), "ns", "t", bytes(otherNamespace)))
        .hasMessage("metadata.namespace 7 does not match \"ns\" (the namespace in the path)");
  }
}
