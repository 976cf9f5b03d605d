package io.cup.controllers;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The {@code metadata} fields the server sets on every read and never stores, as the Kubernetes API
 * server: {@code resourceVersion} ({@link ResourceVersions}), {@code uid}, {@code
 * creationTimestamp}, and {@code generation} and {@code selfLink}, which Cup does not set but drops
 * from writes all the same.
 *
 * <p>{@code uid} is {@link ResourceIdentity#uid}: the same on every read, node, commit and restart.
 * {@code creationTimestamp} is RFC 3339 in UTC to the second ({@code 2025-01-02T03:04:05Z}).
 */
public final class ServerFields {
  /** Set by the server on reads; dropped from every write. */
  public static final List<String> METADATA =
      List.of("resourceVersion", "uid", "creationTimestamp", "generation", "selfLink");

  private ServerFields() {}

  /** The uid of a resource: {@link ResourceIdentity#uid}. */
  public static String uid(String group, String kind, String namespace, String name) {
    return ResourceIdentity.uid(group, kind, namespace, name);
  }

  /** RFC 3339 in UTC, to the second: {@code 2025-01-02T03:04:05Z}. */
  public static String timestamp(Instant time) {
    return DateTimeFormatter.ISO_INSTANT.format(time.truncatedTo(ChronoUnit.SECONDS));
  }

  /**
   * {@code resource} with the read's server fields set: a new object and a new {@code metadata},
   * sharing every other value with {@code resource}, which stays as it was (it may be a cached
   * parse).
   */
  public static JsonObject with(
      JsonObject resource, String resourceVersion, String uid, Instant created) {
    JsonObject copy = new JsonObject(new LinkedHashMap<>(resource.getMap()));
    JsonObject metadata =
        copy.getValue("metadata") instanceof JsonObject m
            ? new JsonObject(new LinkedHashMap<>(m.getMap()))
            : new JsonObject();
    if (copy.getValue("metadata") == null || copy.getValue("metadata") instanceof JsonObject) {
      metadata.put("resourceVersion", resourceVersion);
      metadata.put("uid", uid);
      metadata.put("creationTimestamp", timestamp(created));
      copy.put("metadata", metadata);
    }
    return copy;
  }

  /** {@code resource} without any server-set metadata field (a copy only when it had one). */
  public static JsonObject without(JsonObject resource) {
    if (resource != null
        && resource.getValue("metadata") instanceof JsonObject metadata
        && METADATA.stream().anyMatch(metadata::containsKey)) {
      JsonObject copy = resource.copy();
      JsonObject copied = copy.getJsonObject("metadata");
      METADATA.forEach(copied::remove);
      return copy;
    }
    return resource;
  }
}
