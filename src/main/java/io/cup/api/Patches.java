package io.cup.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.InvalidJsonPatchException;
import com.flipkart.zjsonpatch.JsonPatch;
import com.flipkart.zjsonpatch.JsonPatchApplicationException;
import io.cup.status.StatusException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The patch types of {@code PATCH}, as Kubernetes takes them for custom resources: JSON merge patch
 * (RFC 7386) and JSON Patch (RFC 6902, applied with zjsonpatch). A patch that is not JSON of the
 * right shape is 400; a JSON Patch whose operation cannot apply (a failed {@code test}, a missing
 * path) is 422; any other patch type is 415.
 */
final class Patches {
  static final List<String> TYPES = List.of(MediaTypes.MERGE_PATCH, MediaTypes.JSON_PATCH);

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

  /** {@code target} with the patch of {@code type} applied, as JSON bytes. */
  static byte[] apply(String type, JsonObject target, byte[] patch) {
    JsonNode document = parse(target.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    JsonNode parsed = parse(patch);
    JsonNode result =
        type.equals(MediaTypes.MERGE_PATCH) ? merge(document, parsed) : jsonPatch(document, parsed);
    try {
      return MAPPER.writeValueAsBytes(result);
    } catch (JsonProcessingException e) {
      throw StatusException.internal("cannot encode the patched resource", e);
    }
  }

  /** Whether the patch names {@code metadata.resourceVersion} (then it is the client's check). */
  static boolean setsResourceVersion(byte[] patch) {
    return new String(patch, java.nio.charset.StandardCharsets.UTF_8).contains("resourceVersion");
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

  private static JsonNode jsonPatch(JsonNode document, JsonNode patch) {
    if (!patch.isArray()) {
      throw StatusException.badRequest(
          "a JSON Patch (application/json-patch+json) must be an array of operations");
    }
    try {
      return JsonPatch.apply(patch, document);
    } catch (InvalidJsonPatchException e) {
      throw StatusException.badRequest("the JSON Patch is not valid: " + e.getMessage());
    } catch (JsonPatchApplicationException e) {
      throw StatusException.unprocessable("the JSON Patch cannot be applied: " + e.getMessage());
    }
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
