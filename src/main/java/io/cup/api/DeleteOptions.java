package io.cup.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cup.status.StatusException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The optional body of a {@code DELETE}, Kubernetes {@code DeleteOptions}: {@code
 * preconditions.resourceVersion} (the resource must still be at that version, else 409) and {@code
 * dryRun: ["All"]}. Other fields ({@code propagationPolicy}, {@code gracePeriodSeconds}) mean
 * nothing for files in Git and are ignored, as a Kubernetes server ignores what does not apply.
 */
record DeleteOptions(String resourceVersion, boolean dryRun) {
  static final DeleteOptions NONE = new DeleteOptions(null, false);

  static DeleteOptions parse(byte[] body) {
    if (body == null || body.length == 0) {
      return NONE;
    }
    ObjectNode node = ResourceValidator.parseObject(body);
    JsonObject options = new JsonObject(node.toString());
    Object kind = options.getValue("kind");
    if (kind != null && !"DeleteOptions".equals(kind)) {
      throw StatusException.badRequest("a DELETE body must be DeleteOptions, not " + kind);
    }
    String version = null;
    Object preconditions = options.getValue("preconditions");
    if (preconditions instanceof JsonObject p) {
      Object value = p.getValue("resourceVersion");
      if (value != null && !(value instanceof String)) {
        throw StatusException.badRequest("preconditions.resourceVersion must be a string");
      }
      version = value == null || ((String) value).isEmpty() ? null : (String) value;
    } else if (preconditions != null) {
      throw StatusException.badRequest("preconditions must be an object");
    }
    Object dryRun = options.getValue("dryRun");
    List<String> values = new ArrayList<>();
    if (dryRun instanceof JsonArray array) {
      array.forEach(v -> values.add(String.valueOf(v)));
    } else if (dryRun != null) {
      throw StatusException.badRequest("dryRun must be a list, [\"All\"]");
    }
    return new DeleteOptions(version, WriteOptions.dryRun(values));
  }
}
