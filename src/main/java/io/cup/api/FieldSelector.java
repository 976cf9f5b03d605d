package io.cup.api;

import io.cup.controllers.Resources;
import io.cup.status.StatusException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Kubernetes {@code fieldSelector} as custom resources have it: {@code metadata.name} and {@code
 * metadata.namespace} with {@code =}, {@code ==} or {@code !=}, requirements joined by commas (all
 * must hold). {@code kubectl get KIND NAME --watch} sends {@code metadata.name=NAME}. Any other
 * field is 400, as Kubernetes answers for a field it cannot select on.
 */
record FieldSelector(List<Requirement> requirements) {
  private static final List<String> FIELDS = List.of("metadata.name", "metadata.namespace");
  static final FieldSelector EVERYTHING = new FieldSelector(List.of());

  /**
   * One requirement: the field's value must (or, {@code negated}, must not) equal {@code value}.
   */
  record Requirement(String field, boolean negated, String value) {
    boolean matches(JsonObject resource) {
      String actual = Resources.metadata(resource, field.substring("metadata.".length()));
      boolean equal = value.equals(actual == null ? "" : actual);
      return negated != equal;
    }
  }

  static FieldSelector parse(String selector) {
    if (selector == null || selector.isBlank()) {
      return EVERYTHING;
    }
    List<Requirement> requirements = new ArrayList<>();
    for (String part : selector.split(",", -1)) {
      String term = part.strip();
      boolean negated;
      int at;
      int width;
      if ((at = term.indexOf("!=")) >= 0) {
        negated = true;
        width = 2;
      } else if ((at = term.indexOf("==")) >= 0) {
        negated = false;
        width = 2;
      } else if ((at = term.indexOf('=')) >= 0) {
        negated = false;
        width = 1;
      } else {
        throw StatusException.badRequest(
            "fieldSelector: \"" + term + "\" is not field=value, field==value or field!=value");
      }
      String field = term.substring(0, at).strip();
      String value = term.substring(at + width).strip();
      if (!FIELDS.contains(field)) {
        throw StatusException.badRequest(
            "fieldSelector: \""
                + field
                + "\" is not a field label this server selects on; use "
                + String.join(" or ", FIELDS));
      }
      requirements.add(new Requirement(field, negated, value));
    }
    return new FieldSelector(List.copyOf(requirements));
  }

  boolean matches(JsonObject resource) {
    for (Requirement requirement : requirements) {
      if (!requirement.matches(resource)) {
        return false;
      }
    }
    return true;
  }

  boolean isEmpty() {
    return requirements.isEmpty();
  }
}
