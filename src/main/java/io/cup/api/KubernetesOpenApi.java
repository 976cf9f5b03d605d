package io.cup.api;

import io.cup.api.KubernetesSchemas.Dialect;
import io.cup.config.ResourceConfiguration;
import io.cup.config.ServedResource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The OpenAPI documents in Kubernetes' shape, built from the loaded resource configuration: one
 * OpenAPI 3.0 document per served group/version ({@code /openapi/v3/apis/{g}/{v}}) and one Swagger
 * 2.0 document of everything ({@code /openapi/v2}). kubectl and the client libraries read them to
 * explain kinds, and to learn that the server checks fields itself: a PATCH operation of the kind
 * that declares {@code fieldValidation} makes kubectl send {@code fieldValidation=Strict} instead
 * of validating on the client.
 *
 * <p>As Kubernetes names them: a kind's schema is {@code <reversed group>.<version>.<Kind>} ({@code
 * io.flipt.v1alpha1.Flag}) with {@code x-kubernetes-group-version-kind} (a list on schemas, one
 * object on operations), the list kind {@code ...FlagList}, the API machinery's objects {@code
 * io.k8s.apimachinery.pkg.apis.meta.v1.<Kind>}; every operation carries {@code
 * x-kubernetes-action}. The built-in proposals are the group {@code cup.flipt.io/v1alpha1}.
 */
final class KubernetesOpenApi {
  static final String OPENAPI = "3.0.0";
  static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";

  /** The server's own schemas (of the OpenAPI 3.1 document) these documents carry, renamed. */
  private static final Map<String, String> META_SCHEMAS =
      renamedInOrder("Status", "StatusCause", "ListMeta", "DeleteOptions");

  private static final String PATCH = META + "Patch";

  /**
   * {@code names} mapped to their meta/v1 names, in this order: the documents list them so on every
   * node and every run (a {@code Map.of} iterates in an order that changes from one JVM to the
   * next, and with it the documents' hashes).
   */
  private static Map<String, String> renamedInOrder(String... names) {
    Map<String, String> renamed = new LinkedHashMap<>();
    for (String name : names) {
      renamed.put(name, META + name);
    }
    return Collections.unmodifiableMap(renamed);
  }

  /** How the server's own OpenAPI 3.1 document refers to its components. */
  private static final String OWN = "#/components/schemas/";

  /** One query, path or body parameter. */
  private record Param(String name, String in, String type, String description) {}

  /** One operation, in neither dialect yet. */
  private record Operation(
      String method,
      String action,
      String id,
      String description,
      List<Param> parameters,
      List<String> consumes,
      String body,
      Map<String, String> responses,
      String group,
      String version,
      String kind) {}

  /** The operations under one path, with the parameters they share. */
  private record PathItem(String path, List<Param> parameters, List<Operation> operations) {}

  /** What one group/version document holds. */
  private static final class GroupVersion {
    final String group;
    final String version;
    final Map<String, JsonObject> schemas = new LinkedHashMap<>(); // 3.0 components
    final Map<String, JsonObject> schemas2 = new LinkedHashMap<>(); // 2.0 definitions
    final List<PathItem> paths = new ArrayList<>();

    GroupVersion(String group, String version) {
      this.group = group;
      this.version = version;
    }
  }

  private static final Param NAMESPACE =
      new Param("namespace", "path", "string", "object name and auth scope, such as for teams");
  private static final Param NAME = new Param("name", "path", "string", "name of the resource");
  private static final Param PRETTY =
      new Param("pretty", "query", "string", "Accepted and ignored: answers are compact JSON.");
  private static final List<Param> LIST =
      List.of(
          new Param("labelSelector", "query", "string", "Only resources whose labels match."),
          new Param(
              "fieldSelector",
              "query",
              "string",
              "Only resources whose metadata.name or metadata.namespace match."),
          new Param("limit", "query", "integer", "At most this many items per page."),
          new Param("continue", "query", "string", "The token of the previous page."),
          new Param("watch", "query", "boolean", "Stream changes instead of listing."),
          new Param(
              "resourceVersion", "query", "string", "With watch: the changes since this commit."),
          new Param(
              "timeoutSeconds", "query", "integer", "With watch: end the stream after this long."),
          new Param(
              "allowWatchBookmarks",
              "query",
              "boolean",
              "Accepted: watches send BOOKMARK events."));
  private static final List<Param> HISTORY =
      List.of(
          new Param("limit", "query", "integer", "At most this many commits per page (20; 500)."),
          new Param("continue", "query", "string", "The token of the previous page."));
  private static final Param DRY_RUN =
      new Param(
          "dryRun",
          "query",
          "string",
          "All: answer what the write would leave, propose nothing. The only value allowed.");
  private static final Param PROPOSAL =
      new Param(
          "proposal",
          "query",
          "string",
          "Cup: add the change as one more commit to this open proposal.");
  private static final Param FIELD_MANAGER =
      new Param(
          "fieldManager",
          "query",
          "string",
          "The name of the actor making the change (server-side apply's field owner).");
  private static final Param FIELD_VALIDATION =
      new Param(
          "fieldValidation",
          "query",
          "string",
          "What to do with fields of the body the kind's schema does not declare, and with"
              + " duplicate fields: Ignore (the default: unknown fields are kept when the schema"
              + " allows them), Warn (a Warning header per unknown field), Strict (400 BadRequest"
              + " naming every unknown or duplicate field).");
  private static final Param FORCE =
      new Param(
          "force",
          "query",
          "boolean",
          "Server-side apply: take the fields other managers own. Only with apply patches.");

  private final Map<String, GroupVersion> groupVersions = new TreeMap<>();

  private KubernetesOpenApi() {}

  /**
   * The documents for {@code resources}; {@code cup} is the server's own OpenAPI 3.1 document
   * ({@link OpenApiDocument}), whose status, list and proposal schemas these documents share.
   */
  static KubernetesOpenApi build(ResourceConfiguration resources, JsonObject cup) {
    KubernetesOpenApi documents = new KubernetesOpenApi();
    List<ServedResource> served = new ArrayList<>(resources.served().values());
    served.sort(Comparator.comparing(ServedResource::key));
    JsonObject own = cup.getJsonObject("components").getJsonObject("schemas");
    for (ServedResource resource : served) {
      documents.served(resource, own);
    }
    documents.proposals(own);
    return documents;
  }

  /** {@code apis/<group>/<version>} of every document, as the index names them. */
  List<String> paths() {
    return List.copyOf(groupVersions.keySet());
  }

  /** The OpenAPI 3.0 document of {@code apis/<group>/<version>}; null when none is served. */
  JsonObject openApiV3(String path) {
    GroupVersion gv = groupVersions.get(path);
    if (gv == null) {
      return null;
    }
    JsonObject schemas = new JsonObject();
    gv.schemas.forEach(schemas::put);
    JsonObject paths = new JsonObject();
    for (PathItem item : gv.paths) {
      paths.put(item.path(), pathV3(item));
    }
    return new JsonObject()
        .put("openapi", OPENAPI)
        .put("info", new JsonObject().put("title", "Cup").put("version", gv.version))
        .put("paths", paths)
        .put(
            "components",
            new JsonObject()
                .put("schemas", schemas)
                .put("securitySchemes", new JsonObject().put("BearerToken", bearer())));
  }

  /** The Swagger 2.0 document of every group/version. */
  JsonObject swagger() {
    JsonObject definitions = new JsonObject();
    JsonObject paths = new JsonObject();
    for (GroupVersion gv : groupVersions.values()) {
      gv.schemas2.forEach(definitions::put);
      for (PathItem item : gv.paths) {
        paths.put(item.path(), pathV2(item));
      }
    }
    return new JsonObject()
        .put("swagger", "2.0")
        .put("info", new JsonObject().put("title", "Cup").put("version", "v1"))
        .put("paths", paths)
        .put("definitions", definitions)
        .put(
            "securityDefinitions",
            new JsonObject()
                .put(
                    "BearerToken",
                    new JsonObject()
                        .put("type", "apiKey")
                        .put("name", "authorization")
                        .put("in", "header")
                        .put("description", "Bearer Token authentication")))
        .put("security", new JsonArray().add(new JsonObject().put("BearerToken", new JsonArray())));
  }

  // ------------------------------------------------------------------ contents

  private GroupVersion groupVersion(String group, String version) {
    return groupVersions.computeIfAbsent(
        "apis/" + group + "/" + version, ignored -> new GroupVersion(group, version));
  }

  /** A served kind: its schema and list, and its namespaced and all-namespaces paths. */
  private void served(ServedResource resource, JsonObject own) {
    String group = resource.definition().group();
    String version = resource.version();
    String kind = resource.definition().kind();
    GroupVersion gv = groupVersion(group, version);
    metaSchemas(gv, own);

    String name = schemaName(group, version, kind);
    JsonObject schema = resource.definition().versions().get(version);
    for (Dialect dialect : Dialect.values()) {
      Map<String, JsonObject> components = KubernetesSchemas.components(dialect, name, schema);
      components.get(name).put("x-kubernetes-group-version-kind", gvks(group, version, kind));
      (dialect == Dialect.OPENAPI_3_0 ? gv.schemas : gv.schemas2).putAll(components);
    }
    String list = name + "List";
    JsonObject listSchema =
        new JsonObject()
            .put("description", kind + "List is a list of " + kind + " resources.")
            .put("type", "object")
            .put("required", new JsonArray().add("items"))
            .put(
                "properties",
                new JsonObject()
                    .put(
                        "apiVersion",
                        new JsonObject()
                            .put("type", "string")
                            .put(
                                "description", "APIVersion of this list: " + resource.apiVersion()))
                    .put("kind", new JsonObject().put("type", "string"))
                    .put("metadata", new JsonObject().put("$ref", "#/components/schemas/ListMeta"))
                    .put(
                        "items",
                        new JsonObject()
                            .put("type", "array")
                            .put(
                                "items",
                                new JsonObject().put("$ref", "#/components/schemas/" + name))))
            .put("x-kubernetes-group-version-kind", gvks(group, version, kind + "List"));
    ownSchema(gv, list, listSchema);

    String plural = resource.definition().plural();
    String id = OpenApiDocument.identifier(group) + OpenApiDocument.identifier(version);
    String collection = "/apis/" + group + "/" + version + "/namespaces/{namespace}/" + plural;
    Map<String, String> written = responses(name, "200", "201", "202");
    gv.paths.add(
        new PathItem(
            collection,
            List.of(NAMESPACE, PRETTY),
            List.of(
                operation(
                    "get",
                    "list",
                    "list" + id + "Namespaced" + kind,
                    "list or watch objects of" + " kind " + kind,
                    LIST,
                    null,
                    responses(list, "200"),
                    group,
                    version,
                    kind),
                operation(
                    "post",
                    "post",
                    "create" + id + "Namespaced" + kind,
                    "create a "
                        + kind
                        + " (proposed: the answer is the object as the proposal"
                        + " leaves it)",
                    List.of(DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, PROPOSAL),
                    name,
                    written,
                    group,
                    version,
                    kind))));
    gv.paths.add(
        new PathItem(
            collection + "/{name}",
            List.of(NAME, NAMESPACE, PRETTY),
            List.of(
                operation(
                    "get",
                    "get",
                    "read" + id + "Namespaced" + kind,
                    "read the specified " + kind,
                    List.of(),
                    null,
                    responses(name, "200"),
                    group,
                    version,
                    kind),
                operation(
                    "put",
                    "put",
                    "replace" + id + "Namespaced" + kind,
                    "replace the specified " + kind + " (proposed)",
                    List.of(DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, PROPOSAL),
                    name,
                    responses(name, "200", "201"),
                    group,
                    version,
                    kind),
                new Operation(
                    "patch",
                    "patch",
                    "patch" + id + "Namespaced" + kind,
                    "partially update the specified " + kind + " (proposed)",
                    List.of(DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE, PROPOSAL),
                    List.of(
                        MediaTypes.JSON_PATCH,
                        MediaTypes.MERGE_PATCH,
                        "application/apply-patch+yaml"),
                    PATCH,
                    responses(name, "200", "201"),
                    group,
                    version,
                    kind),
                operation(
                    "delete",
                    "delete",
                    "delete" + id + "Namespaced" + kind,
                    "delete a " + kind + " (proposed: it stays until the proposal merges)",
                    List.of(DRY_RUN, PROPOSAL),
                    META + "DeleteOptions",
                    responses(META + "Status", "200", "202"),
                    group,
                    version,
                    kind))));
    String history = historySchemas(gv, own);
    gv.paths.add(
        new PathItem(
            collection + "/{name}/history",
            List.of(NAME, NAMESPACE, PRETTY),
            List.of(
                operation(
                    "get",
                    "get",
                    "read" + id + "Namespaced" + kind + "History",
                    "read the commits of the tracked branch that changed the specified "
                        + kind
                        + ", newest first (RBAC: get on "
                        + plural
                        + "/history)",
                    HISTORY,
                    null,
                    responses(history, "200"),
                    group,
                    version,
                    kind))));
    gv.paths.add(
        new PathItem(
            "/apis/" + group + "/" + version + "/" + plural,
            List.of(PRETTY),
            List.of(
                operation(
                    "get",
                    "list",
                    "list" + id + kind + "ForAllNamespaces",
                    "list or watch objects of kind " + kind + " in every namespace",
                    LIST,
                    null,
                    responses(list, "200"),
                    group,
                    version,
                    kind))));
  }

  /**
   * Cup's {@code ResourceHistory} (and its entry) in {@code gv}'s document, named in Cup's group
   * ({@code io.flipt.cup.v1alpha1.ResourceHistory}) as Kubernetes names the meta/v1 objects every
   * document carries; answers the name of {@code ResourceHistory}.
   */
  private static String historySchemas(GroupVersion gv, JsonObject own) {
    Map<String, String> names = new LinkedHashMap<>(META_SCHEMAS);
    for (String schema : List.of("ResourceHistory", "ResourceHistoryEntry")) {
      names.put(schema, schemaName(ProposalView.GROUP, ProposalView.VERSION, schema));
    }
    String history = names.get("ResourceHistory");
    if (!gv.schemas.containsKey(history)) {
      for (String schema : List.of("ResourceHistory", "ResourceHistoryEntry")) {
        ownSchema(gv, names.get(schema), own.getJsonObject(schema).copy(), names);
      }
    }
    return history;
  }

  /** The built-in proposals, cluster-scoped: list and read (merge and close are actions). */
  private void proposals(JsonObject ownSchemas) {
    String group = ProposalView.GROUP;
    String version = ProposalView.VERSION;
    GroupVersion gv = groupVersion(group, version);
    metaSchemas(gv, ownSchemas);
    String name = schemaName(group, version, "Proposal");
    // Proposal, ProposalList and every schema of the server's own they refer to
    Map<String, String> names = new LinkedHashMap<>(META_SCHEMAS);
    List<String> pending = new ArrayList<>(List.of("Proposal", "ProposalList"));
    List<String> copied = new ArrayList<>();
    while (!pending.isEmpty()) {
      String own = pending.remove(0);
      if (copied.contains(own) || META_SCHEMAS.containsKey(own)) {
        continue;
      }
      copied.add(own);
      names.put(own, schemaName(group, version, own));
      for (String ref : references(ownSchemas.getJsonObject(own), new ArrayList<>())) {
        pending.add(ref.substring(OWN.length()));
      }
    }
    for (String own : copied) {
      JsonObject schema = ownSchemas.getJsonObject(own).copy();
      if (own.equals("Proposal") || own.equals("ProposalList")) {
        schema.put("x-kubernetes-group-version-kind", gvks(group, version, own));
      }
      ownSchema(gv, names.get(own), schema, names);
    }
    String id = OpenApiDocument.identifier(group) + OpenApiDocument.identifier(version);
    String base = ApiVerticle.PROPOSALS;
    gv.paths.add(
        new PathItem(
            base,
            List.of(PRETTY),
            List.of(
                operation(
                    "get",
                    "list",
                    "list" + id + "Proposal",
                    "list proposals, newest first",
                    List.of(),
                    null,
                    responses(name + "List", "200"),
                    group,
                    version,
                    "Proposal"))));
    gv.paths.add(
        new PathItem(
            base + "/{name}",
            List.of(NAME, PRETTY),
            List.of(
                operation(
                    "get",
                    "get",
                    "read" + id + "Proposal",
                    "read the specified Proposal with its diff",
                    List.of(),
                    null,
                    responses(name, "200"),
                    group,
                    version,
                    "Proposal"))));
  }

  /** Status, ListMeta, DeleteOptions and the patch body, in every document. */
  private void metaSchemas(GroupVersion gv, JsonObject own) {
    if (gv.schemas.containsKey(PATCH)) {
      return;
    }
    META_SCHEMAS.forEach(
        (ownName, name) -> ownSchema(gv, name, own.getJsonObject(ownName), META_SCHEMAS));
    ownSchema(
        gv,
        PATCH,
        new JsonObject()
            .put(
                "description",
                "A patch: a JSON patch (RFC 6902), a JSON merge patch (RFC 7386) or an apply"
                    + " configuration (server-side apply).")
            .put("type", "object"),
        META_SCHEMAS);
  }

  private static void ownSchema(GroupVersion gv, String name, JsonObject schema) {
    ownSchema(gv, name, schema, META_SCHEMAS);
  }

  private static void ownSchema(
      GroupVersion gv, String name, JsonObject schema, Map<String, String> names) {
    gv.schemas.put(name, KubernetesSchemas.convert(Dialect.OPENAPI_3_0, schema, names));
    gv.schemas2.put(name, KubernetesSchemas.convert(Dialect.SWAGGER_2_0, schema, names));
  }

  /** {@code flipt.io}, {@code v1alpha1}, {@code Flag} → {@code io.flipt.v1alpha1.Flag}. */
  static String schemaName(String group, String version, String kind) {
    List<String> parts = new ArrayList<>(List.of(group.split("\\.")));
    java.util.Collections.reverse(parts);
    return String.join(".", parts) + "." + version + "." + kind;
  }

  /** The component references under {@code node}, added to {@code refs}. */
  private static List<String> references(Object node, List<String> refs) {
    if (node instanceof JsonObject object) {
      object.forEach(
          entry -> {
            if (entry.getKey().equals("$ref")
                && entry.getValue() instanceof String ref
                && ref.startsWith(OWN)) {
              refs.add(ref);
            } else {
              references(entry.getValue(), refs);
            }
          });
    } else if (node instanceof JsonArray array) {
      array.forEach(item -> references(item, refs));
    }
    return refs;
  }

  private static JsonArray gvks(String group, String version, String kind) {
    return new JsonArray().add(gvk(group, version, kind));
  }

  private static JsonObject gvk(String group, String version, String kind) {
    return new JsonObject().put("group", group).put("kind", kind).put("version", version);
  }

  private static Map<String, String> responses(String schema, String... codes) {
    Map<String, String> responses = new LinkedHashMap<>();
    for (String code : codes) {
      responses.put(code, schema);
    }
    return responses;
  }

  private static Operation operation(
      String method,
      String action,
      String id,
      String description,
      List<Param> parameters,
      String body,
      Map<String, String> responses,
      String group,
      String version,
      String kind) {
    return new Operation(
        method,
        action,
        id,
        description,
        parameters,
        body == null ? List.of() : List.of(MediaTypes.JSON),
        body,
        responses,
        group,
        version,
        kind);
  }

  // ------------------------------------------------------------------ rendering

  private static JsonObject pathV3(PathItem item) {
    JsonObject path = new JsonObject().put("parameters", parametersV3(item.parameters()));
    for (Operation op : item.operations()) {
      JsonObject operation = common(op).put("parameters", parametersV3(op.parameters()));
      if (op.body() != null) {
        JsonObject content = new JsonObject();
        for (String type : op.consumes()) {
          content.put(type, new JsonObject().put("schema", refV3(op.body())));
        }
        operation.put(
            "requestBody",
            new JsonObject()
                .put("content", content)
                .put("required", !op.method().equals("delete")));
      }
      JsonObject responses = new JsonObject();
      op.responses()
          .forEach(
              (code, schema) ->
                  responses.put(
                      code,
                      new JsonObject()
                          .put("description", description(code))
                          .put(
                              "content",
                              new JsonObject()
                                  .put(
                                      MediaTypes.JSON,
                                      new JsonObject().put("schema", refV3(schema)))
                                  .put(
                                      "application/yaml",
                                      new JsonObject().put("schema", refV3(schema))))));
      responses.put("401", new JsonObject().put("description", "Unauthorized"));
      path.put(op.method(), operation.put("responses", responses));
    }
    return path;
  }

  private static JsonObject pathV2(PathItem item) {
    JsonObject path = new JsonObject().put("parameters", parametersV2(item.parameters()));
    for (Operation op : item.operations()) {
      JsonArray parameters = parametersV2(op.parameters());
      if (op.body() != null) {
        parameters.add(
            new JsonObject()
                .put("name", "body")
                .put("in", "body")
                .put("required", !op.method().equals("delete"))
                .put(
                    "schema",
                    new JsonObject().put("$ref", Dialect.SWAGGER_2_0.prefix + op.body())));
      }
      JsonObject responses = new JsonObject();
      op.responses()
          .forEach(
              (code, schema) ->
                  responses.put(
                      code,
                      new JsonObject()
                          .put("description", description(code))
                          .put(
                              "schema",
                              new JsonObject().put("$ref", Dialect.SWAGGER_2_0.prefix + schema))));
      responses.put("401", new JsonObject().put("description", "Unauthorized"));
      JsonObject operation =
          common(op)
              .put(
                  "consumes",
                  new JsonArray(op.consumes().isEmpty() ? List.of("*/*") : op.consumes()))
              .put("produces", new JsonArray().add(MediaTypes.JSON).add("application/yaml"))
              .put("schemes", new JsonArray().add("https").add("http"))
              .put("parameters", parameters)
              .put("responses", responses);
      path.put(op.method(), operation);
    }
    return path;
  }

  private static JsonObject common(Operation op) {
    return new JsonObject()
        .put(
            "tags",
            new JsonArray().add(OpenApiDocument.identifier(op.group()) + "_" + op.version()))
        .put("description", op.description())
        .put("operationId", op.id())
        .put("x-kubernetes-action", op.action())
        .put("x-kubernetes-group-version-kind", gvk(op.group(), op.version(), op.kind()));
  }

  private static JsonArray parametersV3(List<Param> parameters) {
    JsonArray out = new JsonArray();
    for (Param param : parameters) {
      JsonObject parameter =
          new JsonObject()
              .put("name", param.name())
              .put("in", param.in())
              .put("description", param.description())
              .put("schema", new JsonObject().put("type", param.type()).put("uniqueItems", true));
      if (param.in().equals("path")) {
        parameter.put("required", true);
      }
      out.add(parameter);
    }
    return out;
  }

  private static JsonArray parametersV2(List<Param> parameters) {
    JsonArray out = new JsonArray();
    for (Param param : parameters) {
      JsonObject parameter =
          new JsonObject()
              .put("name", param.name())
              .put("in", param.in())
              .put("description", param.description())
              .put("type", param.type())
              .put("uniqueItems", true);
      if (param.in().equals("path")) {
        parameter.put("required", true);
      }
      out.add(parameter);
    }
    return out;
  }

  private static JsonObject refV3(String schema) {
    return new JsonObject().put("$ref", Dialect.OPENAPI_3_0.prefix + schema);
  }

  private static String description(String code) {
    return switch (code) {
      case "201" -> "Created";
      case "202" -> "Accepted";
      default -> "OK";
    };
  }

  private static JsonObject bearer() {
    return new JsonObject()
        .put("type", "http")
        .put("scheme", "bearer")
        .put("description", "A token of the server's token file, or an OIDC ID token");
  }
}
