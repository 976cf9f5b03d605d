package io.cup.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the {@code ResourceDefinition} objects of a resource configuration, checking each as
 * Kubernetes checks a CRD (names, group, short names, printer columns) and against those read
 * before it (no name, plural, kind or short name twice in a group), and compiling each version's
 * JSON Schema ({@link SchemaCompiler}).
 */
final class DefinitionDocuments {
  private static final Pattern DNS_LABEL = DnsNames.LABEL;
  private static final Pattern DNS_SUBDOMAIN = DnsNames.SUBDOMAIN;
  private static final Pattern KIND_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9]*");

  private static final String DNS_LABEL_RULE =
      "lowercase letters, digits and '-', starting and ending with a letter or digit";

  private final Map<String, ResourceDefinition> definitions = new LinkedHashMap<>();
  private final Map<String, Map<String, JsonSchema>> schemas = new LinkedHashMap<>();
  private final Map<String, ResourceDefinition> byKey = new LinkedHashMap<>();

  /**
   * Reads the definition {@code name}: its names, group, printer columns and versions, each
   * version's schema compiled.
   *
   * @throws ConfigurationException naming the document and field of the first problem
   */
  void add(ConfigurationDocument doc, String name) {
    ResourceDefinition earlier = definitions.get(name);
    if (earlier != null) {
      throw doc.error(
          "metadata.name", "definition \"" + name + "\" is already defined in " + earlier.file());
    }
    String kind = doc.matching("names.kind", KIND_NAME, "letters and digits, starting a letter");
    String singular = doc.matching("names.singular", DNS_LABEL, DNS_LABEL_RULE);
    String plural = doc.matching("names.plural", DNS_LABEL, DNS_LABEL_RULE);
    String group = doc.matching("spec.group", DNS_SUBDOMAIN, "a lowercase DNS name");
    for (ResourceDefinition other : definitions.values()) {
      if (other.group().equals(group) && other.plural().equals(plural)) {
        throw doc.error(
            "names.plural",
            "\""
                + plural
                + "\" of group \""
                + group
                + "\" is already defined by \""
                + other.name()
                + "\" in "
                + other.file());
      }
      if (other.group().equals(group) && other.kind().equals(kind)) {
        throw doc.error(
            "names.kind",
            "\""
                + kind
                + "\" of group \""
                + group
                + "\" is already defined by \""
                + other.name()
                + "\" in "
                + other.file());
      }
    }
    List<String> shortNames = names(doc, "names.shortNames");
    List<String> categories = names(doc, "names.categories");
    checkShortNames(doc, group, singular, plural, shortNames);
    List<PrinterColumn> printerColumns = printerColumns(doc);
    JsonNode versionsNode = doc.field("spec.versions");
    if (!versionsNode.isObject()) {
      throw doc.error(
          "spec.versions",
          versionsNode.isMissingNode()
              ? "required: version → JSON Schema of the resource"
              : "expected an object of version → JSON Schema, found "
                  + ParseErrors.kind(versionsNode));
    }
    if (versionsNode.isEmpty()) {
      throw doc.error("spec.versions", "must declare at least one version");
    }
    Map<String, JsonObject> versions = new LinkedHashMap<>();
    Map<String, JsonSchema> compiled = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = versionsNode.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String version = entry.getKey();
      String field = "spec.versions." + version;
      if (!DNS_LABEL.matcher(version).matches()) {
        throw doc.error(field, "version \"" + version + "\" must be " + DNS_LABEL_RULE);
      }
      if (!entry.getValue().isObject()) {
        throw doc.error(
            field, "expected a JSON Schema object, found " + ParseErrors.kind(entry.getValue()));
      }
      compiled.put(version, SchemaCompiler.compile(doc, field, (ObjectNode) entry.getValue()));
      versions.put(version, ConfigurationDocument.toJsonObject(entry.getValue()));
    }
    ResourceDefinition definition =
        new ResourceDefinition(
            name,
            group,
            kind,
            singular,
            plural,
            Collections.unmodifiableMap(versions),
            shortNames,
            categories,
            printerColumns,
            ConfigurationDocument.toJsonObject(doc.node()),
            doc.where());
    definitions.put(name, definition);
    schemas.put(name, compiled);
    for (String version : versions.keySet()) {
      byKey.put(definition.key(version), definition);
    }
  }

  /**
   * Short names are unique in their group across plurals, singulars and short names, as the
   * Kubernetes naming controller accepts a CRD's names: kubectl could not tell them apart.
   */
  private void checkShortNames(
      ConfigurationDocument doc,
      String group,
      String singular,
      String plural,
      List<String> shortNames) {
    for (int i = 0; i < shortNames.size(); i++) {
      String shortName = shortNames.get(i);
      String field = "names.shortNames[" + i + "]";
      if (shortName.equals(plural) || shortName.equals(singular)) {
        throw doc.error(field, "\"" + shortName + "\" is already the plural or singular name");
      }
      for (ResourceDefinition other : definitions.values()) {
        if (other.group().equals(group)
            && (other.plural().equals(shortName)
                || other.singular().equals(shortName)
                || other.shortNames().contains(shortName))) {
          throw doc.error(
              field,
              "\""
                  + shortName
                  + "\" of group \""
                  + group
                  + "\" is already a name of \""
                  + other.name()
                  + "\" in "
                  + other.file());
        }
      }
    }
  }

  /** Every definition read, in the order read. */
  List<ResourceDefinition> all() {
    return List.copyOf(definitions.values());
  }

  /** The definition that serves {@code key} ({@code <group>/<version>/<plural>}), or null. */
  ResourceDefinition serving(String key) {
    return byKey.get(key);
  }

  /** The compiled schema of {@code version} of {@code definition}. */
  JsonSchema schema(ResourceDefinition definition, String version) {
    return schemas.get(definition.name()).get(version);
  }

  /** Why no definition serves {@code key} ({@code <group>/<version>/<plural>}), for messages. */
  String whyNoneServes(String key) {
    String[] parts = key.split("/");
    String group = parts[0];
    String version = parts[1];
    String plural = parts[2];
    for (ResourceDefinition definition : definitions.values()) {
      if (definition.group().equals(group) && definition.plural().equals(plural)) {
        return "definition \""
            + definition.name()
            + "\" ("
            + definition.file()
            + ") has no version \""
            + version
            + "\" (it has "
            + String.join(", ", definition.versions().keySet())
            + ")";
      }
    }
    Set<String> keys = new LinkedHashSet<>(byKey.keySet());
    return "no definition serves \"" + key + "\"" + ResourceConfigurationLoader.known(keys);
  }

  /**
   * An optional list of distinct DNS labels ({@code names.shortNames}, {@code names.categories}).
   */
  private static List<String> names(ConfigurationDocument doc, String path) {
    JsonNode node = doc.field(path);
    if (node.isMissingNode() || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw doc.error(path, "expected a list of names, found " + ParseErrors.kind(node));
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      String field = path + "[" + i + "]";
      if (!item.isTextual()) {
        throw doc.error(field, "expected a string, found " + ParseErrors.kind(item));
      }
      if (!DNS_LABEL.matcher(item.asText()).matches()) {
        throw doc.error(field, "\"" + item.asText() + "\" must be " + DNS_LABEL_RULE);
      }
      if (names.contains(item.asText())) {
        throw doc.error(field, "\"" + item.asText() + "\" is listed twice");
      }
      names.add(item.asText());
    }
    return List.copyOf(names);
  }

  private static final List<String> PRINTER_COLUMN_KEYS =
      List.of("name", "type", "jsonPath", "description", "priority", "format");

  /**
   * {@code spec.additionalPrinterColumns}, checked as Kubernetes checks a CRD's: a name, a known
   * type, a JSONPath starting with '.', a priority of 0 or more; and names unique (ignoring case,
   * since kubectl prints headers in upper case) and not NAME, which Cup adds itself.
   */
  private static List<PrinterColumn> printerColumns(ConfigurationDocument doc) {
    String path = "spec.additionalPrinterColumns";
    JsonNode node = doc.field(path);
    if (node.isMissingNode() || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw doc.error(
          path,
          "expected a list of {name, type, jsonPath, description, priority, format}, found "
              + ParseErrors.kind(node));
    }
    List<PrinterColumn> columns = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      String at = path + "[" + i + "]";
      JsonNode item = node.get(i);
      if (!item.isObject()) {
        throw doc.error(at, "expected an object, found " + ParseErrors.kind(item));
      }
      for (Iterator<String> keys = item.fieldNames(); keys.hasNext(); ) {
        String key = keys.next();
        if (!PRINTER_COLUMN_KEYS.contains(key)) {
          throw doc.error(
              at + "." + key,
              "unknown field (expected " + String.join(", ", PRINTER_COLUMN_KEYS) + ")");
        }
      }
      String name = memberText(doc, item, at, "name", true);
      String typeName = memberText(doc, item, at, "type", true);
      PrinterColumn.Type type =
          PrinterColumn.Type.of(typeName)
              .orElseThrow(
                  () ->
                      doc.error(
                          at + ".type",
                          "\""
                              + typeName
                              + "\" is not one of integer, number, string, boolean, date"));
      String jsonPath = memberText(doc, item, at, "jsonPath", true);
      String description = memberText(doc, item, at, "description", false);
      String format = memberText(doc, item, at, "format", false);
      JsonNode priorityNode = item.path("priority");
      int priority = 0;
      if (!priorityNode.isMissingNode() && !priorityNode.isNull()) {
        if (!priorityNode.canConvertToInt()
            || !priorityNode.isIntegralNumber()
            || priorityNode.asInt() < 0) {
          throw doc.error(at + ".priority", "expected an integer of 0 or more");
        }
        priority = priorityNode.asInt();
      }
      for (String reserved : PrinterColumn.RESERVED) {
        if (reserved.equalsIgnoreCase(name)) {
          throw doc.error(at + ".name", "\"" + name + "\" is the column Cup adds itself");
        }
      }
      for (PrinterColumn other : columns) {
        if (other.name().equalsIgnoreCase(name)) {
          throw doc.error(at + ".name", "\"" + name + "\" names another column too");
        }
      }
      try {
        columns.add(PrinterColumn.of(name, type, jsonPath, description, priority, format));
      } catch (IllegalArgumentException e) {
        throw doc.error(at + ".jsonPath", e.getMessage());
      }
    }
    return List.copyOf(columns);
  }

  /** A string member of a list item; a missing optional one is empty, a required one non-empty. */
  private static String memberText(
      ConfigurationDocument doc, JsonNode item, String at, String key, boolean required) {
    JsonNode node = item.path(key);
    String field = at + "." + key;
    if (node.isMissingNode() || node.isNull()) {
      if (required) {
        throw doc.error(field, "required");
      }
      return "";
    }
    if (!node.isTextual()) {
      throw doc.error(field, "expected a string, found " + ParseErrors.kind(node));
    }
    if (required && node.asText().isEmpty()) {
      throw doc.error(field, "must not be empty");
    }
    return node.asText();
  }
}
