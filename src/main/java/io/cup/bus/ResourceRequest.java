package io.cup.bus;

import io.vertx.core.json.JsonObject;

/**
 * A request to a controller worker about resources of one definition version in one namespace.
 * {@code name} is null for list; {@code revision} null means the tracked branch head; {@code
 * labelSelector} only for list (already validated by the API); {@code resource} only for put.
 * {@code resourceVersion} (put, delete) is the precondition: the resource must be as it was at that
 * version, else 409; null means unconditional. {@code dryRun} (put, delete) asks for the unified
 * diff and the current resource in the reply.
 */
public record ResourceRequest(
    String group,
    String version,
    String plural,
    String namespace,
    String name,
    String revision,
    String labelSelector,
    JsonObject resource,
    String resourceVersion,
    boolean dryRun)
    implements BusMessage {

  /** A request without precondition, not a dry run. */
  public ResourceRequest(
      String group,
      String version,
      String plural,
      String namespace,
      String name,
      String revision,
      String labelSelector,
      JsonObject resource) {
    this(group, version, plural, namespace, name, revision, labelSelector, resource, null, false);
  }

  /** The same request with a precondition and dry-run flag. */
  public ResourceRequest withPrecondition(String expectedVersion, boolean dry) {
    return new ResourceRequest(
        group,
        version,
        plural,
        namespace,
        name,
        revision,
        labelSelector,
        resource,
        expectedVersion,
        dry);
  }

  /** The definition key, as in {@code GET /apis}: {@code <group>/<version>/<plural>}. */
  public String key() {
    return group + "/" + version + "/" + plural;
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("group", group)
        .put("version", version)
        .put("plural", plural)
        .put("namespace", namespace)
        .put("name", name)
        .put("revision", revision)
        .put("labelSelector", labelSelector)
        .put("resource", resource)
        .put("resourceVersion", resourceVersion)
        .put("dryRun", dryRun);
  }

  public static ResourceRequest fromJson(JsonObject json) {
    return new ResourceRequest(
        json.getString("group"),
        json.getString("version"),
        json.getString("plural"),
        json.getString("namespace"),
        json.getString("name"),
        json.getString("revision"),
        json.getString("labelSelector"),
        json.getJsonObject("resource"),
        json.getString("resourceVersion"),
        json.getBoolean("dryRun", false));
  }
}
