package io.cup.api;

import io.cup.config.CupVersion;
import io.cup.config.ResourceConfiguration;
import io.cup.config.ResourceDefinition;
import io.cup.config.ServedResource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The OpenAPI 3.1 document of the HTTP API ({@code GET /openapi/cup.json}), for code generators:
 * the part no configuration changes (the definitions route, the built-in proposal, review and
 * webhook routes, health, readiness, metrics, this document, the API's own objects, parameters and
 * error responses) is {@code openapi/cup-base.json}, read once; this class adds what the loaded
 * resource configuration serves: discovery of each group version, and list/watch, get, put, patch
 * and delete of every served kind with its schemas and tag.
 *
 * <p>Every definition version's JSON Schema is a component named {@code <group>.<version>.<Kind>}
 * (rewritten by {@link DefinitionSchemas} so that it is a plain 2020-12 subschema of this document
 * whose references resolve here); next to it {@code <group>.<version>.<Kind>List} and {@code
 * <group>.<version>.<Kind>WatchEvent}. The API's own objects ({@code Status}, {@code Proposal},
 * {@code DeleteOptions}, ...) have one-word names, which no definition component can take (a group
 * is never empty, so those names have at least three dot-separated parts).
 *
 * <p>Streams (NDJSON lists and watches, server-sent events) are described by the schema of one line
 * or one event's data, as OpenAPI 3.1 has no way to say "a sequence of".
 */
final class OpenApiDocument {
  static final String PATH = "/openapi/cup.json";

  /** The fixed part of the document, on the class path. */
  static final String BASE_RESOURCE = "/openapi/cup-base.json";

  private static final String SCHEMAS = "#/components/schemas/";
  private static final String PARAMETERS = "#/components/parameters/";
  private static final String RESPONSES = "#/components/responses/";

  /** The fixed part of the document, read once; every document starts from a copy. */
  private static final JsonObject BASE = readBase();

  /**
   * The component of {@code components.responses} (described in the fixed part) for each failure
   * code; {@code default} for any other failure.
   */
  private static final Map<String, String> FAILURES =
      Map.ofEntries(
          Map.entry("400", "BadRequest"),
          Map.entry("401", "Unauthorized"),
          Map.entry("403", "Forbidden"),
          Map.entry("404", "NotFound"),
          Map.entry("406", "NotAcceptable"),
          Map.entry("409", "Conflict"),
          Map.entry("410", "Expired"),
          Map.entry("413", "RequestEntityTooLarge"),
          Map.entry("415", "UnsupportedMediaType"),
          Map.entry("422", "Invalid"),
          Map.entry("502", "BadGateway"),
          Map.entry("503", "ServiceUnavailable"),
          Map.entry("504", "Timeout"),
          Map.entry("default", "Error"));

  private final ResourceConfiguration resources;
  private final JsonObject schemas = new JsonObject();
  private final Set<String> operationIds = new HashSet<>();
  private final Map<String, String> listSchemas = new HashMap<>();
  private final Map<String, String> eventSchemas = new HashMap<>();

  private OpenApiDocument(ResourceConfiguration resources) {
    this.resources = resources;
  }

  /** The document for {@code resources}. */
  static JsonObject build(ResourceConfiguration resources) {
    return new OpenApiDocument(resources).document();
  }

  /** {@code <group>.<version>.<Kind>}: the component of a definition version's schema. */
  static String schemaName(ResourceDefinition definition, String version) {
    return definition.group() + "." + version + "." + definition.kind();
  }

  /**
   * The fixed part with the configuration's added, in this order: {@code /apis}, the discovery of
   * each group version and the paths of each served kind before the fixed routes; each served
   * kind's tag after the discovery tag; the definitions' schemas before the API's own objects, the
   * lists and watch events after them.
   */
  private JsonObject document() {
    JsonObject base = BASE.copy();
    JsonObject fixedPaths = base.getJsonObject("paths");
    JsonObject components = base.getJsonObject("components");
    // the fixed operations keep their ids: a served kind's that spells one gets a number
    for (String path : fixedPaths.fieldNames()) {
      for (Map.Entry<String, Object> entry : fixedPaths.getJsonObject(path)) {
        if (entry.getValue() instanceof JsonObject operation
            && operation.getString("operationId") != null) {
          operationIds.add(operation.getString("operationId"));
        }
      }
    }

    for (ResourceDefinition definition : resources.definitions()) {
      for (Map.Entry<String, JsonObject> version : definition.versions().entrySet()) {
        String name = schemaName(definition, version.getKey());
        schemas.put(name, DefinitionSchemas.component(SCHEMAS + name, version.getValue()));
      }
    }
    schemas.mergeIn(components.getJsonObject("schemas"));
    List<ServedResource> served = new ArrayList<>(resources.served().values());
    served.sort(Comparator.comparing(ServedResource::key));
    for (ServedResource resource : served) {
      servedSchemas(resource);
    }

    JsonObject paths = new JsonObject();
    paths.put("/apis", fixedPaths.remove("/apis"));
    for (String groupVersion : groupVersions(served)) {
      paths.put("/apis/" + groupVersion, discoveryPath(groupVersion));
    }
    JsonArray servedTags = new JsonArray();
    for (ServedResource resource : served) {
      String tag = resource.key();
      servedTags.add(
          tag(
              tag,
              resource.definition().kind()
                  + " resources ("
                  + resource.apiVersion()
                  + ") in namespaces"));
      String collection =
          "/apis/" + resource.apiVersion() + "/namespaces/{namespace}/" + plural(resource);
      paths.put(collection, collectionPath(resource, tag));
      paths.put(collection + "/{name}", itemPath(resource, tag));
      paths.put(collection + "/{name}/history", historyPath(resource, tag));
    }
    paths.mergeIn(fixedPaths);
    JsonArray tags = new JsonArray();
    for (Object tag : base.getJsonArray("tags")) {
      tags.add(tag);
      if ("discovery".equals(((JsonObject) tag).getString("name"))) {
        tags.addAll(servedTags);
      }
    }

    return new JsonObject()
        .put("openapi", base.getString("openapi"))
        .put("info", base.getJsonObject("info").put("version", version()))
        .put("tags", tags)
        .put("security", base.getJsonArray("security"))
        .put("paths", paths)
        .put("components", components.put("schemas", schemas));
  }

  private static JsonObject readBase() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(BASE_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(BASE_RESOURCE + " is missing from the class path");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + BASE_RESOURCE, e);
    }
  }

  // ------------------------------------------------------------------ paths

  private JsonObject discoveryPath(String groupVersion) {
    return new JsonObject()
        .put(
            "get",
            operation(
                    "getAPIResources" + identifier(groupVersion),
                    "discovery",
                    "The kinds served in " + groupVersion)
                .put(
                    "responses",
                    withFailures(
                        json(200, "The kinds and their verbs", ref("APIResourceList")), 406)));
  }

  private JsonObject collectionPath(ServedResource resource, String tag) {
    String kind = resource.definition().kind();
    String resourceSchema = schemaName(resource.definition(), resource.version());
    String list = listSchemas.get(resource.key());
    String event = eventSchemas.get(resource.key());
    JsonObject ok =
        new JsonObject()
            .put(
                "description",
                "Without watch: the "
                    + kind
                    + " resources, one JSON object per line (NDJSON, the default) or, with"
                    + " Accept: application/json, a "
                    + kind
                    + "List. With watch=true: a stream of watch events, one JSON object per"
                    + " line (Content-Type as accepted), or server-sent events with Accept:"
                    + " text/event-stream (id: the resourceVersion, event: the type, data: the"
                    + " event).")
            .put(
                "headers",
                new JsonObject()
                    .put(
                        ResourceReads.CONTINUE_HEADER,
                        new JsonObject()
                            .put(
                                "description",
                                "On an NDJSON page that is not the last: the continue token of"
                                    + " the next page.")
                            .put("schema", string())))
            .put(
                "content",
                new JsonObject()
                    .put(MediaTypes.NDJSON, schema(anyOf(ref(resourceSchema), ref(event))))
                    .put(MediaTypes.JSON, schema(anyOf(ref(list), ref(event))))
                    .put(
                        MediaTypes.EVENT_STREAM,
                        schema(
                            string()
                                .put(
                                    "description",
                                    "Server-sent events; the data of each is a " + event))));
    JsonObject get =
        operation(
                "list" + identifier(resource.apiVersion()) + "Namespaced" + kind,
                tag,
                "List or watch " + kind + " resources in a namespace")
            .put(
                "parameters",
                params(
                    "labelSelector",
                    "fieldSelector",
                    "limit",
                    "continue",
                    "revision",
                    "watch",
                    "resourceVersion",
                    "timeoutSeconds"))
            .put(
                "responses",
                withFailures(new JsonObject().put("200", ok), 400, 404, 406, 410, 503, 504));
    return new JsonObject().put("parameters", params("namespace")).put("get", get);
  }

  private JsonObject itemPath(ServedResource resource, String tag) {
    String kind = resource.definition().kind();
    String name = schemaName(resource.definition(), resource.version());
    String suffix = identifier(resource.apiVersion()) + "Namespaced" + kind;

    JsonObject read =
        operation("read" + suffix, tag, "Read a " + kind)
            .put("parameters", params("revision"))
            .put(
                "responses",
                withFailures(
                    new JsonObject()
                        .put(
                            "200",
                            new JsonObject()
                                .put(
                                    "description",
                                    "The resource; metadata.resourceVersion is the commit (or"
                                        + " content hash) it was read at")
                                .put(
                                    "content",
                                    new JsonObject()
                                        .put(MediaTypes.JSON, schema(ref(name)))
                                        .put(MediaTypes.NDJSON, schema(ref(name))))),
                    400,
                    404,
                    406,
                    503,
                    504));

    JsonObject replace =
        operation("replace" + suffix, tag, "Create or replace a " + kind)
            .put(
                "description",
                "Validates the body against the definition's schema and opens a proposal (or,"
                    + " with proposal=<id>, adds a commit to that open proposal). With"
                    + " metadata.resourceVersion set the write is refused (409) if the resource"
                    + " changed since.")
            .put("parameters", params("dryRun", "proposal"))
            .put(
                "requestBody",
                new JsonObject()
                    .put("required", true)
                    .put("content", new JsonObject().put(MediaTypes.JSON, schema(ref(name)))))
            .put("responses", writeResponses(name, 404));

    JsonObject patch =
        operation("patch" + suffix, tag, "Patch a " + kind)
            .put(
                "description",
                "Applies a JSON merge patch (RFC 7386) or a JSON patch (RFC 6902) to the"
                    + " resource, then goes on as a replace.")
            .put("parameters", params("dryRun", "proposal"))
            .put(
                "requestBody",
                new JsonObject()
                    .put("required", true)
                    .put(
                        "content",
                        new JsonObject()
                            .put(MediaTypes.MERGE_PATCH, schema(ref("MergePatch")))
                            .put(MediaTypes.JSON_PATCH, schema(ref("JsonPatch")))))
            .put("responses", writeResponses(name, 404));

    JsonObject delete =
        operation("delete" + suffix, tag, "Delete a " + kind)
            .put("parameters", params("dryRun", "proposal"))
            .put(
                "requestBody",
                new JsonObject()
                    .put("required", false)
                    .put(
                        "content",
                        new JsonObject().put(MediaTypes.JSON, schema(ref("DeleteOptions")))))
            .put("responses", writeResponses(name, 404));

    return new JsonObject()
        .put("parameters", params("namespace", "name"))
        .put("get", read)
        .put("put", replace)
        .put("patch", patch)
        .put("delete", delete);
  }

  /** {@code …/{name}/history}: the commits that changed one resource. */
  private JsonObject historyPath(ServedResource resource, String tag) {
    String kind = resource.definition().kind();
    String suffix = identifier(resource.apiVersion()) + "Namespaced" + kind + "History";
    JsonObject read =
        operation("read" + suffix, tag, "Read the history of a " + kind)
            .put(
                "description",
                "The commits of the tracked branch that changed the resource, newest first, paged"
                    + " with limit (default 20, at most 500) and continue. RBAC: verb get on the"
                    + " subresource "
                    + plural(resource)
                    + "/history. 404 for a resource that never existed and for a local directory"
                    + " source (no history).")
            .put("parameters", params("limit", "continue"))
            .put(
                "responses",
                withFailures(
                    json(
                        200,
                        "One page of the history; metadata.continue names the next",
                        ref("ResourceHistory")),
                    400,
                    404,
                    406,
                    410,
                    503,
                    504));
    return new JsonObject().put("parameters", params("namespace", "name")).put("get", read);
  }

  /** The answers of PUT, PATCH and DELETE. */
  private JsonObject writeResponses(String resourceSchema, int... extra) {
    JsonObject responses =
        new JsonObject()
            .put(
                "200",
                new JsonObject()
                    .put(
                        "description",
                        "dryRun=All: the resource after the write (for a delete, as it was),"
                            + " with the unified diff of the files in"
                            + " metadata.annotations[\"cup.flipt.io/dry-run-diff\"]; with Accept:"
                            + " text/x-diff only that diff. Nothing is proposed.")
                    .put(
                        "content",
                        new JsonObject()
                            .put(MediaTypes.JSON, schema(ref(resourceSchema)))
                            .put(MediaTypes.DIFF, schema(string()))))
            .put("202", response("The proposal the write opened or added to", ref("WriteResult")))
            .put(
                "204",
                new JsonObject().put("description", "Nothing to change: the state already holds"));
    int[] codes = {400, 406, 409, 413, 415, 422, 503, 504};
    int[] all = new int[codes.length + extra.length];
    System.arraycopy(codes, 0, all, 0, codes.length);
    System.arraycopy(extra, 0, all, codes.length, extra.length);
    return withFailures(responses, all);
  }

  /**
   * {@code <Kind>List} and the watch event of a served kind, named after its schema; with a number
   * added in the odd case that a definition of the same group has a kind spelled that way.
   */
  private void servedSchemas(ServedResource resource) {
    String name = schemaName(resource.definition(), resource.version());
    String kind = resource.definition().kind();
    String list = uniqueSchema(name + "List");
    listSchemas.put(resource.key(), list);
    String event = uniqueSchema(name + "WatchEvent");
    eventSchemas.put(resource.key(), event);
    schemas.put(
        list,
        object("A list of " + kind + " resources", "apiVersion", "kind", "metadata", "items")
            .put(
                "properties",
                new JsonObject()
                    .put("apiVersion", constant(resource.apiVersion()))
                    .put("kind", constant(kind + "List"))
                    .put("metadata", ref("ListMeta"))
                    .put("items", array(ref(name)))));
    JsonObject change =
        object("A change of a " + kind, "type", "object")
            .put(
                "properties",
                new JsonObject()
                    .put(
                        "type",
                        new JsonObject()
                            .put("enum", new JsonArray(List.of("ADDED", "MODIFIED", "DELETED"))))
                    .put("object", ref(name)));
    JsonObject bookmark =
        object("The stream is current up to object.metadata.resourceVersion", "type", "object")
            .put(
                "properties",
                new JsonObject()
                    .put("type", constant("BOOKMARK"))
                    .put(
                        "object",
                        object(null, "apiVersion", "kind", "metadata")
                            .put(
                                "properties",
                                new JsonObject()
                                    .put("apiVersion", constant(resource.apiVersion()))
                                    .put("kind", constant(kind))
                                    .put(
                                        "metadata",
                                        object(null, "resourceVersion")
                                            .put("properties", props("resourceVersion"))))));
    schemas.put(
        event,
        new JsonObject()
            .put("description", "One event of a watch of " + kind + " resources")
            .put("oneOf", new JsonArray().add(change).add(bookmark)));
  }

  // ------------------------------------------------------------------ helpers

  /**
   * {@code responses} with the failures of {@code codes}, the default, and 401 and 403: every
   * operation built here is authenticated and authorized.
   */
  private static JsonObject withFailures(JsonObject responses, int... codes) {
    for (int code : codes) {
      responses.put(
          Integer.toString(code),
          new JsonObject().put("$ref", RESPONSES + FAILURES.get(Integer.toString(code))));
    }
    responses.put("default", new JsonObject().put("$ref", RESPONSES + FAILURES.get("default")));
    for (int code : new int[] {401, 403}) {
      responses.put(
          Integer.toString(code),
          new JsonObject().put("$ref", RESPONSES + FAILURES.get(Integer.toString(code))));
    }
    return responses;
  }

  /** Responses holding one: {@code code} with a JSON body. */
  private static JsonObject json(int code, String description, JsonObject schema) {
    return new JsonObject().put(Integer.toString(code), response(description, schema));
  }

  private static JsonObject response(String description, JsonObject schema) {
    return new JsonObject()
        .put("description", description)
        .put("content", new JsonObject().put(MediaTypes.JSON, schema(schema)));
  }

  /** An operation; its id gets a number when another kind (or group) already spells it. */
  private JsonObject operation(String id, String tag, String summary) {
    String unique = id;
    for (int n = 2; !operationIds.add(unique); n++) {
      unique = id + n;
    }
    return new JsonObject()
        .put("operationId", unique)
        .put("tags", new JsonArray().add(tag))
        .put("summary", summary);
  }

  private String uniqueSchema(String name) {
    String candidate = name;
    for (int n = 2; schemas.containsKey(candidate); n++) {
      candidate = name + n;
    }
    return candidate;
  }

  /** {@code flipt.io/v1alpha1} → {@code FliptIoV1alpha1}. */
  static String identifier(String text) {
    StringBuilder out = new StringBuilder();
    for (String part : text.split("[^A-Za-z0-9]+")) {
      if (!part.isEmpty()) {
        out.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
      }
    }
    return out.toString();
  }

  private static List<String> groupVersions(List<ServedResource> served) {
    Set<String> all = new TreeSet<>();
    all.add(ProposalView.API_VERSION);
    for (ServedResource resource : served) {
      all.add(resource.apiVersion());
    }
    return List.copyOf(all);
  }

  private static String plural(ServedResource resource) {
    return resource.definition().plural();
  }

  private static JsonArray params(String... names) {
    JsonArray refs = new JsonArray();
    for (String name : names) {
      refs.add(new JsonObject().put("$ref", PARAMETERS + name));
    }
    return refs;
  }

  private static JsonObject tag(String name, String description) {
    return new JsonObject().put("name", name).put("description", description);
  }

  private static JsonObject ref(String schema) {
    return new JsonObject().put("$ref", SCHEMAS + schema);
  }

  private static JsonObject schema(JsonObject schema) {
    return new JsonObject().put("schema", schema);
  }

  private static JsonObject anyOf(JsonObject... schemas) {
    JsonArray all = new JsonArray();
    for (JsonObject schema : schemas) {
      all.add(schema);
    }
    return new JsonObject().put("anyOf", all);
  }

  private static JsonObject string() {
    return new JsonObject().put("type", "string");
  }

  private static JsonObject constant(String value) {
    return new JsonObject().put("const", value);
  }

  private static JsonObject array(JsonObject items) {
    return new JsonObject().put("type", "array").put("items", items);
  }

  private static JsonObject object(String description, String... required) {
    JsonObject object = new JsonObject().put("type", "object");
    if (description != null) {
      object.put("description", description);
    }
    if (required.length > 0) {
      object.put("required", new JsonArray(List.of((Object[]) required)));
    }
    return object;
  }

  private static JsonObject props(String... names) {
    JsonObject properties = new JsonObject();
    for (String name : names) {
      properties.put(name, string());
    }
    return properties;
  }

  private static String version() {
    return CupVersion.current();
  }
}
