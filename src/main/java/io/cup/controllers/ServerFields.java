package io.cup.controllers;

import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;

/**
 * The {@code metadata} fields the server sets on every read and never stores, as the Kubernetes API
 * server: {@code resourceVersion} ({@link ResourceVersions}), {@code uid}, {@code
 * creationTimestamp}, and {@code generation} and {@code selfLink}, which Cup does not set but drops
 * from writes all the same.
 *
 * <p>{@code uid} is a name-based UUID (version 5: SHA-1, RFC 4122 layout) of {@code
 * <group>/<kind>/<namespace>/<name>} in Cup's own namespace UUID: the same on every read, node,
 * commit and restart, and different for every resource. {@code creationTimestamp} is RFC 3339 in
 * UTC to the second ({@code 2025-01-02T03:04:05Z}).
 */
public final class ServerFields {
  /** Set by the server on reads; dropped from every write. */
  public static final List<String> METADATA =
      List.of("resourceVersion", "uid", "creationTimestamp", "generation", "selfLink");

  /**
   * The namespace of Cup's name-based UUIDs: itself the version 5 UUID of "cup.flipt.io" in RFC
   * 4122's DNS namespace, so anyone can recompute it.
   */
  public static final UUID NAMESPACE =
      nameBased(UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "cup.flipt.io");

  private ServerFields() {}

  /** The uid of the resource {@code group}/{@code kind} {@code namespace}/{@code name}. */
  public static String uid(String group, String kind, String namespace, String name) {
    return nameBased(NAMESPACE, group + "/" + kind + "/" + namespace + "/" + name).toString();
  }

  /**
   * A version 5 (SHA-1, name-based) UUID of {@code name} in {@code namespace}, as RFC 4122 §4.3.
   */
  public static UUID nameBased(UUID namespace, String name) {
    MessageDigest sha1;
    try {
      sha1 = MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is missing from this JVM", e);
    }
    sha1.update(
        ByteBuffer.allocate(16)
            .putLong(namespace.getMostSignificantBits())
            .putLong(namespace.getLeastSignificantBits())
            .array());
    byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
    hash[6] = (byte) ((hash[6] & 0x0f) | 0x50); // version 5
    hash[8] = (byte) ((hash[8] & 0x3f) | 0x80); // the RFC 4122 variant
    ByteBuffer bytes = ByteBuffer.wrap(hash, 0, 16);
    return new UUID(bytes.getLong(), bytes.getLong());
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
