package io.cup.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.ValidationMessage;
import io.cup.config.ServedResource;
import io.cup.controllers.ServerFields;
import io.cup.status.StatusException;
import io.cup.status.StatusException.Cause;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns the body of {@code PUT …/namespaces/{ns}/{plural}/{name}} into the resource to store, or
 * says precisely why not: 400 for a body that is not a JSON object or does not name the resource of
 * the path, 422 (with one cause per failing field) for a body its definition's JSON Schema refuses.
 * Plain blocking code: the caller decides on which thread it runs.
 */
final class ResourceValidator {
  /** At most this many causes are listed in a 422 answer; the message counts the rest. */
  static final int MAX_CAUSES = 100;

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final Pattern SIMPLE_KEY = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$-]*");
  private static final Set<String> PROPERTY_KEYWORDS =
      Set.of(
          "required",
          "additionalProperties",
          "unevaluatedProperties",
          "dependentRequired",
          "dependencies");

  private ResourceValidator() {}

  /**
   * The resource to store. A missing {@code metadata.namespace} is set to the path's namespace (as
   * Kubernetes does); every other identifying field must be present and match the path; the
   * computed {@code status.proposals} is dropped.
   */
  static JsonObject validate(ServedResource served, String namespace, String name, byte[] body) {
    return validateWrite(served, namespace, name, body).resource();
  }

  /**
   * A validated write: the resource to store, and the {@code metadata.resourceVersion} the client
   * sent (its precondition, null when absent), which is taken out before the schema check: it is
   * the server's field, never stored.
   */
  record Write(JsonObject resource, String resourceVersion, List<String> warnings) {}

  /** As {@link #validate}, keeping the client's resourceVersion apart. */
  static Write validateWrite(ServedResource served, String namespace, String name, byte[] body) {
    return validateWrite(served, namespace, name, body, FieldValidation.IGNORE, null);
  }

  /**
   * As {@link #validate}, keeping the client's resourceVersion apart, with unknown and duplicate
   * fields handled as {@code fields} says ({@link FieldValidation}); {@code before} (the resource a
   * patch was applied to, or null) names the unknown fields that were there already, which a patch
   * is not blamed for.
   */
  static Write validateWrite(
      ServedResource served,
      String namespace,
      String name,
      byte[] body,
      FieldValidation fields,
      JsonObject before) {
    requireNoDuplicates(served, body, fields);
    ObjectNode resource = parseObject(body);
    List<String> warnings = List.of();
    if (fields != FieldValidation.IGNORE && served.schema() != null) {
      JsonObject schema = served.definition().versions().get(served.version());
      List<String> unknown = new ArrayList<>(UnknownFields.of(schema, resource));
      if (before != null && !unknown.isEmpty()) {
        unknown.removeAll(UnknownFields.of(schema, MAPPER.valueToTree(before.getMap())));
      }
      if (!unknown.isEmpty() && fields == FieldValidation.STRICT) {
        throw strictDecoding(served, unknown.stream().map(f -> "unknown field \"" + f + "\""));
      }
      warnings = unknown.stream().map(f -> "unknown field \"" + f + "\"").toList();
    }
    dropComputedStatus(resource);
    dropServerFields(resource);
    String resourceVersion = null;
    if (resource.get("metadata") instanceof ObjectNode meta && meta.has("resourceVersion")) {
      JsonNode version = meta.remove("resourceVersion");
      if (!version.isNull() && !(version.isTextual() && version.asText().isEmpty())) {
        if (!version.isTextual()) {
          throw StatusException.badRequest("metadata.resourceVersion must be a string");
        }
        resourceVersion = version.asText();
      }
    }
    requireMatch(
        resource.get("apiVersion"),
        "apiVersion",
        served.apiVersion(),
        "the group/version of the path");
    requireMatch(
        resource.get("kind"), "kind", served.definition().kind(), "the kind of the definition");
    JsonNode metadata = resource.get("metadata");
    if (!(metadata instanceof ObjectNode meta)) {
      throw StatusException.badRequest("metadata must be an object with name and namespace");
    }
    requireMatch(meta.get("name"), "metadata.name", name, "the name in the path");
    JsonNode bodyNamespace = meta.get("namespace");
    if (bodyNamespace == null
        || bodyNamespace.isNull()
        || (bodyNamespace.isTextual() && bodyNamespace.asText().isEmpty())) {
      meta.put("namespace", namespace);
    } else {
      requireMatch(bodyNamespace, "metadata.namespace", namespace, "the namespace in the path");
    }
    if (served.schema() != null) {
      checkSchema(served, name, resource);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = MAPPER.convertValue(resource, Map.class);
    return new Write(new JsonObject(map), resourceVersion, warnings);
  }

  /**
   * With {@code fieldValidation=Strict}, 400 naming every field {@code body} gives twice; without,
   * the parser refuses the first it meets (see {@link FieldValidation}).
   */
  static void requireNoDuplicates(ServedResource served, byte[] body, FieldValidation fields) {
    if (fields != FieldValidation.STRICT) {
      return;
    }
    List<String> duplicates = UnknownFields.duplicates(body);
    if (!duplicates.isEmpty()) {
      throw strictDecoding(served, duplicates.stream().map(f -> "duplicate field \"" + f + "\""));
    }
  }

  /** 400 as Kubernetes words a strict decoding failure, naming every field. */
  private static StatusException strictDecoding(ServedResource served, Stream<String> problems) {
    String kind = served.definition().kind();
    return StatusException.badRequest(
        kind
            + " in version \""
            + served.version()
            + "\" cannot be handled as a "
            + kind
            + ": strict decoding error: "
            + problems.collect(Collectors.joining(", ")));
  }

  /**
   * The metadata the server sets on what it answers (docs/kubernetes-clients.md) is never stored: a
   * client that sends back what it read, or what a write answered, must not write it into a file.
   */
  private static void dropServerFields(ObjectNode resource) {
    if (!(resource.get("metadata") instanceof ObjectNode meta)) {
      return;
    }
    meta.remove(List.of("uid", "creationTimestamp", "generation", "selfLink"));
    if (meta.get("annotations") instanceof ObjectNode annotations) {
      boolean had = !annotations.isEmpty();
      annotations.remove(
          List.of(KubernetesAnswers.PROPOSAL_ANNOTATION, ResourceWrites.DRY_RUN_DIFF));
      annotations.remove(ServerFields.ANNOTATIONS);
      if (had && annotations.isEmpty()) {
        meta.remove("annotations");
      }
    }
  }

  /**
   * {@code status.proposals} is computed on reads ({@link PendingProposals}); a client that sends
   * back what it read must not store it, so it is dropped (and {@code status} with it when it held
   * nothing else).
   */
  private static void dropComputedStatus(ObjectNode resource) {
    if (resource.get("status") instanceof ObjectNode status && status.has("proposals")) {
      status.remove("proposals");
      if (status.isEmpty()) {
        resource.remove("status");
      }
    }
  }

  static ObjectNode parseObject(byte[] body) {
    if (body == null || body.length == 0) {
      throw StatusException.badRequest("the request body is empty: expected a JSON object");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw StatusException.badRequest(
          "the request body is not valid JSON" + where + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw StatusException.badRequest("the request body could not be read as JSON");
    }
    if (node == null || node.isMissingNode()) {
      throw StatusException.badRequest("the request body is empty: expected a JSON object");
    }
    if (!(node instanceof ObjectNode object)) {
      String type = node.getNodeType().name().toLowerCase(Locale.ROOT);
      throw StatusException.badRequest("the request body must be a JSON object, not " + type);
    }
    return object;
  }

  private static void checkSchema(ServedResource served, String name, ObjectNode resource) {
    Set<ValidationMessage> messages = served.schema().validate(resource);
    if (messages.isEmpty()) {
      return;
    }
    List<Cause> causes =
        messages.stream()
            .map(ResourceValidator::cause)
            .sorted(Comparator.comparing(Cause::field).thenComparing(Cause::message))
            .distinct()
            .toList();
    StringBuilder message =
        new StringBuilder(served.definition().kind())
            .append('.')
            .append(served.definition().group())
            .append(" \"")
            .append(name)
            .append("\" is invalid: ");
    List<Cause> shown = causes.size() > MAX_CAUSES ? causes.subList(0, MAX_CAUSES) : causes;
    for (int i = 0; i < shown.size(); i++) {
      Cause cause = shown.get(i);
      message.append(i == 0 ? "" : "; ");
      message.append(cause.field().isEmpty() ? "<root>" : cause.field()).append(": ");
      message.append(cause.message());
    }
    if (shown.size() < causes.size()) {
      message.append("; and ").append(causes.size() - shown.size()).append(" more");
    }
    JsonObject details =
        new JsonObject()
            .put("name", name)
            .put("group", served.definition().group())
            .put("kind", served.definition().kind());
    throw new StatusException(422, "Invalid", message.toString(), shown, details, null);
  }

  /** One schema failure as a Kubernetes cause: dotted field path, reason, message. */
  static Cause cause(ValidationMessage message) {
    String field = fieldPath(message.getInstanceLocation());
    String type = message.getType() == null ? "" : message.getType();
    if (message.getProperty() != null && PROPERTY_KEYWORDS.contains(type)) {
      field = appendKey(field, message.getProperty());
    }
    String text = message.getError() != null ? message.getError() : message.getMessage();
    return new Cause(field, reason(type), text);
  }

  /** {@code $.spec.items[0]} as {@code spec.items[0]}; keys that are not simple as {@code [k]}. */
  static String fieldPath(JsonNodePath path) {
    String field = "";
    if (path == null) {
      return field;
    }
    for (int i = 0; i < path.getNameCount(); i++) {
      Object element = path.getElement(i);
      if (element instanceof Integer index) {
        field = field + "[" + index + "]";
      } else {
        field = appendKey(field, String.valueOf(element));
      }
    }
    return field;
  }

  private static String appendKey(String field, String key) {
    if (SIMPLE_KEY.matcher(key).matches()) {
      return field.isEmpty() ? key : field + "." + key;
    }
    return field + "[" + key + "]";
  }

  /** The closest Kubernetes cause type for a JSON Schema keyword. */
  static String reason(String keyword) {
    return switch (keyword) {
      case "required", "dependentRequired", "dependencies" -> "FieldValueRequired";
      case "type" -> "FieldValueTypeInvalid";
      case "enum", "const" -> "FieldValueNotSupported";
      case "additionalProperties", "unevaluatedProperties", "false" -> "FieldValueForbidden";
      case "maxLength", "maxProperties" -> "FieldValueTooLong";
      case "maxItems" -> "FieldValueTooMany";
      case "uniqueItems" -> "FieldValueDuplicate";
      default -> "FieldValueInvalid";
    };
  }

  /** 400 unless {@code value} is the string {@code expected}; {@code whose} says why. */
  private static void requireMatch(JsonNode value, String field, String expected, String whose) {
    if (value == null || value.isMissingNode() || value.isNull()) {
      throw StatusException.badRequest(
          field + " is required: \"" + expected + "\" (" + whose + ")");
    }
    if (!value.isTextual() || !value.asText().equals(expected)) {
      throw StatusException.badRequest(
          field + " " + describe(value) + " does not match \"" + expected + "\" (" + whose + ")");
    }
  }

  private static String describe(JsonNode value) {
    String text = value.toString();
    return text.length() <= 80 ? text : text.substring(0, 80) + "…";
  }
}
