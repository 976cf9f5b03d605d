package io.cup.api;

import io.cup.config.CupVersion;
import io.cup.config.ResourceConfiguration;
import io.cup.config.ResourceDefinition;
import io.cup.config.ServedResource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The OpenAPI 3.1 document of the HTTP API ({@code GET /openapi/cup.json}), for code generators,
 * built from the loaded resource configuration: the definitions and discovery routes, list/watch,
 * get, put, patch and delete of every served kind, the built-in proposal routes, health, readiness
 * and metrics.
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
  static final String OPENAPI = "3.1.0";
  static final String PATH = "/openapi/cup.json";

  static final String PROMETHEUS = "text/plain; version=0.0.4";

  private static final String SCHEMAS = "#/components/schemas/";
  private static final String PARAMETERS = "#/components/parameters/";
  private static final String RESPONSES = "#/components/responses/";

  /** Error responses: code → component name, reason and when. */
  private record Failure(String name, String reason, String description) {}

  private static final Map<String, Failure> FAILURES = failures();

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

  private JsonObject document() {
    for (ResourceDefinition definition : resources.definitions()) {
      for (Map.Entry<String, JsonObject> version : definition.versions().entrySet()) {
        String name = schemaName(definition, version.getKey());
        schemas.put(name, DefinitionSchemas.component(SCHEMAS + name, version.getValue()));
      }
    }
    builtInSchemas();
    List<ServedResource> served = new ArrayList<>(resources.served().values());
    served.sort(Comparator.comparing(ServedResource::key));
    for (ServedResource resource : served) {
      servedSchemas(resource);
    }

    JsonObject paths = new JsonObject();
    JsonArray tags = new JsonArray();
    paths.put("/apis", definitionsPath());
    tags.add(tag("definitions", "The resource definitions this server loaded."));
    tags.add(tag("discovery", "The kinds served in each group and version."));
    for (String groupVersion : groupVersions(served)) {
      paths.put("/apis/" + groupVersion, discoveryPath(groupVersion));
    }
    for (ServedResource resource : served) {
      String tag = resource.key();
      tags.add(
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
    }
    tags.add(tag("proposals", "The proposals every write opens (built in)."));
    proposalPaths(paths);
    tags.add(tag("access", "Self reviews: who am I, may I, what may I (Kubernetes' shapes)."));
    reviewPaths(paths);
    webhookPath(paths);
    tags.add(tag("health", "Liveness, readiness and metrics."));
    paths.put("/healthz", textPath("live", "ok while the process serves", false));
    paths.put("/readyz", textPath("ready", "ok once the repository is cloned", true));
    paths.put("/metrics", metricsPath());
    tags.add(tag("openapi", "This document."));
    paths.put(PATH, openApiPath());

    return new JsonObject()
        .put("openapi", OPENAPI)
        .put(
            "info",
            new JsonObject()
                .put("title", "Cup")
                .put(
                    "description",
                    "A Kubernetes-style API in front of a Git repository: reads come from the"
                        + " tracked branch, every write becomes a proposal. Errors are Kubernetes"
                        + " Status objects.")
                .put("version", version()))
        .put("tags", tags)
        // with no authenticator configured (the demo) requests need no credentials: {} says so
        .put(
            "security",
            new JsonArray()
                .add(new JsonObject().put("BearerToken", new JsonArray()))
                .add(new JsonObject().put("ClientCertificate", new JsonArray()))
                .add(new JsonObject()))
        .put("paths", paths)
        .put(
            "components",
            new JsonObject()
                .put("schemas", schemas)
                .put("parameters", parameters())
                .put("responses", responses())
                .put(
                    "securitySchemes",
                    new JsonObject()
                        .put(
                            "BearerToken",
                            new JsonObject()
                                .put("type", "http")
                                .put("scheme", "bearer")
                                .put(
                                    "description",
                                    "A token of the server's token file, or an ID token (JWT) of"
                                        + " its OIDC issuer"))
                        .put(
                            "ClientCertificate",
                            new JsonObject()
                                .put("type", "mutualTLS")
                                .put(
                                    "description",
                                    "A TLS client certificate signed by the server's client CA:"
                                        + " user = CN, groups = O"))));
  }

  // ------------------------------------------------------------------ paths

  private JsonObject definitionsPath() {
    JsonObject definitions =
        new JsonObject()
            .put("type", "object")
            .put(
                "description",
                "Every definition version, keyed <group>/<version>/<plural>, as loaded.")
            .put("additionalProperties", ref("ResourceDefinition"));
    return new JsonObject()
        .put(
            "get",
            operation("listResourceDefinitions", "definitions", "Every resource definition")
                .put("responses", withFailures(json(200, "The definitions", definitions), 406)));
  }

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
                        ResourceApi.CONTINUE_HEADER,
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

  private void proposalPaths(JsonObject paths) {
    String base = ApiVerticle.PROPOSALS;
    paths.put(
        base,
        new JsonObject()
            .put(
                "get",
                operation("listProposals", "proposals", "Every proposal, newest first")
                    .put(
                        "responses",
                        withFailures(
                            json(200, "The proposals, without diffs", ref("ProposalList")),
                            406,
                            503,
                            504))));
    paths.put(
        base + "/{id}",
        new JsonObject()
            .put("parameters", params("id"))
            .put(
                "get",
                operation("readProposal", "proposals", "One proposal with its diff")
                    .put(
                        "responses",
                        withFailures(
                            new JsonObject()
                                .put(
                                    "200",
                                    new JsonObject()
                                        .put(
                                            "description",
                                            "The proposal, or with Accept: text/x-diff (or"
                                                + " text/plain) its unified diff")
                                        .put(
                                            "content",
                                            new JsonObject()
                                                .put(MediaTypes.JSON, schema(ref("Proposal")))
                                                .put(MediaTypes.DIFF, schema(string()))
                                                .put(MediaTypes.TEXT, schema(string())))),
                            400,
                            404,
                            406,
                            503,
                            504))));
    for (String action : List.of("merge", "close")) {
      String summary =
          action.equals("merge")
              ? "Merge the proposal into the tracked branch"
              : "Close the proposal without merging";
      paths.put(
          base + "/{id}/" + action,
          new JsonObject()
              .put("parameters", params("id"))
              .put(
                  "post",
                  operation(action + "Proposal", "proposals", summary)
                      .put(
                          "responses",
                          withFailures(
                              json(200, "The proposal after the " + action, ref("Proposal")),
                              400,
                              404,
                              406,
                              409,
                              502,
                              503,
                              504))));
    }
  }

  /** The three self reviews of authorization.k8s.io/v1 and authentication.k8s.io/v1. */
  private void reviewPaths(JsonObject paths) {
    review(
        paths,
        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        "createSelfSubjectAccessReview",
        "May I? spec.resourceAttributes (namespace, verb, group, resource, subresource, name) or"
            + " spec.nonResourceAttributes (path, verb); status.allowed answers");
    review(
        paths,
        "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
        "createSelfSubjectRulesReview",
        "What may I in spec.namespace? status.resourceRules and status.nonResourceRules");
    review(
        paths,
        "/apis/authentication.k8s.io/v1/selfsubjectreviews",
        "createSelfSubjectReview",
        "Who am I? status.userInfo (username, uid, groups)");
  }

  private void review(JsonObject paths, String path, String id, String summary) {
    JsonObject object =
        new JsonObject()
            .put("type", "object")
            .put("required", new JsonArray().add("apiVersion").add("kind"));
    paths.put(
        path,
        new JsonObject()
            .put(
                "post",
                operation(id, "access", summary)
                    .put(
                        "requestBody",
                        new JsonObject()
                            .put("required", true)
                            .put("content", new JsonObject().put(MediaTypes.JSON, schema(object))))
                    .put(
                        "responses",
                        withFailures(
                            json(201, "The review with its status", object), 400, 415, 422))));
  }

  private void webhookPath(JsonObject paths) {
    paths.put(
        "/webhooks/{scm}",
        new JsonObject()
            .put(
                "parameters",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("name", "scm")
                            .put("in", "path")
                            .put("required", true)
                            .put(
                                "schema",
                                string()
                                    .put(
                                        "enum",
                                        new JsonArray(List.of("github", "gitea", "gitlab"))))))
            .put(
                "post",
                operation(
                        "deliverWebhook",
                        "webhooks",
                        "A signed SCM webhook delivery (X-Hub-Signature-256, X-Gitea-Signature or"
                            + " X-Gitlab-Token): a push to the tracked branch fetches at once, a"
                            + " pull or merge request event moves its proposal")
                    .put(
                        "requestBody",
                        new JsonObject()
                            .put("required", true)
                            .put(
                                "content",
                                new JsonObject()
                                    .put(
                                        MediaTypes.JSON,
                                        schema(new JsonObject().put("type", "object")))))
                    .put("security", new JsonArray())
                    .put(
                        "responses",
                        openFailures(
                            json(200, "What became of the delivery", ref("Status")),
                            400,
                            401,
                            404,
                            413,
                            502,
                            503))));
  }

  private JsonObject textPath(String id, String description, boolean mayFail) {
    JsonObject responses =
        new JsonObject()
            .put(
                "200",
                new JsonObject()
                    .put("description", description)
                    .put(
                        "content",
                        new JsonObject()
                            .put(MediaTypes.TEXT, schema(string().put("const", "ok")))));
    JsonObject operation =
        operation(id, "health", id.equals("live") ? "Liveness" : "Readiness")
            .put("security", new JsonArray())
            .put("responses", mayFail ? openFailures(responses, 503) : responses);
    return new JsonObject().put("get", operation);
  }

  private JsonObject metricsPath() {
    JsonObject responses =
        new JsonObject()
            .put(
                "200",
                new JsonObject()
                    .put("description", "The process metrics in Prometheus text format")
                    .put("content", new JsonObject().put(PROMETHEUS, schema(string()))));
    return new JsonObject()
        .put(
            "get",
            operation("metrics", "health", "Metrics").put("responses", withFailures(responses)));
  }

  private JsonObject openApiPath() {
    JsonObject document =
        new JsonObject().put("type", "object").put("description", "An OpenAPI 3.1 document");
    return new JsonObject()
        .put(
            "get",
            operation("getOpenAPIDocument", "openapi", "This OpenAPI document")
                .put("responses", withFailures(json(200, "The document", document), 406)));
  }

  // ------------------------------------------------------------------ components

  private void builtInSchemas() {
    schemas.put(
        "Status",
        object("A failure, as Kubernetes reports one", "kind", "apiVersion", "status", "code")
            .put(
                "properties",
                new JsonObject()
                    .put("kind", constant("Status"))
                    .put("apiVersion", constant("v1"))
                    .put("metadata", new JsonObject().put("type", "object"))
                    .put("status", constant("Failure"))
                    .put("message", string())
                    .put("reason", string())
                    .put("code", new JsonObject().put("type", "integer"))
                    .put(
                        "details",
                        new JsonObject()
                            .put("type", "object")
                            .put(
                                "properties",
                                new JsonObject().put("causes", array(ref("StatusCause")))))));
    schemas.put(
        "StatusCause",
        object("One failing field")
            .put(
                "properties",
                new JsonObject()
                    .put("field", string())
                    .put("reason", string())
                    .put("message", string())));
    schemas.put(
        "ListMeta",
        object("The metadata of a list")
            .put(
                "properties",
                new JsonObject()
                    .put(
                        "resourceVersion",
                        string().put("description", "The commit (or content hash) read"))
                    .put(
                        "continue",
                        string().put("description", "The token of the next page, if any"))
                    .put(
                        "remainingItemCount",
                        new JsonObject().put("type", "integer").put("minimum", 0))));
    schemas.put(
        "APIResourceList",
        object("The kinds served in one group and version", "kind", "groupVersion", "resources")
            .put(
                "properties",
                new JsonObject()
                    .put("kind", constant("APIResourceList"))
                    .put("apiVersion", constant("v1"))
                    .put("groupVersion", string())
                    .put("resources", array(ref("APIResource")))));
    schemas.put(
        "APIResource",
        object("One served kind", "name", "namespaced", "kind", "verbs")
            .put(
                "properties",
                new JsonObject()
                    .put("name", string())
                    .put("singularName", string())
                    .put("namespaced", new JsonObject().put("type", "boolean"))
                    .put("kind", string())
                    .put("verbs", array(string()))));
    schemas.put(
        "ResourceDefinition",
        object(
                "A resource definition as loaded (Cup's cup.flipt.io/v1alpha1"
                    + " ResourceDefinition)",
                "apiVersion",
                "kind",
                "metadata",
                "names",
                "spec")
            .put(
                "properties",
                new JsonObject()
                    .put("apiVersion", constant("cup.flipt.io/v1alpha1"))
                    .put("kind", constant("ResourceDefinition"))
                    .put("metadata", object(null, "name").put("properties", props("name")))
                    .put(
                        "names",
                        object(null, "kind", "singular", "plural")
                            .put("properties", props("kind", "singular", "plural")))
                    .put(
                        "spec",
                        object(null, "group", "versions")
                            .put(
                                "properties",
                                new JsonObject()
                                    .put("group", string())
                                    .put("controller", new JsonObject())
                                    .put(
                                        "versions",
                                        new JsonObject()
                                            .put("type", "object")
                                            .put(
                                                "description",
                                                "Version → the JSON Schema of the whole resource")
                                            .put(
                                                "additionalProperties",
                                                new JsonObject().put("type", "object")))))));
    schemas.put(
        "DeleteOptions",
        object("Conditions and options of a delete")
            .put(
                "properties",
                new JsonObject()
                    .put("kind", constant("DeleteOptions"))
                    .put("apiVersion", constant("v1"))
                    .put(
                        "preconditions",
                        object(null)
                            .put(
                                "properties",
                                new JsonObject()
                                    .put(
                                        "resourceVersion",
                                        string()
                                            .put(
                                                "description",
                                                "Delete only if the resource is unchanged since"
                                                    + " this version (else 409)"))))
                    .put("dryRun", array(constant("All")))));
    schemas.put(
        "MergePatch",
        new JsonObject()
            .put("type", "object")
            .put("description", "A JSON merge patch (RFC 7386) of the resource"));
    schemas.put(
        "JsonPatch",
        array(
                object("One operation", "op", "path")
                    .put(
                        "properties",
                        new JsonObject()
                            .put(
                                "op",
                                new JsonObject()
                                    .put(
                                        "enum",
                                        new JsonArray(
                                            List.of(
                                                "add", "remove", "replace", "move", "copy",
                                                "test"))))
                            .put("path", string())
                            .put("from", string())
                            .put("value", new JsonObject())))
            .put("description", "A JSON patch (RFC 6902)"));
    schemas.put(
        "WriteResult",
        object("The answer to a write that opened (or added to) a proposal", "id", "proposal")
            .put(
                "properties",
                new JsonObject()
                    .put("id", string().put("description", "The proposal id"))
                    .put("empty", new JsonObject().put("type", "boolean"))
                    .put(
                        "proposal",
                        new JsonObject()
                            .put("type", new JsonArray(List.of("object", "null")))
                            .put(
                                "description",
                                "Where to review it; null when the source is a local directory"
                                    + " (the change is already applied)")
                            .put("properties", props("source", "url", "state", "branch")))));
    schemas.put(
        "ProposalResource",
        object("A resource a proposal touches")
            .put(
                "properties",
                props("apiVersion", "kind", "namespace", "name")
                    .put(
                        "action",
                        new JsonObject().put("enum", new JsonArray(List.of("put", "delete"))))));
    schemas.put(
        "Proposal",
        object("A proposal: a branch with changes to review", "apiVersion", "kind", "metadata")
            .put(
                "properties",
                new JsonObject()
                    .put("apiVersion", constant(ProposalView.API_VERSION))
                    .put("kind", constant("Proposal"))
                    .put(
                        "metadata",
                        object(null, "name").put("properties", props("name", "creationTimestamp")))
                    .put(
                        "spec",
                        object(null)
                            .put(
                                "properties",
                                props("source", "branch", "base", "message")
                                    .put("resources", array(ref("ProposalResource")))))
                    .put(
                        "status",
                        object(null)
                            .put(
                                "properties",
                                props("head", "url", "mergeCommit", "updatedAt")
                                    .put(
                                        "state",
                                        new JsonObject()
                                            .put(
                                                "enum",
                                                new JsonArray(
                                                    List.of(
                                                        "pending",
                                                        "open",
                                                        "merged",
                                                        "closed",
                                                        "conflicted"))))
                                    .put(
                                        "pullRequest",
                                        new JsonObject()
                                            .put("type", "integer")
                                            .put(
                                                "description",
                                                "The pull request's number (GitLab: the merge"
                                                    + " request's iid), once opened"))
                                    .put(
                                        "diff",
                                        string()
                                            .put(
                                                "description",
                                                "The unified diff (read of one proposal"
                                                    + " only)"))))));
    schemas.put(
        "ProposalList",
        object("Every proposal", "apiVersion", "kind", "items")
            .put(
                "properties",
                new JsonObject()
                    .put("apiVersion", constant(ProposalView.API_VERSION))
                    .put("kind", constant("ProposalList"))
                    .put("metadata", new JsonObject().put("type", "object"))
                    .put("items", array(ref("Proposal")))));
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

  private static JsonObject parameters() {
    JsonObject parameters = new JsonObject();
    parameters.put("namespace", pathParam("namespace", "The namespace (a DNS-1123 subdomain)"));
    parameters.put("name", pathParam("name", "The resource name (a DNS-1123 subdomain)"));
    parameters.put("id", pathParam("id", "The proposal id"));
    parameters.put(
        "labelSelector",
        query(
            "labelSelector",
            string(),
            "Only resources whose labels match: k=v, k!=v, k, !k, k in (a,b), k notin (a,b),"
                + " comma-separated"));
    parameters.put(
        "fieldSelector",
        query(
            "fieldSelector",
            string(),
            "Only resources whose fields match: metadata.name or metadata.namespace with =, =="
                + " or !=, comma-separated"));
    parameters.put(
        "limit",
        query(
            "limit",
            new JsonObject().put("type", "integer").put("minimum", 0),
            "At most this many items per page (0: all)"));
    parameters.put(
        "continue",
        query(
            "continue",
            string(),
            "The token of the previous page; it pins the commit the first page read (400 when"
                + " not valid, 410 when that commit is gone)"));
    parameters.put(
        "revision",
        query(
            "revision",
            string(),
            "Read at this branch, commit id (full or abbreviated) or proposal id instead of the"
                + " tracked branch"));
    parameters.put(
        "watch",
        query(
            "watch",
            new JsonObject().put("type", "boolean"),
            "Stream ADDED, MODIFIED, DELETED and BOOKMARK events instead of listing"));
    parameters.put(
        "resourceVersion",
        query(
            "resourceVersion",
            string(),
            "With watch: the changes since this commit first (410 when unknown, 400 when"
                + " malformed); without it, an ADDED event for every current resource"));
    parameters.put(
        "timeoutSeconds",
        query(
            "timeoutSeconds",
            new JsonObject().put("type", "integer").put("minimum", 0),
            "With watch: end the stream after this many seconds"));
    parameters.put(
        "dryRun",
        query(
            "dryRun",
            constant("All").put("type", "string"),
            "All: answer what the write would do and propose nothing"));
    parameters.put(
        "proposal",
        query(
            "proposal",
            string(),
            "Add the change as one more commit to this open proposal (404 when unknown, 409 when"
                + " merged, closed or conflicted)"));
    return parameters;
  }

  private static JsonObject responses() {
    JsonObject responses = new JsonObject();
    FAILURES.forEach(
        (code, failure) ->
            responses.put(
                failure.name(),
                new JsonObject()
                    .put(
                        "description",
                        failure.description() + " (Status reason " + failure.reason() + ")")
                    .put("content", new JsonObject().put(MediaTypes.JSON, schema(ref("Status"))))));
    return responses;
  }

  private static Map<String, Failure> failures() {
    Map<String, Failure> failures = new TreeMap<>();
    failures.put(
        "400",
        new Failure(
            "BadRequest",
            "BadRequest",
            "The request is malformed: names, body, selector, token or parameter"));
    failures.put(
        "401",
        new Failure(
            "Unauthorized",
            "Unauthorized",
            "No valid credentials (bearer token or client certificate) when the server has"
                + " authenticators; for a webhook: no valid signature, or no webhook secret"));
    failures.put(
        "403",
        new Failure(
            "Forbidden",
            "Forbidden",
            "RBAC allows the user no such verb on this resource, namespace or name; nothing was"
                + " changed"));
    failures.put(
        "404",
        new Failure("NotFound", "NotFound", "No such kind, namespace, resource or proposal"));
    failures.put(
        "406",
        new Failure("NotAcceptable", "NotAcceptable", "The Accept header allows no answer here"));
    failures.put(
        "409",
        new Failure(
            "Conflict",
            "Conflict",
            "The resource changed since the given resourceVersion, or the proposal is not open"));
    failures.put(
        "410",
        new Failure(
            "Expired", "Expired", "The continue token's or resourceVersion's commit is gone"));
    failures.put(
        "413",
        new Failure("RequestEntityTooLarge", "RequestEntityTooLarge", "The body is too large"));
    failures.put(
        "415",
        new Failure(
            "UnsupportedMediaType",
            "UnsupportedMediaType",
            "The Content-Type of the body is not accepted here"));
    failures.put(
        "422",
        new Failure(
            "Invalid",
            "Invalid",
            "The resource does not match its schema; details.causes names each failing field"));
    failures.put(
        "502",
        new Failure("BadGateway", "BadGateway", "The remote refused a push, or the SCM a call"));
    failures.put(
        "503",
        new Failure(
            "ServiceUnavailable",
            "ServiceUnavailable",
            "The remote or the SCM cannot be reached, or the server is not ready"));
    failures.put("504", new Failure("Timeout", "Timeout", "An internal request timed out"));
    failures.put("default", new Failure("Error", "InternalError", "Any other failure"));
    return failures;
  }

  // ------------------------------------------------------------------ helpers

  /** {@code responses} with the listed failure codes and the default added, as references. */
  /**
   * {@code responses} with the failures of {@code codes}, and 401 and 403: every operation but the
   * open ones (health, signed webhooks) is authenticated and authorized.
   */
  private static JsonObject withFailures(JsonObject responses, int... codes) {
    openFailures(responses, codes);
    for (int code : new int[] {401, 403}) {
      responses.put(
          Integer.toString(code),
          new JsonObject().put("$ref", RESPONSES + FAILURES.get(Integer.toString(code)).name()));
    }
    return responses;
  }

  /** {@code responses} with the failures of {@code codes} only (and the default). */
  private static JsonObject openFailures(JsonObject responses, int... codes) {
    for (int code : codes) {
      Failure failure = FAILURES.get(Integer.toString(code));
      responses.put(
          Integer.toString(code), new JsonObject().put("$ref", RESPONSES + failure.name()));
    }
    responses.put(
        "default", new JsonObject().put("$ref", RESPONSES + FAILURES.get("default").name()));
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

  private static JsonObject pathParam(String name, String description) {
    return new JsonObject()
        .put("name", name)
        .put("in", "path")
        .put("required", true)
        .put("description", description)
        .put("schema", string());
  }

  private static JsonObject query(String name, JsonObject schema, String description) {
    return new JsonObject()
        .put("name", name)
        .put("in", "query")
        .put("required", false)
        .put("description", description)
        .put("schema", schema);
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
