package io.cup.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cup.controllers.ResourceVersions;
import io.cup.status.StatusException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The patch types of {@code PATCH}, as Kubernetes takes them for custom resources: JSON merge patch
 * (RFC 7386) and JSON Patch (RFC 6902, see {@link JsonPatch}). A patch that is not JSON of the
 * right shape is 400; a JSON Patch whose operation cannot apply (a failed {@code test}, a missing
 * path) is 422; any other patch type is 415. The result may be at most the resource limit when
 * encoded (413), and a JSON Patch's copies are counted against that limit as they apply, so no
 * patch builds a resource much larger than the limit. Blocking (CPU) work: run it on a worker.
 */
final class Patches {
  static final List<String> TYPES =
      List.of(MediaTypes.MERGE_PATCH, MediaTypes.JSON_PATCH, ServerSideApply.CONTENT_TYPE);

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Patches() {}

  /** The patch type of a {@code Content-Type}, or 415 naming the supported ones. */
  static String type(String contentType) {
    String type = MediaTypes.baseType(contentType);
    if (!TYPES.contains(type)) {
      throw StatusException.unsupportedMediaType(
          "the patch type "
              + (type.isEmpty() ? "(none)" : type)
              + " is not supported; use "
              + String.join(" or ", TYPES));
    }
    return type;
  }

  /**
   * {@code target} with the patch of {@code type} applied, as JSON bytes; 413 when the result (or
   * what a JSON Patch copies) is larger than {@code maxResourceBytes}.
   */
  static byte[] apply(String type, JsonObject target, byte[] patch, long maxResourceBytes) {
    JsonNode document = parse(target.encode().getBytes(StandardCharsets.UTF_8));
    JsonNode parsed = parse(patch);
    JsonNode result =
        type.equals(MediaTypes.MERGE_PATCH)
            ? merge(document, parsed)
            : JsonPatch.apply(document, parsed, maxResourceBytes);
    byte[] encoded;
    try {
      encoded = MAPPER.writeValueAsBytes(result);
    } catch (JsonProcessingException e) {
      throw StatusException.internal("cannot encode the patched resource", e);
    }
    if (encoded.length > maxResourceBytes) {
      throw tooLarge("the patched resource", encoded.length, maxResourceBytes);
    }
    return encoded;
  }

  /**
   * 413 for a resource of {@code size} bytes (negative: not measured to the end) over {@code
   * limit}.
   */
  static StatusException tooLarge(String what, long size, long limit) {
    return StatusException.tooLarge(
        what
            + " is "
            + (size < 0 ? "" : size + " bytes, ")
            + "larger than the limit of "
            + limit
            + " bytes (--api-max-resource-bytes)");
  }

  /**
   * Whether the patch names {@code metadata.resourceVersion} (then it is the client's check): a
   * merge patch with that member (even null: it removes the check), a JSON Patch with an operation
   * on {@code /metadata/resourceVersion} or on {@code /metadata} or the root as a whole with a
   * value naming it. A patch that is not JSON names nothing (it fails when applied).
   */
  static boolean setsResourceVersion(String type, byte[] patch) {
    JsonNode parsed;
    try {
      parsed = MAPPER.readTree(patch);
    } catch (IOException e) {
      return false;
    }
    if (parsed == null) {
      return false;
    }
    if (type.equals(MediaTypes.MERGE_PATCH)) {
      return parsed.path("metadata").has(ResourceVersions.FIELD);
    }
    for (JsonNode operation : parsed) {
      String path = operation.path("path").asText("");
      JsonNode value = operation.path("value");
      if (path.equals("/metadata/" + ResourceVersions.FIELD)
          || path.equals("/metadata") && value.has(ResourceVersions.FIELD)
          || path.isEmpty() && value.path("metadata").has(ResourceVersions.FIELD)) {
        return true;
      }
    }
    return false;
  }

  /** RFC 7386 section 2: objects merge member by member, null removes, anything else replaces. */
  static JsonNode merge(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result =
        target != null && target.isObject()
            ? ((ObjectNode) target).deepCopy()
            : MAPPER.createObjectNode();
    Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (field.getValue().isNull()) {
        result.remove(field.getKey());
      } else {
        result.set(field.getKey(), merge(result.get(field.getKey()), field.getValue()));
      }
    }
    return result;
  }

  private static JsonNode parse(byte[] patch) {
    if (patch == null || patch.length == 0) {
      throw StatusException.badRequest("the request body is empty: expected a patch");
    }
    try {
      JsonNode node = MAPPER.readTree(patch);
      if (node == null || node.isMissingNode()) {
        throw StatusException.badRequest("the request body is empty: expected a patch");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw StatusException.badRequest("the patch is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw StatusException.badRequest("the patch could not be read as JSON");
    }
  }
}
