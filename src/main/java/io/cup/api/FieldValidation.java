package io.cup.api;

import io.cup.status.StatusException;
import java.util.List;

/**
 * Kubernetes' {@code fieldValidation} query parameter of a create, replace or patch: what the
 * server does with the fields of a body its definition's schema does not declare ({@link
 * UnknownFields}), and with a field given twice in one JSON object.
 *
 * <ul>
 *   <li>{@link #STRICT}: 400 BadRequest that names every unknown and every duplicate field ({@code
 *       strict decoding error: unknown field "spec.foo"}), nothing written;
 *   <li>{@link #WARN}: the write goes on, and the answer carries one {@code Warning} header per
 *       unknown field;
 *   <li>{@link #IGNORE}, and no parameter at all: as before the parameter existed. Unknown fields
 *       are kept when the schema allows them (it refuses them with 422 where it says {@code
 *       additionalProperties: false}).
 * </ul>
 *
 * A duplicate field is refused in every mode (400): which of two values a JSON parser keeps differs
 * from parser to parser, and a resource whose meaning depends on that is never stored.
 */
enum FieldValidation {
  IGNORE("Ignore"),
  WARN("Warn"),
  STRICT("Strict");

  /** The header a warning travels in. */
  static final String WARNING = "Warning";

  private final String value;

  FieldValidation(String value) {
    this.value = value;
  }

  /** The mode of a request's {@code fieldValidation} values: 400 for any but the three. */
  static FieldValidation of(List<String> values) {
    if (values == null || values.isEmpty()) {
      return IGNORE;
    }
    FieldValidation mode = null;
    for (String given : values) {
      FieldValidation parsed = parse(given);
      if (mode != null && parsed != mode) {
        throw StatusException.badRequest("fieldValidation is given twice, with different values");
      }
      mode = parsed;
    }
    return mode;
  }

  private static FieldValidation parse(String given) {
    for (FieldValidation mode : values()) {
      if (mode.value.equals(given)) {
        return mode;
      }
    }
    throw StatusException.badRequest(
        "fieldValidation: Unsupported value: \""
            + given
            + "\": supported values: \"Ignore\", \"Strict\", \"Warn\"");
  }

  /** A warning as the {@code Warning} header carries it (RFC 7234 code 299, as Kubernetes). */
  static String warningHeader(String text) {
    return "299 - \"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
