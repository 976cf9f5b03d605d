package io.cup.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaException;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaId;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion.VersionFlag;
import com.networknt.schema.ValidationMessage;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Loads a Cup resource configuration directory written for the original Cup: every {@code *.json},
 * {@code *.yaml} and {@code *.yml} file in it (not in subdirectories), in name order, each holding
 * {@code apiVersion: cup.flipt.io/v1alpha1} objects of kind {@code ResourceDefinition}, {@code
 * Controller} or {@code Binding}, and Kubernetes RBAC objects ({@code rbac.authorization.k8s.io/v1}
 * Role, ClusterRole, RoleBinding, ClusterRoleBinding) that authorize the API (a YAML file may hold
 * several documents; a {@code kind: List} of {@code apiVersion: v1} holds several objects in its
 * {@code items}). Other files, such as the {@code .wasm} modules that controllers name, are left
 * alone.
 *
 * <p>Everything is checked before anything is served: each definition's schemas are validated
 * against their meta-schema and compiled, each wasm controller's module must exist, each binding
 * must name a known controller and served definition versions, and no {@code <group>/<version>/
 * <plural>} may be served twice. Any problem is a {@link ConfigurationException} whose message
 * starts with the file and the field.
 *
 * <p>Schemas are JSON Schema draft 2020-12 unless their {@code $schema} names draft 2019-09, 7, 6
 * or 4. A schema may {@code $ref} only into itself: remote schemas are never fetched.
 */
public final class ResourceConfigurationLoader {
  public static final String API_VERSION = "cup.flipt.io/v1alpha1";
  public static final String DEFINITION_KIND = "ResourceDefinition";
  public static final String CONTROLLER_KIND = "Controller";
  public static final String BINDING_KIND = "Binding";
  public static final String TEMPLATE_CONTROLLER = "template";
  public static final String WASM_CONTROLLER = "wasm";

  /** The apiVersion and kind of a list of objects ({@code kubectl get -o yaml}). */
  public static final String LIST_API_VERSION = "v1";

  public static final String LIST_KIND = "List";

  private static final List<String> KINDS = List.of(DEFINITION_KIND, CONTROLLER_KIND, BINDING_KIND);

  /** Keys of a template controller's spec: the original's code and the original's docs. */
  private static final List<String> TEMPLATE_KEYS =
      List.of("resource_template", "list_template", "path_template", "directory_template");

  private static final Pattern DNS_LABEL = DnsNames.LABEL;
  private static final Pattern DNS_SUBDOMAIN = DnsNames.SUBDOMAIN;
  private static final Pattern KIND_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9]*");

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /**
   * Schemas compiled here validate resources: messages in English whatever the host locale, and
   * instance locations as {@code $.spec.enabled}.
   */
  private static final SchemaValidatorsConfig SCHEMA_CONFIG =
      SchemaValidatorsConfig.builder().locale(Locale.ENGLISH).pathType(PathType.LEGACY).build();

  private static final Map<VersionFlag, String> META_SCHEMA_IDS = metaSchemaIds();
  private static final Map<VersionFlag, JsonSchemaFactory> FACTORIES =
      Collections.synchronizedMap(new EnumMap<>(VersionFlag.class));
  private static final Map<VersionFlag, JsonSchema> META_SCHEMAS =
      Collections.synchronizedMap(new EnumMap<>(VersionFlag.class));

  private ResourceConfigurationLoader() {}

  /**
   * Loads and checks the configuration in {@code dir}. Blocking (file I/O): never call it on an
   * event loop.
   *
   * @throws ConfigurationException naming the file and the field of the first problem found
   */
  public static ResourceConfiguration load(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new ConfigurationException(dir + ": not a directory");
    }
    Collector collector = new Collector(dir);
    for (Path file : configurationFiles(dir)) {
      for (Document document : readDocuments(file)) {
        collector.add(document);
      }
    }
    return collector.resolve();
  }

  private static List<Path> configurationFiles(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .filter(Files::isRegularFile)
          .filter(
              p -> {
                String name = p.getFileName().toString();
                return name.endsWith(".json") || name.endsWith(".yaml") || name.endsWith(".yml");
              })
          .sorted(Comparator.comparing(p -> p.getFileName().toString()))
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new ConfigurationException(dir + ": cannot list: " + e.getMessage(), e);
    }
  }

  /** One object of a configuration file; {@code where} starts every message about it. */
  record Document(String where, ObjectNode node) {
    ConfigurationException error(String field, String problem) {
      return new ConfigurationException(where + ": " + field + ": " + problem);
    }
  }

  private static List<Document> readDocuments(Path file) {
    String name = file.toString();
    List<JsonNode> nodes = new ArrayList<>();
    try {
      byte[] bytes = Files.readAllBytes(file);
      if (name.endsWith(".json")) {
        nodes.add(JSON.readTree(bytes));
      } else {
        // One node per YAML document; a document that is a list stays one (non-object) node.
        try (JsonParser parser = YAML.getFactory().createParser(bytes)) {
          while (parser.nextToken() != null) {
            nodes.add(YAML.readTree(parser));
          }
        }
      }
    } catch (JsonProcessingException e) {
      throw new ConfigurationException(name + ": " + ParseErrors.describe(e), e);
    } catch (IOException e) {
      throw new ConfigurationException(name + ": cannot read: " + e.getMessage(), e);
    }
    nodes.removeIf(node -> node == null || node.isMissingNode() || node.isNull());
    if (nodes.isEmpty()) {
      throw new ConfigurationException(name + ": empty: expected a " + String.join(", ", KINDS));
    }
    List<Document> documents = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      String where = nodes.size() == 1 ? name : name + " (document " + (i + 1) + ")";
      JsonNode node = nodes.get(i);
      if (!node.isObject()) {
        throw new ConfigurationException(
            where + ": expected an object, found " + ParseErrors.kind(node));
      }
      documents.add(new Document(where, (ObjectNode) node));
    }
    return documents;
  }

  /** Gathers every object, checking each alone, then checks the references between them. */
  private static final class Collector {
    private final Path dir;
    private final Map<String, ResourceDefinition> definitions = new LinkedHashMap<>();
    private final Map<String, Map<String, JsonSchema>> schemas = new LinkedHashMap<>();
    private final Map<String, ResourceDefinition> definitionsByKey = new LinkedHashMap<>();
    private final Map<String, ControllerConfig> controllers = new LinkedHashMap<>();
    private final Map<String, Binding> bindings = new LinkedHashMap<>();
    private final Map<String, Document> bindingDocuments = new LinkedHashMap<>();
    private final RbacDocuments rbac = new RbacDocuments();

    Collector(Path dir) {
      this.dir = dir;
    }

    void add(Document doc) {
      String apiVersion = text(doc, "apiVersion");
      if (LIST_API_VERSION.equals(apiVersion)) {
        addList(doc);
        return;
      }
      if (RbacDocuments.API_VERSION.equals(apiVersion)) {
        rbac.add(doc);
        return;
      }
      if (!API_VERSION.equals(apiVersion)) {
        throw doc.error(
            "apiVersion",
            "expected \""
                + API_VERSION
                + "\" or \""
                + RbacDocuments.API_VERSION
                + "\", found \""
                + apiVersion
                + "\"");
      }
      if (field(doc, "kind").isMissingNode()) {
        throw doc.error("kind", "required (one of " + String.join(", ", KINDS) + ")");
      }
      String kind = text(doc, "kind");
      String name = text(doc, "metadata.name");
      switch (kind) {
        case DEFINITION_KIND -> addDefinition(doc, name);
        case CONTROLLER_KIND -> addController(doc, name);
        case BINDING_KIND -> addBinding(doc, name);
        default ->
            throw doc.error(
                "kind",
                "unknown kind \"" + kind + "\" (expected " + String.join(", ", KINDS) + ")");
      }
    }

    /** A {@code kind: List} of objects, as {@code kubectl get -o yaml} writes several. */
    private void addList(Document doc) {
      String kind = text(doc, "kind");
      if (!LIST_KIND.equals(kind)) {
        throw doc.error(
            "kind",
            "apiVersion \""
                + LIST_API_VERSION
                + "\" is only read for kind \""
                + LIST_KIND
                + "\", found \""
                + kind
                + "\"");
      }
      JsonNode items = field(doc, "items");
      if (!items.isArray()) {
        throw doc.error("items", "expected a list of objects, found " + ParseErrors.kind(items));
      }
      for (int i = 0; i < items.size(); i++) {
        String where = doc.where() + " items[" + i + "]";
        JsonNode item = items.get(i);
        if (!item.isObject()) {
          throw new ConfigurationException(
              where + ": expected an object, found " + ParseErrors.kind(item));
        }
        add(new Document(where, (ObjectNode) item));
      }
    }

    private void addDefinition(Document doc, String name) {
      ResourceDefinition earlier = definitions.get(name);
      if (earlier != null) {
        throw doc.error(
            "metadata.name", "definition \"" + name + "\" is already defined in " + earlier.file());
      }
      String kind = matching(doc, "names.kind", KIND_NAME, "letters and digits, starting a letter");
      String singular = matching(doc, "names.singular", DNS_LABEL, DNS_LABEL_RULE);
      String plural = matching(doc, "names.plural", DNS_LABEL, DNS_LABEL_RULE);
      String group = matching(doc, "spec.group", DNS_SUBDOMAIN, "a lowercase DNS name");
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
      JsonNode versionsNode = field(doc, "spec.versions");
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
        compiled.put(version, compileSchema(doc, field, (ObjectNode) entry.getValue()));
        versions.put(version, toJsonObject(entry.getValue()));
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
              toJsonObject(doc.node()),
              doc.where());
      definitions.put(name, definition);
      schemas.put(name, compiled);
      for (String version : versions.keySet()) {
        definitionsByKey.put(definition.key(version), definition);
      }
    }

    /**
     * Short names are unique in their group across plurals, singulars and short names, as the
     * Kubernetes naming controller accepts a CRD's names: kubectl could not tell them apart.
     */
    private void checkShortNames(
        Document doc, String group, String singular, String plural, List<String> shortNames) {
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

    private void addController(Document doc, String name) {
      ControllerConfig earlier = controllers.get(name);
      if (earlier != null) {
        throw doc.error(
            "metadata.name", "controller \"" + name + "\" is already defined in " + earlier.file());
      }
      String type = text(doc, "spec.type");
      JsonNode specNode = field(doc, "spec.spec");
      if (!specNode.isMissingNode() && !specNode.isNull() && !specNode.isObject()) {
        throw doc.error("spec.spec", "expected an object, found " + ParseErrors.kind(specNode));
      }
      JsonObject spec = specNode.isObject() ? toJsonObject(specNode) : new JsonObject();
      switch (type) {
        case TEMPLATE_CONTROLLER -> {
          for (String key : TEMPLATE_KEYS) {
            if (spec.containsKey(key) && !(spec.getValue(key) instanceof String)) {
              throw doc.error("spec.spec." + key, "expected a template string");
            }
          }
        }
        case WASM_CONTROLLER -> checkModule(doc, specNode);
        default ->
            throw doc.error(
                "spec.type",
                "unknown controller type \""
                    + type
                    + "\" (expected "
                    + TEMPLATE_CONTROLLER
                    + ", "
                    + WASM_CONTROLLER
                    + ")");
      }
      Path directory = dir.toAbsolutePath().normalize();
      controllers.put(name, new ControllerConfig(name, type, spec, directory, doc.where()));
    }

    private void checkModule(Document doc, JsonNode specNode) {
      if (!specNode.isObject()) {
        throw doc.error(
            "spec.spec", "required for a wasm controller: {\"path\": \"<module>.wasm\"}");
      }
      String path = text(doc, "spec.spec.path");
      Path base = dir.toAbsolutePath().normalize();
      Path module = base.resolve(path).normalize();
      if (Path.of(path).isAbsolute() || !module.startsWith(base)) {
        throw doc.error(
            "spec.spec.path",
            "\"" + path + "\" must be a path inside " + dir + " (relative to it)");
      }
      if (!Files.isRegularFile(module)) {
        throw doc.error("spec.spec.path", "module \"" + path + "\" not found in " + dir);
      }
    }

    private void addBinding(Document doc, String name) {
      Binding earlier = bindings.get(name);
      if (earlier != null) {
        throw doc.error(
            "metadata.name", "binding \"" + name + "\" is already defined in " + earlier.file());
      }
      String controller = text(doc, "spec.controller");
      JsonNode resourcesNode = field(doc, "spec.resources");
      if (!resourcesNode.isArray()) {
        throw doc.error(
            "spec.resources",
            resourcesNode.isMissingNode()
                ? "required: a list of \"<group>/<version>/<plural>\""
                : "expected a list of \"<group>/<version>/<plural>\", found "
                    + ParseErrors.kind(resourcesNode));
      }
      if (resourcesNode.isEmpty()) {
        throw doc.error("spec.resources", "must name at least one \"<group>/<version>/<plural>\"");
      }
      List<String> resources = new ArrayList<>();
      for (int i = 0; i < resourcesNode.size(); i++) {
        JsonNode item = resourcesNode.get(i);
        String field = "spec.resources[" + i + "]";
        if (!item.isTextual()) {
          throw doc.error(field, "expected a string, found " + ParseErrors.kind(item));
        }
        String[] parts = item.asText().split("/", -1);
        if (parts.length != 3 || Stream.of(parts).anyMatch(String::isEmpty)) {
          throw doc.error(field, "\"" + item.asText() + "\" is not \"<group>/<version>/<plural>\"");
        }
        resources.add(item.asText());
      }
      bindings.put(name, new Binding(name, controller, resources, doc.where()));
      bindingDocuments.put(name, doc);
    }

    ResourceConfiguration resolve() {
      if (bindings.isEmpty()) {
        throw new ConfigurationException(dir + ": no bindings: nothing to serve");
      }
      Map<String, ServedResource> served = new LinkedHashMap<>();
      Map<String, Binding> servedBy = new LinkedHashMap<>();
      for (Binding binding : bindings.values()) {
        Document doc = bindingDocuments.get(binding.name());
        ControllerConfig controller = controllers.get(binding.controller());
        if (controller == null) {
          throw doc.error(
              "spec.controller",
              "no controller named \"" + binding.controller() + "\"" + known(controllers.keySet()));
        }
        for (int i = 0; i < binding.resources().size(); i++) {
          String key = binding.resources().get(i);
          String field = "spec.resources[" + i + "]";
          ResourceDefinition definition = definitionsByKey.get(key);
          String[] parts = key.split("/");
          if (definition == null) {
            throw doc.error(field, noDefinition(parts[0], parts[1], parts[2], key));
          }
          Binding other = servedBy.get(key);
          if (other != null) {
            throw doc.error(
                field,
                "\""
                    + key
                    + "\" is already served by binding \""
                    + other.name()
                    + "\" in "
                    + other.file());
          }
          servedBy.put(key, binding);
          JsonSchema schema = schemas.get(definition.name()).get(parts[1]);
          served.put(key, new ServedResource(definition, parts[1], schema, controller));
        }
      }
      return new ResourceConfiguration(
          List.copyOf(definitions.values()),
          controllers,
          List.copyOf(bindings.values()),
          served,
          rbac.resolve());
    }

    private String noDefinition(String group, String version, String plural, String key) {
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
      Set<String> keys = new LinkedHashSet<>(definitionsByKey.keySet());
      return "no definition serves \"" + key + "\"" + known(keys);
    }

    private static String known(Set<String> names) {
      return names.isEmpty()
          ? " (none is defined)"
          : " (defined: " + String.join(", ", names) + ")";
    }
  }

  private static final String DNS_LABEL_RULE =
      "lowercase letters, digits and '-', starting and ending with a letter or digit";

  // ---------------------------------------------------------------- fields

  /** The node at a dotted path, or a missing node. */
  static JsonNode field(Document doc, String path) {
    JsonNode node = doc.node();
    for (String part : path.split("\\.")) {
      node = node.path(part);
    }
    return node;
  }

  /** A required, non-empty string field. */
  static String text(Document doc, String path) {
    JsonNode node = field(doc, path);
    if (node.isMissingNode() || node.isNull()) {
      throw doc.error(path, "required");
    }
    if (!node.isTextual()) {
      throw doc.error(path, "expected a string, found " + ParseErrors.kind(node));
    }
    if (node.asText().isEmpty()) {
      throw doc.error(path, "must not be empty");
    }
    return node.asText();
  }

  /**
   * An optional list of distinct DNS labels ({@code names.shortNames}, {@code names.categories}).
   */
  private static List<String> names(Document doc, String path) {
    JsonNode node = field(doc, path);
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
  private static List<PrinterColumn> printerColumns(Document doc) {
    String path = "spec.additionalPrinterColumns";
    JsonNode node = field(doc, path);
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
      Document doc, JsonNode item, String at, String key, boolean required) {
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

  private static String matching(Document doc, String path, Pattern pattern, String rule) {
    String value = text(doc, path);
    if (!pattern.matcher(value).matches()) {
      throw doc.error(path, "\"" + value + "\" must be " + rule);
    }
    return value;
  }

  private static JsonObject toJsonObject(JsonNode node) {
    return new JsonObject(node.toString());
  }

  // ---------------------------------------------------------------- schemas

  private static JsonSchema compileSchema(Document doc, String field, ObjectNode schema) {
    VersionFlag version = specVersion(doc, field, schema);
    // The canonical meta-schema id lets the factory find its built-in copy of the meta-schema
    // whichever spelling (http or https, with or without '#') the file used.
    ObjectNode canonical = schema.deepCopy();
    if (canonical.has("$schema")) {
      canonical.put("$schema", META_SCHEMA_IDS.get(version));
    }
    Set<ValidationMessage> problems = metaSchema(version).validate(canonical);
    if (!problems.isEmpty()) {
      throw doc.error(field, "schema invalid: " + describe(problems));
    }
    try {
      JsonSchema compiled = factory(version).getSchema(canonical, SCHEMA_CONFIG);
      // Resolve every $ref now, so a broken reference fails at startup, not on a request.
      compiled.initializeValidators();
      return compiled;
    } catch (JsonSchemaException e) {
      throw doc.error(field, "schema invalid: " + e.getMessage());
    } catch (RuntimeException e) {
      throw doc.error(field, "schema invalid: " + e);
    }
  }

  private static VersionFlag specVersion(Document doc, String field, JsonNode schema) {
    JsonNode declared = schema.path("$schema");
    if (declared.isMissingNode()) {
      return VersionFlag.V202012;
    }
    if (!declared.isTextual()) {
      throw doc.error(field + ".$schema", "expected a string, found " + ParseErrors.kind(declared));
    }
    String normalized = declared.asText().trim().replaceFirst("^http://", "https://");
    normalized = normalized.replaceAll("#$", "").replaceAll("/$", "");
    for (Map.Entry<VersionFlag, String> entry : META_SCHEMA_IDS.entrySet()) {
      String id = entry.getValue().replaceFirst("^http://", "https://").replaceAll("#$", "");
      if (id.equals(normalized)) {
        return entry.getKey();
      }
    }
    throw doc.error(
        field + ".$schema",
        "unsupported meta-schema \""
            + declared.asText()
            + "\" (supported: draft 2020-12, 2019-09, 7, 6, 4)");
  }

  private static Map<VersionFlag, String> metaSchemaIds() {
    Map<VersionFlag, String> ids = new EnumMap<>(VersionFlag.class);
    ids.put(VersionFlag.V202012, SchemaId.V202012);
    ids.put(VersionFlag.V201909, SchemaId.V201909);
    ids.put(VersionFlag.V7, SchemaId.V7);
    ids.put(VersionFlag.V6, SchemaId.V6);
    ids.put(VersionFlag.V4, SchemaId.V4);
    return Collections.unmodifiableMap(ids);
  }

  private static JsonSchemaFactory factory(VersionFlag version) {
    return FACTORIES.computeIfAbsent(
        version,
        v ->
            JsonSchemaFactory.getInstance(
                v, builder -> builder.schemaLoaders(loaders -> loaders.add(LocalSchemas::load))));
  }

  private static JsonSchema metaSchema(VersionFlag version) {
    return META_SCHEMAS.computeIfAbsent(
        version,
        v -> factory(v).getSchema(SchemaLocation.of(META_SCHEMA_IDS.get(v)), SCHEMA_CONFIG));
  }

  private static String describe(Set<ValidationMessage> problems) {
    return problems.stream()
        .map(ValidationMessage::getMessage)
        .distinct()
        .sorted()
        .collect(Collectors.joining("; "));
  }

  /** Lets the built-in meta-schemas load from the classpath and refuses everything else. */
  private static final class LocalSchemas {
    private LocalSchemas() {}

    static com.networknt.schema.resource.InputStreamSource load(
        com.networknt.schema.AbsoluteIri iri) {
      String scheme = iri.getScheme();
      if ("classpath".equals(scheme) || "resource".equals(scheme)) {
        return null;
      }
      throw new JsonSchemaException(
          "$ref \"" + iri + "\" is not loaded: Cup never fetches schemas; put it under $defs");
    }
  }
}
