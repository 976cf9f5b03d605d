package io.cup.access;

import java.util.Objects;

/**
 * What a request asks to do, as Kubernetes' {@code authorizer.Attributes}: a verb on a resource
 * (group, resource, optional subresource, namespace and name), or a verb on a non-resource URL
 * ({@code /metrics}, {@code /apis}, {@code /openapi/v3}). Cluster-scoped resources (Cup's
 * proposals) have an empty namespace.
 *
 * @param user who asks
 * @param verb {@code get}, {@code list}, {@code watch}, {@code create}, {@code update}, {@code
 *     patch}, {@code delete}; for proposals also {@code merge} and {@code close}; for a
 *     non-resource URL the lower-case HTTP method ({@code get}, {@code post}, …)
 * @param resourceRequest whether this is about a resource (else {@link #path} is the URL)
 * @param path the request path, for a non-resource request
 * @param apiGroup the API group ("" for none)
 * @param apiVersion the API version
 * @param resource the plural resource name
 * @param subresource the subresource, or ""
 * @param namespace the namespace, or "" for a cluster-scoped resource or a request across them
 * @param name the object name, or "" for a collection
 */
public record RequestAttributes(
    UserInfo user,
    String verb,
    boolean resourceRequest,
    String path,
    String apiGroup,
    String apiVersion,
    String resource,
    String subresource,
    String namespace,
    String name) {

  public RequestAttributes {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(verb, "verb");
    path = path == null ? "" : path;
    apiGroup = apiGroup == null ? "" : apiGroup;
    apiVersion = apiVersion == null ? "" : apiVersion;
    resource = resource == null ? "" : resource;
    subresource = subresource == null ? "" : subresource;
    namespace = namespace == null ? "" : namespace;
    name = name == null ? "" : name;
  }

  /** A verb on a resource. */
  public static RequestAttributes resource(
      UserInfo user,
      String verb,
      String apiGroup,
      String apiVersion,
      String resource,
      String namespace,
      String name) {
    return new RequestAttributes(
        user, verb, true, "", apiGroup, apiVersion, resource, "", namespace, name);
  }

  /** A verb on a non-resource URL. */
  public static RequestAttributes nonResource(UserInfo user, String verb, String path) {
    return new RequestAttributes(user, verb, false, path, "", "", "", "", "", "");
  }

  /** The same request by another verb (PUT is {@code update}, or {@code create} when new). */
  public RequestAttributes withVerb(String other) {
    return new RequestAttributes(
        user,
        other,
        resourceRequest,
        path,
        apiGroup,
        apiVersion,
        resource,
        subresource,
        namespace,
        name);
  }
}
