package io.cup.api;

import io.cup.access.RequestAttributes;
import io.cup.access.UserInfo;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import java.util.Locale;

/**
 * What a request asks, read from its method and path before any route runs, as the Kubernetes API
 * server's {@code RequestInfoFactory} reads it: {@code /apis/{group}/{version}/namespaces/{ns}/
 * {resource}[/{name}[/{subresource}]]} and the cluster-scoped {@code
 * /apis/{group}/{version}/{resource}[/{name}[/{subresource}]]} are resource requests; everything
 * else ({@code /apis}, {@code /apis/{group}/{version}}, {@code /metrics}, {@code /openapi/v3}) is a
 * non-resource URL whose verb is the lower-case method.
 *
 * <p>Verbs: GET one {@code get}, GET many {@code list}, {@code watch=true} {@code watch}, POST
 * {@code create}, PUT {@code update} (or {@code create} for a resource that does not exist yet: see
 * {@link AccessControl}), PATCH {@code patch}, DELETE {@code delete} (many: {@code
 * deletecollection}). Cup's own {@code POST …/proposals/{id}/merge} and {@code …/close} are the
 * verbs {@code merge} and {@code close} on the proposal, not subresources.
 */
record RequestInfo(
    boolean resourceRequest,
    String verb,
    String path,
    String group,
    String version,
    String resource,
    String subresource,
    String namespace,
    String name) {

  static final String PROPOSALS_GROUP = ProposalView.GROUP;

  static RequestInfo of(HttpMethod method, String path, MultiMap query) {
    String trimmed = path.startsWith("/") ? path.substring(1) : path;
    if (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    String[] parts = trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
    int at;
    String group;
    if (parts.length >= 4 && parts[0].equals("apis")) {
      group = parts[1];
      at = 2;
    } else if (parts.length >= 3 && parts[0].equals("api")) {
      group = "";
      at = 1;
    } else {
      return nonResource(method, path);
    }
    String version = parts[at++];
    String namespace = "";
    if (parts[at].equals("namespaces") && parts.length > at + 2) {
      namespace = parts[at + 1];
      at += 2;
    }
    String resource = parts[at++];
    String name = at < parts.length ? parts[at++] : "";
    String subresource = at < parts.length ? parts[at++] : "";
    if (at < parts.length) {
      // deeper than a subresource: Kubernetes treats the rest as part of nothing it knows
      return nonResource(method, path);
    }
    boolean watch = isWatch(query);
    String verb =
        switch (method.name()) {
          case "GET", "HEAD" -> watch ? "watch" : name.isEmpty() ? "list" : "get";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> name.isEmpty() ? "deletecollection" : "delete";
          default -> method.name().toLowerCase(Locale.ROOT);
        };
    if (group.equals(PROPOSALS_GROUP)
        && resource.equals("proposals")
        && namespace.isEmpty()
        && method == HttpMethod.POST
        && (subresource.equals("merge") || subresource.equals("close"))) {
      verb = subresource;
      subresource = "";
    }
    return new RequestInfo(
        true, verb, path, group, version, resource, subresource, namespace, name);
  }

  private static RequestInfo nonResource(HttpMethod method, String path) {
    return new RequestInfo(
        false, method.name().toLowerCase(Locale.ROOT), path, "", "", "", "", "", "");
  }

  private static boolean isWatch(MultiMap query) {
    String watch = query.get("watch");
    return watch != null && (watch.equals("true") || watch.equals("1"));
  }

  RequestAttributes attributes(UserInfo user) {
    return new RequestAttributes(
        user, verb, resourceRequest, path, group, version, resource, subresource, namespace, name);
  }
}
