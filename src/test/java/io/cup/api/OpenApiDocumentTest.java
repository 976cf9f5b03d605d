package io.cup.api;

import static io.cup.testing.StatusAssert.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion.VersionFlag;
import com.networknt.schema.ValidationMessage;
import io.cup.config.ResourceConfiguration;
import io.cup.config.ResourceConfigurationLoader;
import io.cup.config.ServedResource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchemaValidationException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.openapi.contract.OpenAPIVersion;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document of {@code GET /openapi/v3}, built from real configurations (the demo's, the
 * end-to-end fixture's, and definitions in every supported draft with {@code $defs}, {@code $id},
 * anchors and references) and checked by two validators: Vert.x OpenAPI (the OAS 3.1 meta-schema,
 * then dereferencing every {@code $ref}) and networknt json-schema-validator against the OAS 3.1
 * {@code schema-base} meta-schema, which also checks each Schema Object against the JSON Schema
 * 2020-12 dialect.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class OpenApiDocumentTest {
  private static final String SCHEMA_BASE =
      "https://spec.openapis.org/oas/3.1/schema-base/2022-10-07";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The OAS 3.1 meta-schemas shipped in the vertx-openapi jar, for networknt. */
  private static final JsonSchemaFactory OAS_FACTORY =
      JsonSchemaFactory.getInstance(
          VersionFlag.V202012,
          builder ->
              builder.schemaMappers(
                  mappers ->
                      mappers.mapPrefix(
                          "https://spec.openapis.org/oas/3.1/",
                          "classpath:spec.openapis.org/oas/3.1/")));

  private static final List<String> COLLECTION_PARAMETERS =
      List.of(
          "labelSelector",
          "limit",
          "continue",
          "revision",
          "watch",
          "resourceVersion",
          "timeoutSeconds");

  @TempDir Path dir;

  @Test
  void demoConfigurationGivesAValidDocument(Vertx vertx, VertxTestContext ctx) {
    ResourceConfiguration resources = ResourceConfigurationLoader.load(Path.of("conf/resources"));
    JsonObject document = OpenApiDocument.build(resources);
    assertThat(schemaBaseProblems(document)).isEmpty();
    assertEveryServedKindHasEveryOperation(document, resources);
    assertEveryReferenceResolves(document);
    assertThat(document.getJsonObject("components").getJsonObject("schemas").fieldNames())
        .contains(
            "flipt.io.v1alpha1.Flag",
            "flipt.io.v1alpha1.FlagList",
            "flipt.io.v1alpha1.FlagWatchEvent",
            "flipt.io.v1alpha1.Segment",
            "Status",
            "Proposal",
            "WriteResult",
            "DeleteOptions",
            "JsonPatch");
    // the definition's own #/$defs/... now points into its component
    assertThat(
            document
                .getJsonObject("components")
                .getJsonObject("schemas")
                .getJsonObject("flipt.io.v1alpha1.Flag")
                .getJsonObject("properties")
                .getJsonObject("metadata")
                .getString("$ref"))
        .isEqualTo("#/components/schemas/flipt.io.v1alpha1.Flag/$defs/metadata");
    vertxAccepts(vertx, document).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void endToEndFixtureConfigurationGivesAValidDocument(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    ResourceConfiguration resources = ResourceConfigurationLoader.load(e2eResources());
    JsonObject document = OpenApiDocument.build(resources);
    assertThat(schemaBaseProblems(document)).isEmpty();
    assertEveryServedKindHasEveryOperation(document, resources);
    assertEveryReferenceResolves(document);
    assertThat(document.getJsonObject("paths").fieldNames())
        .contains(
            "/apis/apps.cup.io/v1",
            "/apis/apps.cup.io/v1/namespaces/{namespace}/services",
            "/apis/apps.cup.io/v1/namespaces/{namespace}/services/{name}");
    vertxAccepts(vertx, document).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void schemasOfEveryDraftBecomeValidComponentsThatJudgeAsTheOriginals(
      Vertx vertx, VertxTestContext ctx) throws IOException {
    ResourceConfiguration resources = ResourceConfigurationLoader.load(draftsConfiguration());
    JsonObject document = OpenApiDocument.build(resources);
    assertThat(schemaBaseProblems(document)).isEmpty();
    assertEveryServedKindHasEveryOperation(document, resources);
    assertEveryReferenceResolves(document);
    JsonObject schemas = document.getJsonObject("components").getJsonObject("schemas");
    for (String name : List.of("drafts.cup.io.v4.Gadget", "drafts.cup.io.v7.Gadget")) {
      String encoded = schemas.getJsonObject(name).encode();
      assertThat(encoded)
          .doesNotContain("$schema", "\"$id\"", "\"id\":\"", "\"#/definitions/part\"");
    }

    // the same instances pass and fail against the loaded schema and against the component
    Map<String, List<JsonObject>> samples = Map.of("Gadget", gadgets(), "Tree", trees());
    for (ServedResource served : resources.served().values()) {
      String component = OpenApiDocument.schemaName(served.definition(), served.version());
      JsonSchema inDocument = componentSchema(document, component);
      for (JsonObject sample : samples.get(served.definition().kind())) {
        JsonObject instance = sample.copy().put("apiVersion", served.apiVersion());
        JsonNode node = node(instance);
        assertThat(inDocument.validate(node).isEmpty())
            .as("%s judges %s as the loaded schema does", component, instance)
            .isEqualTo(served.schema().validate(node).isEmpty());
      }
    }
    vertxAccepts(vertx, document).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void brokenDocumentsAreRejected(Vertx vertx, VertxTestContext ctx) {
    JsonObject document =
        OpenApiDocument.build(ResourceConfigurationLoader.load(Path.of("conf/resources")));

    JsonObject badSchema = document.copy();
    schema(badSchema, "flipt.io.v1alpha1.Flag").getJsonObject("properties").put("spec", minimumX());
    assertThat(schemaBaseProblems(badSchema))
        .anySatisfy(m -> assertThat(m).contains("flipt.io.v1alpha1.Flag").contains("minimum"));

    JsonObject noDescription = document.copy();
    noDescription
        .getJsonObject("paths")
        .getJsonObject("/healthz")
        .getJsonObject("get")
        .getJsonObject("responses")
        .getJsonObject("200")
        .remove("description");
    assertThat(schemaBaseProblems(noDescription)).isNotEmpty();

    JsonObject dangling = document.copy();
    schema(dangling, "flipt.io.v1alpha1.Flag")
        .getJsonObject("properties")
        .put("metadata", new JsonObject().put("$ref", "#/components/schemas/Nowhere"));
    assertThat(unresolvedReferences(dangling)).containsExactly("#/components/schemas/Nowhere");

    vertxAccepts(vertx, noDescription)
        .transform(
            ar ->
                ar.succeeded()
                    ? Future.failedFuture("vertx-openapi accepted a response without description")
                    : vertxAccepts(vertx, dangling))
        .onComplete(
            ar ->
                ctx.verify(
                    () -> {
                      assertThat(ar.failed())
                          .as("vertx-openapi refuses a dangling reference")
                          .isTrue();
                      ctx.completeNow();
                    }));
  }

  @Test
  void servedAtOpenApiV3AsJsonOnly(Vertx vertx, VertxTestContext ctx) throws IOException {
    Path config = ApiFixture.writeConfiguration(dir);
    JsonObject expected = OpenApiDocument.build(ResourceConfigurationLoader.load(config));
    FakeBackend backend = new FakeBackend();
    backend
        .register(vertx)
        .compose(v -> ApiFixture.deploy(vertx, config))
        .compose(
            api ->
                api.get(OpenApiDocument.PATH)
                    .send()
                    .compose(
                        first ->
                            api.get(OpenApiDocument.PATH)
                                .putHeader("Accept", "application/json")
                                .send()
                                .compose(
                                    second ->
                                        api.get(OpenApiDocument.PATH)
                                            .putHeader("Accept", "text/plain")
                                            .send()
                                            .map(refused -> List.of(first, second, refused)))))
        .onComplete(
            ctx.succeeding(
                answers ->
                    ctx.verify(
                        () -> {
                          for (int i = 0; i < 2; i++) {
                            assertThat(answers.get(i).statusCode()).isEqualTo(200);
                            assertThat(answers.get(i).getHeader("Content-Type"))
                                .isEqualTo("application/json");
                            assertThat(answers.get(i).bodyAsJsonObject()).isEqualTo(expected);
                          }
                          assertStatus(answers.get(2), 406, "NotAcceptable");
                          ctx.completeNow();
                        })));
  }

  // ------------------------------------------------------------------ checks

  private static void assertEveryServedKindHasEveryOperation(
      JsonObject document, ResourceConfiguration resources) {
    JsonObject paths = document.getJsonObject("paths");
    assertThat(paths.fieldNames())
        .contains(
            "/apis",
            "/apis/cup.flipt.io/v1alpha1",
            ApiVerticle.PROPOSALS,
            ApiVerticle.PROPOSALS + "/{id}",
            ApiVerticle.PROPOSALS + "/{id}/merge",
            ApiVerticle.PROPOSALS + "/{id}/close",
            "/healthz",
            "/readyz",
            "/metrics",
            OpenApiDocument.PATH);
    assertThat(resources.served()).isNotEmpty();
    for (ServedResource served : resources.served().values()) {
      String base =
          "/apis/"
              + served.apiVersion()
              + "/namespaces/{namespace}/"
              + served.definition().plural();
      String kind = OpenApiDocument.schemaName(served.definition(), served.version());
      assertThat(paths.fieldNames())
          .contains(
              "/apis/" + served.apiVersion(), base, base + "/{name}", base + "/{name}/history");
      assertThat(
              paths
                  .getJsonObject(base + "/{name}/history")
                  .getJsonObject("get")
                  .getJsonObject("responses")
                  .getJsonObject("200")
                  .encode())
          .contains("#/components/schemas/ResourceHistory");

      JsonObject list = paths.getJsonObject(base).getJsonObject("get");
      assertThat(parameterNames(document, list)).containsAll(COLLECTION_PARAMETERS);
      JsonObject content =
          list.getJsonObject("responses").getJsonObject("200").getJsonObject("content");
      assertThat(content.fieldNames())
          .containsExactlyInAnyOrder(
              "application/x-ndjson", "application/json", "text/event-stream");
      assertThat(content.getJsonObject("application/json").encode())
          .contains(kind + "List", kind + "WatchEvent");
      assertThat(list.getJsonObject("responses").fieldNames())
          .contains("400", "404", "406", "410", "503", "504");

      JsonObject item = paths.getJsonObject(base + "/{name}");
      assertThat(item.fieldNames()).contains("get", "put", "patch", "delete");
      for (String method : List.of("put", "patch", "delete")) {
        JsonObject operation = item.getJsonObject(method);
        assertThat(parameterNames(document, operation)).contains("dryRun", "proposal");
        assertThat(operation.getJsonObject("responses").fieldNames())
            .contains("200", "202", "204", "400", "404", "409", "413", "415", "422", "503", "504");
        assertThat(operation.getJsonObject("responses").getJsonObject("202").encode())
            .contains("WriteResult");
      }
      assertThat(item.getJsonObject("put").getJsonObject("requestBody").encode())
          .contains("\"#/components/schemas/" + kind + "\"");
      assertThat(
              item.getJsonObject("patch")
                  .getJsonObject("requestBody")
                  .getJsonObject("content")
                  .fieldNames())
          .containsExactlyInAnyOrder("application/merge-patch+json", "application/json-patch+json");
      assertThat(item.getJsonObject("delete").getJsonObject("requestBody").encode())
          .contains("DeleteOptions");
    }

    // semantic rules the meta-schema cannot express
    Set<String> operationIds = new HashSet<>();
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      Set<String> templated = new HashSet<>();
      Matcher matcher = Pattern.compile("\\{([^}]+)}").matcher(path);
      while (matcher.find()) {
        templated.add(matcher.group(1));
      }
      for (String method : item.fieldNames()) {
        if (method.equals("parameters")) {
          continue;
        }
        JsonObject operation = item.getJsonObject(method);
        assertThat(operationIds.add(operation.getString("operationId")))
            .as("operationId %s is unique", operation.getString("operationId"))
            .isTrue();
        Set<String> inPath = new HashSet<>();
        for (JsonObject parameter : parameters(document, item, operation)) {
          if ("path".equals(parameter.getString("in"))) {
            inPath.add(parameter.getString("name"));
          }
        }
        assertThat(inPath).as("path parameters of %s %s", method, path).isEqualTo(templated);
      }
    }
  }

  private static void assertEveryReferenceResolves(JsonObject document) {
    assertThat(references(document)).isNotEmpty();
    assertThat(unresolvedReferences(document)).isEmpty();
  }

  private static List<String> unresolvedReferences(JsonObject document) {
    return references(document).stream()
        .filter(ref -> !ref.startsWith("#") || pointer(document, ref.substring(1)) == null)
        .distinct()
        .collect(Collectors.toList());
  }

  /** Every {@code $ref} of the document. */
  private static List<String> references(Object node) {
    List<String> refs = new ArrayList<>();
    if (node instanceof JsonObject object) {
      for (Map.Entry<String, Object> entry : object) {
        if (entry.getKey().equals("$ref") && entry.getValue() instanceof String ref) {
          refs.add(ref);
        } else {
          refs.addAll(references(entry.getValue()));
        }
      }
    } else if (node instanceof JsonArray array) {
      array.forEach(item -> refs.addAll(references(item)));
    }
    return refs;
  }

  /** RFC 6901 evaluation of a URI-fragment JSON Pointer; null when it names nothing. */
  private static Object pointer(JsonObject document, String fragment) {
    Object node = document;
    if (fragment.isEmpty()) {
      return node;
    }
    String decoded = URLDecoder.decode(fragment.replace("+", "%2B"), StandardCharsets.UTF_8);
    for (String raw : decoded.substring(1).split("/", -1)) {
      String token = raw.replace("~1", "/").replace("~0", "~");
      if (node instanceof JsonObject object && object.containsKey(token)) {
        node = object.getValue(token);
      } else if (node instanceof JsonArray array && token.matches("\\d+")) {
        int index = Integer.parseInt(token);
        if (index >= array.size()) {
          return null;
        }
        node = array.getValue(index);
      } else {
        return null;
      }
    }
    return node;
  }

  private static List<String> parameterNames(JsonObject document, JsonObject operation) {
    return parameters(document, new JsonObject(), operation).stream()
        .map(p -> p.getString("name"))
        .collect(Collectors.toList());
  }

  private static List<JsonObject> parameters(
      JsonObject document, JsonObject pathItem, JsonObject operation) {
    List<JsonObject> all = new ArrayList<>();
    for (JsonArray list :
        List.of(
            pathItem.getJsonArray("parameters", new JsonArray()),
            operation.getJsonArray("parameters", new JsonArray()))) {
      for (Object parameter : list) {
        JsonObject p = (JsonObject) parameter;
        all.add(
            p.containsKey("$ref")
                ? (JsonObject) pointer(document, p.getString("$ref").substring(1))
                : p);
      }
    }
    return all;
  }

  // ------------------------------------------------------------------ validators

  /** networknt against the OAS 3.1 schema-base meta-schema: structure and every Schema Object. */
  private static List<String> schemaBaseProblems(JsonObject document) {
    Set<ValidationMessage> problems =
        OAS_FACTORY.getSchema(SchemaLocation.of(SCHEMA_BASE)).validate(node(document));
    return problems.stream().map(ValidationMessage::getMessage).collect(Collectors.toList());
  }

  /**
   * Vert.x OpenAPI as {@code OpenAPIContract.from} does it: the OAS 3.1 meta-schema, then every
   * {@code $ref} dereferenced. (Building an {@code OpenAPIContract} would also refuse the media
   * types its request validator cannot parse, such as NDJSON: a limit of that validator, not of the
   * document.)
   */
  private static Future<Void> vertxAccepts(Vertx vertx, JsonObject document) {
    OpenAPIVersion version = OpenAPIVersion.fromContract(document);
    assertThat(version).isEqualTo(OpenAPIVersion.V3_1);
    return version
        .getRepository(vertx, "app://")
        .compose(
            (SchemaRepository repository) ->
                version
                    .validateContract(vertx, repository, document.copy())
                    .compose(
                        (OutputUnit result) -> {
                          try {
                            result.checkValidity();
                          } catch (JsonSchemaValidationException e) {
                            return Future.failedFuture(e);
                          }
                          return version.resolve(vertx, repository, document.copy());
                        }))
        .mapEmpty();
  }

  /** The component {@code name} as a schema, its references resolved inside the document. */
  private static JsonSchema componentSchema(JsonObject document, String name) {
    JsonObject wrapper =
        new JsonObject()
            .put("$schema", "https://json-schema.org/draft/2020-12/schema")
            .put("$ref", "#/components/schemas/" + name)
            .put("components", document.getJsonObject("components"));
    JsonSchema schema = JsonSchemaFactory.getInstance(VersionFlag.V202012).getSchema(node(wrapper));
    schema.initializeValidators();
    return schema;
  }

  private static JsonNode node(JsonObject json) {
    try {
      return JSON.readTree(json.encode());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonObject schema(JsonObject document, String name) {
    return document.getJsonObject("components").getJsonObject("schemas").getJsonObject(name);
  }

  private static JsonObject minimumX() {
    return new JsonObject().put("minimum", "x");
  }

  // ------------------------------------------------------------------ configurations

  /** The e2e fixture's resource configuration, written by its own code. */
  private Path e2eResources() throws Exception {
    Class<?> fixture = Class.forName("io.cup.e2e.Fixture");
    Method write = fixture.getDeclaredMethod("writeResources", Path.class);
    write.setAccessible(true);
    return (Path) write.invoke(null, dir.resolve("e2e"));
  }

  /**
   * Definitions in draft 4, 7, 2019-09 and 2020-12 with root ids, anchors, {@code definitions},
   * {@code $defs}, references with siblings, tuple items, dependencies and recursion.
   */
  private Path draftsConfiguration() throws IOException {
    Path config = dir.resolve("drafts");
    Files.createDirectories(config);
    String gadgetDraft4 =
        """
        {
          "$schema": "http://json-schema.org/draft-04/schema#",
          "id": "https://example.test/gadget-v4.json",
          "type": "object",
          "required": ["spec"],
          "properties": {
            "spec": {
              "type": "object",
              "required": ["size", "part"],
              "properties": {
                "size": {"type": "number", "minimum": 0, "exclusiveMinimum": true,
                         "maximum": 10, "exclusiveMaximum": false},
                "part": {"$ref": "#/definitions/part"},
                "spare": {"$ref": "https://example.test/gadget-v4.json#/definitions/part"},
                "wheel": {"$ref": "#wheel"},
                "pair": {"type": "array", "items": [{"type": "string"}, {"type": "integer"}],
                         "additionalItems": false},
                "billing": {"type": "object",
                            "dependencies": {"card": ["address"],
                                             "iban": {"required": ["bic"]}}}
              }
            }
          },
          "definitions": {
            "part": {"type": "object", "required": ["code"],
                     "properties": {"code": {"type": "string", "pattern": "^[A-Z]+$"}}},
            "wheel": {"id": "#wheel", "type": "integer", "minimum": 1}
          }
        }
        """;
    String gadgetDraft7 =
        gadgetDraft4
            .replace(
                "http://json-schema.org/draft-04/schema#",
                "http://json-schema.org/draft-07/schema#")
            .replace(
                "\"id\": \"https://example.test/gadget-v4.json\"",
                "\"$id\": \"https://example.test/gadget-v7.json\"")
            .replace("https://example.test/gadget-v4.json#", "https://example.test/gadget-v7.json#")
            .replace("\"id\": \"#wheel\"", "\"$id\": \"#wheel\"")
            .replace("\"exclusiveMinimum\": true", "\"exclusiveMinimum\": 0")
            .replace("\"minimum\": 0, ", "")
            .replace(", \"exclusiveMaximum\": false", "")
            .replace(
                "\"part\": {\"$ref\": \"#/definitions/part\"}",
                "\"part\": {\"$ref\": \"#/definitions/part\", \"type\": \"string\","
                    + " \"description\": \"siblings of $ref are ignored in draft 7\"}");
    String treeDraft2019 =
        """
        {
          "$schema": "https://json-schema.org/draft/2019-09/schema",
          "$recursiveAnchor": true,
          "type": "object",
          "properties": {
            "spec": {"$ref": "#/$defs/node"},
            "label": {"$ref": "#label"}
          },
          "$defs": {
            "node": {"type": "object", "required": ["value"],
                     "properties": {"value": {"type": "integer"},
                                    "children": {"type": "array",
                                                 "items": {"$ref": "#/$defs/node"}}}},
            "label": {"$anchor": "label", "type": "string", "maxLength": 5}
          }
        }
        """;
    String tree2020 =
        """
        {
          "$id": "https://example.test/tree.json",
          "type": "object",
          "properties": {
            "spec": {"$ref": "tree.json#/$defs/node"},
            "label": {"$ref": "#label"},
            "weird": {"$ref": "#/$defs/a~1b%25c"}
          },
          "$defs": {
            "node": {"type": "object", "required": ["value"],
                     "properties": {"value": {"type": "integer"},
                                    "children": {"type": "array",
                                                 "items": {"$ref": "#/$defs/node"}}}},
            "label": {"$anchor": "label", "type": "string", "maxLength": 5},
            "a/b%c": {"type": "boolean"}
          }
        }
        """;
    Files.writeString(
        config.resolve("gadgets.json"),
        definition("gadgets", "Gadget", Map.of("v4", gadgetDraft4, "v7", gadgetDraft7)));
    Files.writeString(
        config.resolve("trees.json"),
        definition("trees", "Tree", Map.of("v2019", treeDraft2019, "v2020", tree2020)));
    Files.writeString(config.resolve("controller.json"), ApiFixture.CONTROLLER);
    Files.writeString(
        config.resolve("binding.json"),
        """
        {"apiVersion": "cup.flipt.io/v1alpha1", "kind": "Binding",
         "metadata": {"name": "drafts"},
         "spec": {"controller": "template", "resources": [
           "drafts.cup.io/v4/gadgets", "drafts.cup.io/v7/gadgets",
           "drafts.cup.io/v2019/trees", "drafts.cup.io/v2020/trees"]}}
        """);
    return config;
  }

  private static String definition(String plural, String kind, Map<String, String> versions) {
    String singular = plural.substring(0, plural.length() - 1);
    String body =
        versions.entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .map(e -> "\"" + e.getKey() + "\": " + e.getValue())
            .collect(Collectors.joining(",\n"));
    return """
        {"apiVersion": "cup.flipt.io/v1alpha1", "kind": "ResourceDefinition",
         "metadata": {"name": "%s.drafts.cup.io"},
         "names": {"kind": "%s", "singular": "%s", "plural": "%s"},
         "spec": {"group": "drafts.cup.io", "versions": {%s}}}
        """
        .formatted(plural, kind, singular, plural, body);
  }

  private static List<JsonObject> gadgets() {
    JsonObject good =
        new JsonObject()
            .put("size", 5)
            .put("part", new JsonObject().put("code", "AB"))
            .put("spare", new JsonObject().put("code", "C"))
            .put("wheel", 2)
            .put("pair", new JsonArray().add("a").add(1))
            .put("billing", new JsonObject().put("card", "1").put("address", "x"));
    List<JsonObject> specs = new ArrayList<>();
    specs.add(good);
    specs.add(good.copy().put("size", 0)); // exclusive minimum
    specs.add(good.copy().put("size", 10)); // inclusive maximum
    specs.add(good.copy().put("part", new JsonObject().put("code", "lower")));
    specs.add(good.copy().put("spare", new JsonObject()));
    specs.add(good.copy().put("wheel", 0));
    specs.add(good.copy().put("pair", new JsonArray().add("a").add("b")));
    specs.add(good.copy().put("pair", new JsonArray().add("a").add(1).add(2)));
    specs.add(good.copy().put("billing", new JsonObject().put("card", "1")));
    specs.add(good.copy().put("billing", new JsonObject().put("iban", "1")));
    specs.add(good.copy().put("billing", new JsonObject().put("iban", "1").put("bic", "2")));
    return specs.stream()
        .map(spec -> new JsonObject().put("kind", "Gadget").put("spec", spec))
        .collect(Collectors.toList());
  }

  private static List<JsonObject> trees() {
    JsonObject leaf = new JsonObject().put("value", 1);
    JsonObject good =
        new JsonObject()
            .put("value", 0)
            .put("children", new JsonArray().add(leaf).add(new JsonObject().put("value", 2)));
    List<JsonObject> trees = new ArrayList<>();
    trees.add(new JsonObject().put("spec", good).put("label", "abc"));
    trees.add(new JsonObject().put("spec", good).put("label", "too long"));
    trees.add(
        new JsonObject()
            .put(
                "spec",
                good.copy()
                    .put(
                        "children",
                        new JsonArray().add(new JsonObject().put("value", "not a number")))));
    trees.add(new JsonObject().put("spec", new JsonObject()));
    trees.add(new JsonObject().put("spec", good).put("weird", true));
    trees.add(new JsonObject().put("spec", good).put("weird", 1));
    return trees.stream().map(t -> t.put("kind", "Tree")).collect(Collectors.toList());
  }
}
