package io.cup.controllers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * {@code metadata.uid}: Kubernetes clients tell one object from another by it (informers, {@code
 * kubectl delete --wait}). A resource in Git has no creation event to mint one at, so its uid is a
 * name-based UUID (RFC 4122 version 5, SHA-1) of what names it: group, kind, namespace and name. It
 * is the same on every read, node and commit, and needs no storage.
 */
public final class ResourceIdentity {
  /** The namespace of Cup's name-based UUIDs (a version 4 UUID chosen once). */
  private static final UUID NAMESPACE = UUID.fromString("3c5f2b1e-8a4d-4f0e-9b7c-2d6e1a9f4c80");

  /** SHA-1 having read {@link #NAMESPACE}: only ever cloned, never updated or digested itself. */
  private static final MessageDigest IN_NAMESPACE = sha1InNamespace();

  private ResourceIdentity() {}

  /** The uid of the resource {@code namespace/name} of {@code group}'s {@code kind}. */
  public static String uid(String group, String kind, String namespace, String name) {
    return nameBased(group + "/" + kind + "/" + namespace + "/" + name);
  }

  /** A version 5 UUID of {@code name} in Cup's namespace. */
  public static String nameBased(String name) {
    MessageDigest sha1 = inNamespace();
    byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
    hash[6] = (byte) ((hash[6] & 0x0f) | 0x50); // version 5
    hash[8] = (byte) ((hash[8] & 0x3f) | 0x80); // IETF variant
    long high = 0;
    long low = 0;
    for (int i = 0; i < 8; i++) {
      high = (high << 8) | (hash[i] & 0xff);
      low = (low << 8) | (hash[i + 8] & 0xff);
    }
    return new UUID(high, low).toString();
  }

  /**
   * A SHA-1 digest that has read the namespace: a clone of {@link #IN_NAMESPACE} (every listed
   * resource needs a uid, and looking the algorithm up costs more than the hashing).
   */
  private static MessageDigest inNamespace() {
    try {
      return (MessageDigest) IN_NAMESPACE.clone();
    } catch (CloneNotSupportedException e) {
      return sha1InNamespace(); // a provider whose digests do not clone
    }
  }

  private static MessageDigest sha1InNamespace() {
    MessageDigest sha1 = sha1();
    sha1.update(toBytes(NAMESPACE));
    return sha1;
  }

  private static MessageDigest sha1() {
    try {
      return MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is missing from this JVM", e);
    }
  }

  private static byte[] toBytes(UUID uuid) {
    byte[] bytes = new byte[16];
    long high = uuid.getMostSignificantBits();
    long low = uuid.getLeastSignificantBits();
    for (int i = 0; i < 8; i++) {
      bytes[i] = (byte) (high >>> (56 - 8 * i));
      bytes[i + 8] = (byte) (low >>> (56 - 8 * i));
    }
    return bytes;
  }
}
