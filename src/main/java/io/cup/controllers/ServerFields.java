package io.cup.controllers;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code metadata} fields the server sets on every read and never stores, as the Kubernetes API
 * server: {@code resourceVersion} ({@link ResourceVersions}), {@code uid}, {@code
 * creationTimestamp}, and {@code generation} and {@code selfLink}, which Cup does not set but drops
 * from writes all the same.
 *
 * <p>{@code uid} is {@link ResourceIdentity#uid}: the same on every read, node, commit and restart.
 * {@code creationTimestamp} is RFC 3339 in UTC to the second ({@code 2025-01-02T03:04:05Z}).
 *
 * <p>Two annotations name the last change where it is known (a controller that names the file of a
 * resource, read from Git): {@value #LAST_CHANGED_BY}, the author of the commit whose time is the
 * creationTimestamp, and {@value #LAST_COMMIT}, that commit. They are dropped from every write as
 * the fields above ({@link #without}); {@code annotations} goes with them when they were all it
 * held.
 */
public final class ServerFields {
  /** Set by the server on reads; dropped from every write. */
  public static final List<String> METADATA =
      List.of("resourceVersion", "uid", "creationTimestamp", "generation", "selfLink");

  /** The author (name) of the last change of the resource's file. */
  public static final String LAST_CHANGED_BY = "cup.flipt.io/last-changed-by";

  /** The commit of the last change of the resource's file. */
  public static final String LAST_COMMIT = "cup.flipt.io/last-commit";

  /** Annotations set by the server on reads; dropped from every write. */
  public static final List<String> ANNOTATIONS = List.of(LAST_CHANGED_BY, LAST_COMMIT);

  private ServerFields() {}

  /** The uid of a resource: {@link ResourceIdentity#uid}. */
  public static String uid(String group, String kind, String namespace, String name) {
    return ResourceIdentity.uid(group, kind, namespace, name);
  }

  /** RFC 3339 in UTC, to the second: {@code 2025-01-02T03:04:05Z}. */
  public static String timestamp(Instant time) {
    LocalDateTime utc = LocalDateTime.ofEpochSecond(time.getEpochSecond(), 0, ZoneOffset.UTC);
    if (utc.getYear() < 0 || utc.getYear() > 9999) {
      return DateTimeFormatter.ISO_INSTANT.format(time.truncatedTo(ChronoUnit.SECONDS));
    }
    // by hand: every listed resource has one, and the formatter costs more than the rest of it
    char[] text = "0000-00-00T00:00:00Z".toCharArray();
    digits(text, 0, 4, utc.getYear());
    digits(text, 5, 2, utc.getMonthValue());
    digits(text, 8, 2, utc.getDayOfMonth());
    digits(text, 11, 2, utc.getHour());
    digits(text, 14, 2, utc.getMinute());
    digits(text, 17, 2, utc.getSecond());
    return new String(text);
  }

  /** Writes {@code value} as {@code width} decimal digits at {@code at}. */
  private static void digits(char[] text, int at, int width, int value) {
    for (int i = at + width - 1; i >= at; i--) {
      text[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  /**
   * {@code resource} with the read's server fields set: a new object and a new {@code metadata},
   * sharing every other value with {@code resource}, which stays as it was (it may be a cached
   * parse).
   */
  public static JsonObject with(
      JsonObject resource, String resourceVersion, String uid, Instant created) {
    return with(resource, resourceVersion, uid, created, null, null);
  }

  /**
   * As {@link #with(JsonObject, String, String, Instant)}, with the last change's author and commit
   * as annotations when known (each null: not set).
   */
  public static JsonObject with(
      JsonObject resource,
      String resourceVersion,
      String uid,
      Instant created,
      String changedBy,
      String commit) {
    JsonObject copy = new JsonObject(copyOf(resource.getMap(), 0));
    // room for the fields set here, so the copy never grows
    JsonObject metadata =
        copy.getValue("metadata") instanceof JsonObject m
            ? new JsonObject(copyOf(m.getMap(), 4))
            : new JsonObject();
    if (copy.getValue("metadata") == null || copy.getValue("metadata") instanceof JsonObject) {
      metadata.put("resourceVersion", resourceVersion);
      metadata.put("uid", uid);
      metadata.put("creationTimestamp", timestamp(created));
      if ((changedBy != null || commit != null)
          && (metadata.getValue("annotations") == null
              || metadata.getValue("annotations") instanceof JsonObject)) {
        JsonObject annotations =
            metadata.getValue("annotations") instanceof JsonObject a
                ? new JsonObject(copyOf(a.getMap(), 2))
                : new JsonObject(new LinkedHashMap<>(4));
        if (changedBy != null) {
          annotations.put(LAST_CHANGED_BY, changedBy);
        }
        if (commit != null) {
          annotations.put(LAST_COMMIT, commit);
        }
        metadata.put("annotations", annotations);
      }
      copy.put("metadata", metadata);
    }
    return copy;
  }

  /** A shallow copy of {@code map} with room for {@code more} entries before it grows. */
  private static Map<String, Object> copyOf(Map<String, Object> map, int more) {
    Map<String, Object> copy = new LinkedHashMap<>((int) ((map.size() + more) / 0.75f) + 1);
    copy.putAll(map);
    return copy;
  }

  /** {@code resource} without any server-set metadata field (a copy only when it had one). */
  public static JsonObject without(JsonObject resource) {
    if (resource != null
        && resource.getValue("metadata") instanceof JsonObject metadata
        && (METADATA.stream().anyMatch(metadata::containsKey) || hasAnnotations(metadata))) {
      JsonObject copy = resource.copy();
      drop(copy.getJsonObject("metadata"));
      return copy;
    }
    return resource;
  }

  /** Removes every server-set field and annotation from {@code metadata}, in place. */
  public static void drop(JsonObject metadata) {
    METADATA.forEach(metadata::remove);
    if (hasAnnotations(metadata)) {
      JsonObject annotations = metadata.getJsonObject("annotations");
      ANNOTATIONS.forEach(annotations::remove);
      if (annotations.isEmpty()) {
        metadata.remove("annotations");
      }
    }
  }

  private static boolean hasAnnotations(JsonObject metadata) {
    return metadata.getValue("annotations") instanceof JsonObject annotations
        && ANNOTATIONS.stream().anyMatch(annotations::containsKey);
  }
}
