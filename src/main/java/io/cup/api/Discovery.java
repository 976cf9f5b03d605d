package io.cup.api;

import io.cup.bus.Addresses;
import io.cup.bus.ControllerImages;
import io.cup.bus.Empty;
import io.cup.config.ControllerConfig;
import io.cup.config.CupVersion;
import io.cup.config.ResourceConfiguration;
import io.cup.config.ResourceDefinition;
import io.cup.config.ServedResource;
import io.cup.status.StatusException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Discovery, in both shapes (docs/kubernetes-clients.md): the original Cup's map of definitions at
 * {@code GET /apis} for its own clients, and Kubernetes' documents for clients that ask for JSON:
 * {@code /version}, {@code /api}, {@code /apis} as an {@code APIGroupList} or, when asked, an
 * aggregated {@code APIGroupDiscoveryList}, and {@code /apis/{group}/{version}} as an {@code
 * APIResourceList}. Every group version Cup serves is described once here: the definitions', the
 * built-in proposals, and the review kinds of the identity API.
 */
final class Discovery {
  /**
   * The Kubernetes version Cup reports. kubectl's dispatcher on Debian runs the kubectl release
   * that matches the server's minor version, and client libraries switch features on by it; Cup
   * serves what a 1.33 API server serves to them (aggregated discovery v2, OpenAPI v3 per group
   * version, field validation, server-side apply), so it says 1.33.
   */
  static final String KUBERNETES_MAJOR = "1";

  static final String KUBERNETES_MINOR = "33";

  private static final String AGGREGATED = "APIGroupDiscoveryList";
  private static final String DISCOVERY_GROUP = "apidiscovery.k8s.io";
  private static final List<String> AGGREGATED_VERSIONS = List.of("v2", "v2beta1");
  private static final Pattern KUBE_VERSION = Pattern.compile("v(\\d+)(?:(alpha|beta)(\\d+))?");

  /** What a client may do with one kind, as an {@code APIResourceList} entry says it. */
  record ApiResource(
      String name,
      String singular,
      boolean namespaced,
      String kind,
      List<String> verbs,
      List<String> shortNames,
      List<String> categories) {
    JsonObject toJson() {
      JsonObject json =
          new JsonObject()
              .put("name", name)
              .put("singularName", singular)
              .put("namespaced", namespaced)
              .put("kind", kind)
              .put("verbs", new JsonArray(verbs));
      if (!shortNames.isEmpty()) {
        json.put("shortNames", new JsonArray(shortNames));
      }
      if (!categories.isEmpty()) {
        json.put("categories", new JsonArray(categories));
      }
      return json;
    }

    boolean isSubresource() {
      return name.contains("/");
    }
  }

  private final ResourceConfiguration resources;

  /** group → version → kinds, groups and versions in Kubernetes' preference order. */
  private final Map<String, Map<String, List<ApiResource>>> groups;

  private final JsonObject version;

  private final BusClient bus;

  Discovery(ResourceConfiguration resources, boolean watchable, BusClient bus) {
    this.resources = resources;
    this.bus = bus;
    this.groups = describe(resources, watchable);
    this.version = versionInfo();
  }

  /**
   * The original's {@code GET /apis} map: each definition as loaded, keyed {@code
   * <group>/<version>/<plural>}, with {@code status.controller} saying what serves it: the
   * controller's name and type and, for a WASM controller named by an OCI reference, the reference
   * and the digest it runs.
   */
  private JsonObject definitionsByKey(ControllerImages running) {
    Map<String, JsonObject> digests = new TreeMap<>();
    running
        .images()
        .forEach(
            image ->
                digests.put(
                    image.controller(),
                    new JsonObject()
                        .put("image", image.reference())
                        .put("digest", image.digest())
                        .put("module", image.module())));
    Map<String, Object> byKey = new TreeMap<>();
    for (ResourceDefinition definition : resources.definitions()) {
      for (String v : definition.versions().keySet()) {
        String key = definition.key(v);
        ServedResource served = resources.served().get(key);
        if (served == null) {
          byKey.put(key, definition.raw());
          continue;
        }
        ControllerConfig controller = served.controller();
        JsonObject status =
            new JsonObject().put("name", controller.name()).put("type", controller.type());
        Object image = controller.spec().getValue("image");
        if (image != null) {
          status.put("image", image);
          JsonObject now = digests.get(controller.name());
          if (now != null) {
            status.put("digest", now.getString("digest")).put("module", now.getString("module"));
          }
        }
        JsonObject raw = definition.raw().copy();
        JsonObject rawStatus =
            raw.getValue("status") instanceof JsonObject existing ? existing : new JsonObject();
        raw.put("status", rawStatus.put("controller", status));
        byKey.put(key, raw);
      }
    }
    return new JsonObject(byKey);
  }

  /** {@code GET /version}: Kubernetes' {@code version.Info}, plus Cup's own version. */
  void version(RoutingContext ctx) {
    ResourceApi.requireAccept(ctx, List.of(MediaTypes.JSON));
    Reply.json(200, version).write(ctx);
  }

  /** {@code GET /api}: the core group's versions, of which Cup serves none. */
  void core(RoutingContext ctx) {
    ResourceApi.requireAccept(ctx, List.of(MediaTypes.JSON));
    String aggregated = aggregatedVersion(ctx);
    if (aggregated != null) {
      writeAggregated(ctx, aggregated, new JsonArray());
      return;
    }
    Reply.json(200, new JsonObject().put("kind", "APIVersions").put("versions", new JsonArray()))
        .write(ctx);
  }

  /**
   * {@code GET /apis}: the original's map of definitions for its clients, an {@code APIGroupList}
   * or an aggregated discovery document for Kubernetes clients.
   */
  void groups(RoutingContext ctx) {
    ResourceApi.requireAccept(ctx, List.of(MediaTypes.JSON));
    String accept = MediaTypes.accept(ctx.request());
    if (!MediaTypes.asksForKubernetes(accept)) {
      boolean images =
          resources.served().values().stream()
              .anyMatch(served -> served.controller().spec().getValue("image") != null);
      Future<ControllerImages> running =
          images
              ? bus.request(Addresses.CONTROLLER_IMAGES, Empty.INSTANCE, bus.timeouts().status())
                  .otherwise(new ControllerImages(List.of()))
              : Future.succeededFuture(new ControllerImages(List.of()));
      running.onSuccess(now -> Reply.json(200, definitionsByKey(now)).write(ctx));
      return;
    }
    String aggregated = aggregatedVersion(ctx);
    if (aggregated != null) {
      writeAggregated(ctx, aggregated, aggregatedGroups());
      return;
    }
    JsonArray list = new JsonArray();
    groups.forEach(
        (group, versions) -> {
          JsonArray versionList = new JsonArray();
          versions.keySet().forEach(v -> versionList.add(groupVersion(group, v)));
          list.add(
              new JsonObject()
                  .put("name", group)
                  .put("versions", versionList)
                  .put("preferredVersion", versionList.getJsonObject(0)));
        });
    Reply.json(
            200,
            new JsonObject()
                .put("kind", "APIGroupList")
                .put("apiVersion", "v1")
                .put("groups", list))
        .write(ctx);
  }

  /** {@code GET /apis/{group}/{version}}: the kinds served there, as an APIResourceList. */
  void resources(RoutingContext ctx) {
    ResourceApi.requireAccept(ctx, List.of(MediaTypes.JSON));
    String group = ctx.pathParam("group");
    String v = ctx.pathParam("version");
    List<ApiResource> kinds = groups.getOrDefault(group, Map.of()).get(v);
    if (kinds == null) {
      throw StatusException.notFound(
          "the server could not find the requested resource: no kinds are served in "
              + group
              + "/"
              + v);
    }
    JsonArray list = new JsonArray();
    kinds.forEach(kind -> list.add(kind.toJson()));
    Reply.json(
            200,
            new JsonObject()
                .put("kind", "APIResourceList")
                .put("apiVersion", "v1")
                .put("groupVersion", group + "/" + v)
                .put("resources", list))
        .write(ctx);
  }

  /**
   * The aggregated discovery version the client asks for first ({@code v2} or {@code v2beta1}), or
   * null when it asks for none of them (it then gets the plain documents).
   */
  private static String aggregatedVersion(RoutingContext ctx) {
    for (MediaTypes.Representation asked :
        MediaTypes.representations(MediaTypes.accept(ctx.request()))) {
      if (asked.is(AGGREGATED, DISCOVERY_GROUP) && AGGREGATED_VERSIONS.contains(asked.version())) {
        return asked.version();
      }
    }
    return null;
  }

  private static void writeAggregated(RoutingContext ctx, String v, JsonArray items) {
    JsonObject list =
        new JsonObject()
            .put("kind", AGGREGATED)
            .put("apiVersion", DISCOVERY_GROUP + "/" + v)
            .put("metadata", new JsonObject())
            .put("items", items);
    // the client recognises the aggregated document by this content type, parameters included
    new Reply(
            200,
            MediaTypes.JSON + ";g=" + DISCOVERY_GROUP + ";v=" + v + ";as=" + AGGREGATED,
            Buffer.buffer(list.encode()),
            Map.of())
        .write(ctx);
  }

  /** Every group as an {@code APIGroupDiscovery}: its versions and their kinds in one document. */
  private JsonArray aggregatedGroups() {
    JsonArray items = new JsonArray();
    groups.forEach(
        (group, versions) -> {
          JsonArray versionList = new JsonArray();
          versions.forEach(
              (v, kinds) -> {
                JsonArray list = new JsonArray();
                for (ApiResource kind : kinds) {
                  if (kind.isSubresource()) {
                    continue;
                  }
                  list.add(aggregatedResource(group, v, kind, kinds));
                }
                versionList.add(
                    new JsonObject()
                        .put("version", v)
                        .put("resources", list)
                        .put("freshness", "Current"));
              });
          items.add(
              new JsonObject()
                  .put("metadata", new JsonObject().put("name", group))
                  .put("versions", versionList));
        });
    return items;
  }

  private static JsonObject aggregatedResource(
      String group, String v, ApiResource kind, List<ApiResource> all) {
    JsonObject gvk = new JsonObject().put("group", group).put("version", v).put("kind", kind.kind);
    JsonArray subresources = new JsonArray();
    for (ApiResource sub : all) {
      if (sub.isSubresource() && sub.name.startsWith(kind.name + "/")) {
        subresources.add(
            new JsonObject()
                .put("subresource", sub.name.substring(kind.name.length() + 1))
                .put("responseKind", gvk.copy())
                .put("verbs", new JsonArray(sub.verbs)));
      }
    }
    JsonObject json =
        new JsonObject()
            .put("resource", kind.name)
            .put("responseKind", gvk)
            .put("scope", kind.namespaced ? "Namespaced" : "Cluster")
            .put("singularResource", kind.singular)
            .put("verbs", new JsonArray(kind.verbs));
    if (!kind.shortNames.isEmpty()) {
      json.put("shortNames", new JsonArray(kind.shortNames));
    }
    if (!kind.categories.isEmpty()) {
      json.put("categories", new JsonArray(kind.categories));
    }
    if (!subresources.isEmpty()) {
      json.put("subresources", subresources);
    }
    return json;
  }

  private static JsonObject groupVersion(String group, String v) {
    return new JsonObject().put("groupVersion", group + "/" + v).put("version", v);
  }

  /** Every group version Cup serves, with its kinds. */
  private static Map<String, Map<String, List<ApiResource>>> describe(
      ResourceConfiguration resources, boolean watchable) {
    Map<String, Map<String, List<ApiResource>>> found = new TreeMap<>();
    List<String> verbs =
        watchable
            ? List.of("create", "delete", "get", "list", "patch", "update", "watch")
            : List.of("create", "delete", "get", "list", "patch", "update");
    for (ServedResource served : resources.served().values()) {
      ResourceDefinition definition = served.definition();
      if (isBuiltInProposals(definition.group(), served.version(), definition.plural())) {
        continue; // the built-in proposals answer at that path (ApiVerticle warns at start)
      }
      found
          .computeIfAbsent(definition.group(), g -> new TreeMap<>())
          .computeIfAbsent(served.version(), v -> new ArrayList<>())
          .add(
              new ApiResource(
                  definition.plural(),
                  definition.singular(),
                  true,
                  definition.kind(),
                  verbs,
                  definition.shortNames(),
                  definition.categories()));
    }
    List<ApiResource> proposals =
        found
            .computeIfAbsent(ProposalView.GROUP, g -> new TreeMap<>())
            .computeIfAbsent(ProposalView.VERSION, v -> new ArrayList<>());
    proposals.add(
        new ApiResource(
            "proposals",
            "proposal",
            false,
            "Proposal",
            List.of("get", "list"),
            List.of(),
            List.of()));
    proposals.add(createOnly("proposals/merge", "Proposal"));
    proposals.add(createOnly("proposals/close", "Proposal"));
    found.put(
        "authorization.k8s.io",
        Map.of(
            "v1",
            List.of(
                createOnly("selfsubjectaccessreviews", "SelfSubjectAccessReview"),
                createOnly("selfsubjectrulesreviews", "SelfSubjectRulesReview"))));
    found.put(
        "authentication.k8s.io",
        Map.of(
            "v1",
            List.of(createOnly("selfsubjectreviews", "SelfSubjectReview")),
            // kubectl 1.27 asks v1beta1 only
            "v1beta1",
            List.of(createOnly("selfsubjectreviews", "SelfSubjectReview"))));

    Map<String, Map<String, List<ApiResource>>> ordered = new LinkedHashMap<>();
    found.forEach(
        (group, versions) -> {
          Map<String, List<ApiResource>> byPreference = new LinkedHashMap<>();
          versions.keySet().stream()
              .sorted(Discovery::byPreference)
              .forEach(
                  v -> {
                    List<ApiResource> kinds = new ArrayList<>(versions.get(v));
                    kinds.sort(Comparator.comparing(ApiResource::name));
                    byPreference.put(v, List.copyOf(kinds));
                  });
          ordered.put(group, byPreference);
        });
    return ordered;
  }

  static boolean isBuiltInProposals(String group, String version, String plural) {
    return ProposalView.GROUP.equals(group)
        && ProposalView.VERSION.equals(version)
        && "proposals".equals(plural);
  }

  private static ApiResource createOnly(String name, String kind) {
    return new ApiResource(name, "", false, kind, List.of("create"), List.of(), List.of());
  }

  /** {@code names.<field>} of a definition: a list of strings, empty when it names none. */
  /**
   * Kubernetes' version priority: GA before beta before alpha, higher numbers first, versions not
   * of that form last and alphabetical.
   */
  static int byPreference(String a, String b) {
    Matcher ma = KUBE_VERSION.matcher(a);
    Matcher mb = KUBE_VERSION.matcher(b);
    boolean ka = ma.matches();
    boolean kb = mb.matches();
    if (!ka || !kb) {
      return ka == kb ? a.compareTo(b) : (ka ? -1 : 1);
    }
    int stability = Integer.compare(stability(mb.group(2)), stability(ma.group(2)));
    if (stability != 0) {
      return stability;
    }
    int major = Integer.compare(Integer.parseInt(mb.group(1)), Integer.parseInt(ma.group(1)));
    if (major != 0 || ma.group(3) == null) {
      return major;
    }
    return Integer.compare(Integer.parseInt(mb.group(3)), Integer.parseInt(ma.group(3)));
  }

  private static int stability(String level) {
    return level == null ? 2 : level.equals("beta") ? 1 : 0;
  }

  private static JsonObject versionInfo() {
    String cup = CupVersion.current();
    return new JsonObject()
        .put("major", KUBERNETES_MAJOR)
        .put("minor", KUBERNETES_MINOR)
        .put("gitVersion", "v" + KUBERNETES_MAJOR + "." + KUBERNETES_MINOR + ".0")
        .put("gitCommit", "")
        .put("gitTreeState", "")
        .put("buildDate", "")
        .put("goVersion", "")
        .put("compiler", "")
        .put("platform", "java/" + Runtime.version().feature())
        .put("cupVersion", cup);
  }
}
