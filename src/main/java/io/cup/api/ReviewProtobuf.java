package io.cup.api;

import io.cup.status.StatusException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads the self reviews that kubectl 1.33 sends in Kubernetes' protobuf encoding ({@code
 * application/vnd.kubernetes.protobuf}: the magic {@code k8s\0}, then a {@code runtime.Unknown}
 * whose {@code raw} is the object) into the JSON shape {@link ReviewApi} reads. kubectl encodes
 * built-in kinds as protobuf and accepts a JSON answer, but never falls back to a JSON request, so
 * {@code kubectl auth can-i} and {@code auth whoami} need this. Only the fields a review's answer
 * depends on are read ({@code k8s.io/api/authorization/v1/generated.proto}); the rest is skipped.
 */
final class ReviewProtobuf {
  static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

  private static final byte[] MAGIC = {'k', '8', 's', 0};
  private static final List<String> RESOURCE_ATTRIBUTES =
      List.of("namespace", "verb", "group", "version", "resource", "subresource", "name");
  private static final List<String> NON_RESOURCE_ATTRIBUTES = List.of("path", "verb");

  private ReviewProtobuf() {}

  static boolean isProtobuf(String contentType) {
    return contentType != null && MediaTypes.baseType(contentType).equals(MEDIA_TYPE);
  }

  /**
   * The review in {@code body} as JSON ({@code apiVersion}, {@code kind}, {@code spec}); a body
   * that is not a protobuf-encoded {@code kind} is a 400.
   */
  static JsonObject decode(Buffer body, String kind) {
    byte[] bytes = body == null ? new byte[0] : body.getBytes();
    if (bytes.length < MAGIC.length
        || bytes[0] != MAGIC[0]
        || bytes[1] != MAGIC[1]
        || bytes[2] != MAGIC[2]
        || bytes[3] != MAGIC[3]) {
      throw StatusException.badRequest("the request body is not a Kubernetes protobuf object");
    }
    try {
      JsonObject review = new JsonObject();
      byte[] raw = null;
      for (Reader unknown = new Reader(bytes, MAGIC.length, bytes.length); unknown.more(); ) {
        int field = unknown.tag();
        if (field == 1 && unknown.wireType == 2) {
          Reader typeMeta = unknown.message();
          while (typeMeta.more()) {
            int typeField = typeMeta.tag();
            if (typeField == 1 && typeMeta.wireType == 2) {
              review.put("apiVersion", typeMeta.string());
            } else if (typeField == 2 && typeMeta.wireType == 2) {
              review.put("kind", typeMeta.string());
            } else {
              typeMeta.skip();
            }
          }
        } else if (field == 2 && unknown.wireType == 2) {
          raw = unknown.bytes();
        } else if (field == 3 && unknown.wireType == 2) {
          if (!unknown.string().isEmpty()) {
            throw StatusException.unsupportedMediaType("a content encoding is not supported");
          }
        } else {
          unknown.skip();
        }
      }
      if (raw != null) {
        JsonObject spec = spec(new Reader(raw, 0, raw.length), kind);
        if (spec != null) {
          review.put("spec", spec);
        }
      }
      return review;
    } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
      throw StatusException.badRequest("the request body is not a well-formed protobuf " + kind);
    }
  }

  /** The object's {@code spec} (field 2), read as far as {@code kind} needs it; null if absent. */
  private static JsonObject spec(Reader object, String kind) {
    JsonObject spec = null;
    while (object.more()) {
      int field = object.tag();
      if (field == 2 && object.wireType == 2 && !kind.equals("SelfSubjectReview")) {
        spec = new JsonObject();
        Reader fields = object.message();
        while (fields.more()) {
          int specField = fields.tag();
          if (kind.equals("SelfSubjectAccessReview") && fields.wireType == 2 && specField == 1) {
            spec.put("resourceAttributes", strings(fields.message(), RESOURCE_ATTRIBUTES));
          } else if (kind.equals("SelfSubjectAccessReview")
              && fields.wireType == 2
              && specField == 2) {
            spec.put("nonResourceAttributes", strings(fields.message(), NON_RESOURCE_ATTRIBUTES));
          } else if (kind.equals("SelfSubjectRulesReview")
              && fields.wireType == 2
              && specField == 1) {
            spec.put("namespace", fields.string());
          } else {
            fields.skip();
          }
        }
      } else {
        object.skip();
      }
    }
    return spec;
  }

  /** A message of string fields numbered 1, 2, … named {@code names}; other fields skipped. */
  private static JsonObject strings(Reader message, List<String> names) {
    JsonObject json = new JsonObject();
    while (message.more()) {
      int field = message.tag();
      if (field >= 1 && field <= names.size() && message.wireType == 2) {
        json.put(names.get(field - 1), message.string());
      } else {
        message.skip();
      }
    }
    return json;
  }

  /** The protobuf wire format over {@code bytes[from, to)}. */
  private static final class Reader {
    private final byte[] bytes;
    private final int end;
    private int at;
    int wireType;

    Reader(byte[] bytes, int from, int to) {
      this.bytes = bytes;
      this.at = from;
      this.end = to;
    }

    boolean more() {
      return at < end;
    }

    /** Reads a field's key; returns its number and sets {@link #wireType}. */
    int tag() {
      long key = varint();
      wireType = (int) (key & 7);
      return (int) (key >>> 3);
    }

    long varint() {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        byte b = next();
        value |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return value;
        }
      }
      throw new IllegalArgumentException("varint too long");
    }

    byte[] bytes() {
      int length = length();
      byte[] value = java.util.Arrays.copyOfRange(bytes, at, at + length);
      at += length;
      return value;
    }

    String string() {
      int length = length();
      String value = new String(bytes, at, length, StandardCharsets.UTF_8);
      at += length;
      return value;
    }

    Reader message() {
      int length = length();
      Reader message = new Reader(bytes, at, at + length);
      at += length;
      return message;
    }

    void skip() {
      switch (wireType) {
        case 0 -> varint();
        case 1 -> advance(8);
        case 2 -> advance(length());
        case 5 -> advance(4);
        default -> throw new IllegalArgumentException("wire type " + wireType);
      }
    }

    private int length() {
      long length = varint();
      if (length < 0 || length > end - at) {
        throw new IllegalArgumentException("length " + length + " past the end");
      }
      return (int) length;
    }

    private void advance(int count) {
      if (count > end - at) {
        throw new IllegalArgumentException("past the end");
      }
      at += count;
    }

    private byte next() {
      if (at >= end) {
        throw new IllegalArgumentException("past the end");
      }
      return bytes[at++];
    }
  }
}
