package io.cup.api;

import static io.cup.testing.StatusAssert.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.cup.config.ResourceConfiguration;
import io.cup.config.ResourceConfigurationLoader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.json.schema.JsonSchemaValidationException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.openapi.contract.OpenAPIVersion;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI documents in Kubernetes' shape ({@link KubernetesOpenApi}) built from the demo
 * configuration, and how {@code /openapi/v3}, {@code /openapi/v3/apis/{g}/{v}}, {@code /openapi/v2}
 * and {@code /openapi/cup.json} serve them.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class KubernetesOpenApiTest {
  private static final String FLAG = "io.flipt.v1alpha1.Flag";
  private static final String FLAGS = "/apis/flipt.io/v1alpha1/namespaces/{namespace}/flags";

  @TempDir Path dir;

  private static KubernetesOpenApi demo() {
    ResourceConfiguration resources = ResourceConfigurationLoader.load(Path.of("conf/resources"));
    return KubernetesOpenApi.build(resources, OpenApiDocument.build(resources));
  }

  @Test
  void oneOpenApi30DocumentPerGroupVersionWithKindsAsKubernetesNamesThem(Vertx vertx)
      throws Exception {
    KubernetesOpenApi documents = demo();
    assertThat(documents.paths()).contains("apis/flipt.io/v1alpha1", "apis/cup.flipt.io/v1alpha1");

    JsonObject document = documents.openApiV3("apis/flipt.io/v1alpha1");
    assertThat(document.getString("openapi")).isEqualTo("3.0.0");
    JsonObject schemas = document.getJsonObject("components").getJsonObject("schemas");
    assertThat(schemas.fieldNames())
        .contains(
            FLAG,
            FLAG + "List",
            FLAG + ".metadata",
            FLAG + ".variant",
            "io.flipt.v1alpha1.Segment",
            KubernetesOpenApi.META + "Status",
            KubernetesOpenApi.META + "ListMeta");
    assertThat(schemas.getJsonObject(FLAG).getJsonArray("x-kubernetes-group-version-kind"))
        .containsExactly(gvk("flipt.io", "v1alpha1", "Flag"));
    assertThat(schemas.getJsonObject(FLAG + "List").getJsonArray("x-kubernetes-group-version-kind"))
        .containsExactly(gvk("flipt.io", "v1alpha1", "FlagList"));
    // the definition's descriptions are what kubectl explain prints
    assertThat(schemas.getJsonObject(FLAG).getString("description")).contains("feature flag");
    // 2020-12 keywords OpenAPI 3.0 lacks are translated or gone
    JsonObject properties = schemas.getJsonObject(FLAG).getJsonObject("properties");
    assertThat(properties.getJsonObject("kind").getJsonArray("enum")).containsExactly("Flag");
    assertThat(properties.getJsonObject("metadata").getString("$ref"))
        .isEqualTo("#/components/schemas/" + FLAG + ".metadata");
    assertThat(document.encode()).doesNotContain("\"$defs\"", "\"$schema\"", "\"const\"");
    assertThat(unresolved(document)).isEmpty();

    JsonObject paths = document.getJsonObject("paths");
    assertThat(paths.fieldNames())
        .contains(FLAGS, FLAGS + "/{name}", "/apis/flipt.io/v1alpha1/flags");
    Map<String, String> actions =
        Map.of("get", "get", "put", "put", "patch", "patch", "delete", "delete");
    actions.forEach(
        (method, action) -> {
          JsonObject operation = paths.getJsonObject(FLAGS + "/{name}").getJsonObject(method);
          assertThat(operation.getString("x-kubernetes-action")).isEqualTo(action);
          assertThat(operation.getJsonObject("x-kubernetes-group-version-kind"))
              .isEqualTo(gvk("flipt.io", "v1alpha1", "Flag"));
        });
    assertThat(paths.getJsonObject(FLAGS).getJsonObject("post").getString("x-kubernetes-action"))
        .isEqualTo("post");
    assertThat(paths.getJsonObject(FLAGS).getJsonObject("get").getString("x-kubernetes-action"))
        .isEqualTo("list");
    // kubectl looks for fieldValidation among the PATCH operation's own parameters
    assertThat(names(paths.getJsonObject(FLAGS + "/{name}").getJsonObject("patch")))
        .contains("fieldValidation", "dryRun", "fieldManager", "force");
    assertThat(names(paths.getJsonObject(FLAGS + "/{name}").getJsonObject("put")))
        .contains("fieldValidation", "dryRun", "fieldManager");
    assertThat(names(paths.getJsonObject(FLAGS).getJsonObject("post")))
        .contains("fieldValidation", "dryRun", "fieldManager");

    JsonObject history = paths.getJsonObject(FLAGS + "/{name}/history").getJsonObject("get");
    assertThat(history.getString("x-kubernetes-action")).isEqualTo("get");
    assertThat(names(history)).contains("limit", "continue");
    assertThat(history.encode())
        .contains("#/components/schemas/io.flipt.cup.v1alpha1.ResourceHistory");
    assertThat(schemas.fieldNames())
        .contains(
            "io.flipt.cup.v1alpha1.ResourceHistory", "io.flipt.cup.v1alpha1.ResourceHistoryEntry");

    JsonObject proposals = documents.openApiV3("apis/cup.flipt.io/v1alpha1");
    assertThat(
            proposals
                .getJsonObject("components")
                .getJsonObject("schemas")
                .getJsonObject("io.flipt.cup.v1alpha1.Proposal")
                .getJsonArray("x-kubernetes-group-version-kind"))
        .containsExactly(gvk("cup.flipt.io", "v1alpha1", "Proposal"));
    assertThat(unresolved(proposals)).isEmpty();

    for (String path : documents.paths()) {
      oas30Accepts(vertx, documents.openApiV3(path)).await(1, TimeUnit.MINUTES);
    }
  }

  @Test
  void theMetaSchemasComeInOneOrderOnEveryRun() throws Exception {
    // the order once came from a Map.of, which changes from one JVM to the next (and with it the
    // documents' hashes, which two nodes must agree on)
    JsonObject schemas =
        demo()
            .openApiV3("apis/flipt.io/v1alpha1")
            .getJsonObject("components")
            .getJsonObject("schemas");
    List<String> meta =
        schemas.fieldNames().stream().filter(n -> n.startsWith(KubernetesOpenApi.META)).toList();
    assertThat(meta)
        .containsSubsequence(
            KubernetesOpenApi.META + "Status",
            KubernetesOpenApi.META + "StatusCause",
            KubernetesOpenApi.META + "ListMeta",
            KubernetesOpenApi.META + "DeleteOptions");
  }

  @Test
  void swagger20DocumentOfEverything() throws Exception {
    JsonObject swagger = demo().swagger();
    assertThat(swagger.getString("swagger")).isEqualTo("2.0");
    JsonObject definitions = swagger.getJsonObject("definitions");
    assertThat(definitions.getJsonObject(FLAG).getJsonArray("x-kubernetes-group-version-kind"))
        .containsExactly(gvk("flipt.io", "v1alpha1", "Flag"));
    assertThat(definitions.getJsonObject(FLAG).getJsonObject("properties").encode())
        .contains("#/definitions/" + FLAG + ".metadata");
    JsonObject patch =
        swagger.getJsonObject("paths").getJsonObject(FLAGS + "/{name}").getJsonObject("patch");
    assertThat(names(patch)).contains("fieldValidation", "body");
    assertThat(patch.getJsonObject("x-kubernetes-group-version-kind"))
        .isEqualTo(gvk("flipt.io", "v1alpha1", "Flag"));
    assertThat(swagger.encode()).doesNotContain("#/components/", "\"anyOf\"", "\"oneOf\"");
    assertThat(unresolved(swagger)).isEmpty();
  }

  @Test
  void servedWithIndexHashesAndCaching(Vertx vertx) throws Exception {
    Path config = ApiFixture.writeConfiguration(dir);
    ApiFixture.Deployed api = ApiFixture.deploy(vertx, config, new FakeBackend());

    HttpResponse<Buffer> index =
        send(api.get("/openapi/v3").putHeader("Accept", "application/json"));
    assertThat(index.statusCode()).isEqualTo(200);
    JsonObject entry =
        index.bodyAsJsonObject().getJsonObject("paths").getJsonObject("apis/test.cup.io/v1");
    String url = entry.getString("serverRelativeURL");
    assertThat(url).matches("/openapi/v3/apis/test\\.cup\\.io/v1\\?hash=[0-9A-F]{128}");
    String hash = url.substring(url.indexOf("hash=") + 5);

    HttpResponse<Buffer> pinned = send(api.get(url).putHeader("Accept", "application/json"));
    assertThat(pinned.statusCode()).isEqualTo(200);
    assertThat(pinned.getHeader("ETag")).isEqualTo("\"" + hash + "\"");
    assertThat(pinned.getHeader("Cache-Control")).isEqualTo("public, immutable");
    assertThat(pinned.bodyAsJsonObject().getString("openapi")).isEqualTo("3.0.0");

    HttpResponse<Buffer> plain = send(api.get("/openapi/v3/apis/test.cup.io/v1"));
    assertThat(plain.statusCode()).isEqualTo(200);
    assertThat(plain.getHeader("Cache-Control")).isEqualTo("no-cache, private");
    HttpResponse<Buffer> held =
        send(
            api.get("/openapi/v3/apis/test.cup.io/v1")
                .putHeader("If-None-Match", "\"" + hash + "\""));
    assertThat(held.statusCode()).isEqualTo(304);
    HttpResponse<Buffer> stale =
        send(api.get("/openapi/v3/apis/test.cup.io/v1?hash=0123").followRedirects(false));
    assertThat(stale.statusCode()).isEqualTo(301);
    assertThat(stale.getHeader("Location")).isEqualTo(url);

    assertStatus(send(api.get("/openapi/v3/apis/nothing.cup.io/v1")), 404, "NotFound");

    HttpResponse<Buffer> v2 = send(api.get("/openapi/v2").putHeader("Accept", "application/json"));
    assertThat(v2.statusCode()).isEqualTo(200);
    assertThat(v2.bodyAsJsonObject().getJsonObject("definitions").fieldNames())
        .contains("io.cup.test.v1.Widget");
    HttpResponse<Buffer> protobuf =
        send(
            api.get("/openapi/v2")
                .putHeader("Accept", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"));
    assertThat(protobuf.statusCode()).isEqualTo(200);
    assertThat(protobuf.getHeader("Content-Type")).isEqualTo("application/octet-stream");
    assertThat(OpenApiV2ProtobufTest.decode(protobuf.body().getBytes()))
        .first()
        .satisfies(field -> assertThat(field.string()).isEqualTo("2.0"));

    HttpResponse<Buffer> cup = send(api.get("/openapi/cup.json"));
    assertThat(cup.statusCode()).isEqualTo(200);
    assertThat(cup.bodyAsJsonObject().getString("openapi")).isEqualTo("3.1.0");
  }

  // ------------------------------------------------------------------ helpers

  private static HttpResponse<Buffer> send(io.vertx.ext.web.client.HttpRequest<Buffer> request)
      throws Exception {
    return request.send().await(1, TimeUnit.MINUTES);
  }

  private static JsonObject gvk(String group, String version, String kind) {
    return new JsonObject().put("group", group).put("kind", kind).put("version", version);
  }

  private static List<String> names(JsonObject operation) {
    List<String> names = new ArrayList<>();
    for (Object parameter : operation.getJsonArray("parameters")) {
      names.add(((JsonObject) parameter).getString("name"));
    }
    return names;
  }

  /** Every {@code $ref} that names nothing in the document. */
  private static List<String> unresolved(JsonObject document) {
    List<String> refs = new ArrayList<>();
    collect(document, refs);
    assertThat(refs).isNotEmpty();
    return refs.stream().filter(ref -> pointer(document, ref) == null).distinct().toList();
  }

  private static void collect(Object node, List<String> refs) {
    if (node instanceof JsonObject object) {
      object.forEach(
          entry -> {
            if (entry.getKey().equals("$ref") && entry.getValue() instanceof String ref) {
              refs.add(ref);
            } else {
              collect(entry.getValue(), refs);
            }
          });
    } else if (node instanceof JsonArray array) {
      array.forEach(item -> collect(item, refs));
    }
  }

  private static Object pointer(JsonObject document, String ref) {
    if (!ref.startsWith("#/")) {
      return null;
    }
    Object node = document;
    String decoded =
        URLDecoder.decode(ref.substring(2).replace("+", "%2B"), StandardCharsets.UTF_8);
    for (String raw : decoded.split("/", -1)) {
      String token = raw.replace("~1", "/").replace("~0", "~");
      if (!(node instanceof JsonObject object) || !object.containsKey(token)) {
        return null;
      }
      node = object.getValue(token);
    }
    return node;
  }

  /** Vert.x OpenAPI: the OAS 3.0 meta-schema, then every {@code $ref} dereferenced. */
  private static Future<Void> oas30Accepts(Vertx vertx, JsonObject document) {
    OpenAPIVersion version = OpenAPIVersion.fromContract(document);
    assertThat(version).isEqualTo(OpenAPIVersion.V3_0);
    return version
        .getRepository(vertx, "app://")
        .compose(
            repository ->
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
}
