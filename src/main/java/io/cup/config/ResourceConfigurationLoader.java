package io.cup.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import io.cup.oci.CosignSignatures;
import io.cup.oci.ImageReference;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * <p>The work is shared out: {@link ConfigurationFiles} finds and parses the files into {@link
 * ConfigurationDocument}s; this class sorts them by kind, reads controllers and bindings and
 * resolves the references between them; {@link DefinitionDocuments} reads the definitions, {@link
 * SchemaCompiler} compiles their schemas, {@link RbacDocuments} reads the RBAC objects.
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

  static final List<String> KINDS = List.of(DEFINITION_KIND, CONTROLLER_KIND, BINDING_KIND);

  /** Keys of a template controller's spec: the original's code and the original's docs. */
  private static final List<String> TEMPLATE_KEYS =
      List.of("resource_template", "list_template", "path_template", "directory_template");

  private ResourceConfigurationLoader() {}

  /**
   * Begins, on a thread of its own, what every {@link #load} needs first and keeps for the process:
   * the JSON Schema 2020-12 meta-schema every definition's schema is checked against, and the
   * factory that compiles them (a third of a cold load: hundreds of classes). {@code cup serve}
   * calls it before it parses its command line, which keeps one core busy and the other idle; a
   * load meanwhile waits for it rather than doing it twice. A failure here is left for the load to
   * meet and report.
   */
  public static void prepareInBackground() {
    Thread thread = new Thread(SchemaCompiler::prepare, "cup-start-schemas");
    thread.setDaemon(true);
    thread.start();
  }

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
    for (Path file : ConfigurationFiles.list(dir)) {
      for (ConfigurationDocument document : ConfigurationFiles.read(file)) {
        collector.add(document);
      }
    }
    return collector.resolve();
  }

  /** Gathers every object, checking each alone, then checks the references between them. */
  private static final class Collector {
    private final Path dir;
    private final DefinitionDocuments definitions = new DefinitionDocuments();
    private final Map<String, ControllerConfig> controllers = new LinkedHashMap<>();
    private final Map<String, Binding> bindings = new LinkedHashMap<>();
    private final Map<String, ConfigurationDocument> bindingDocuments = new LinkedHashMap<>();
    private final RbacDocuments rbac = new RbacDocuments();

    Collector(Path dir) {
      this.dir = dir;
    }

    void add(ConfigurationDocument doc) {
      String apiVersion = doc.text("apiVersion");
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
      if (doc.field("kind").isMissingNode()) {
        throw doc.error("kind", "required (one of " + String.join(", ", KINDS) + ")");
      }
      String kind = doc.text("kind");
      String name = doc.text("metadata.name");
      switch (kind) {
        case DEFINITION_KIND -> definitions.add(doc, name);
        case CONTROLLER_KIND -> addController(doc, name);
        case BINDING_KIND -> addBinding(doc, name);
        default ->
            throw doc.error(
                "kind",
                "unknown kind \"" + kind + "\" (expected " + String.join(", ", KINDS) + ")");
      }
    }

    /** A {@code kind: List} of objects, as {@code kubectl get -o yaml} writes several. */
    private void addList(ConfigurationDocument doc) {
      String kind = doc.text("kind");
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
      JsonNode items = doc.field("items");
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
        add(new ConfigurationDocument(where, (ObjectNode) item));
      }
    }

    private void addController(ConfigurationDocument doc, String name) {
      ControllerConfig earlier = controllers.get(name);
      if (earlier != null) {
        throw doc.error(
            "metadata.name", "controller \"" + name + "\" is already defined in " + earlier.file());
      }
      String type = doc.text("spec.type");
      JsonNode specNode = doc.field("spec.spec");
      if (!specNode.isMissingNode() && !specNode.isNull() && !specNode.isObject()) {
        throw doc.error("spec.spec", "expected an object, found " + ParseErrors.kind(specNode));
      }
      JsonObject spec =
          specNode.isObject() ? ConfigurationDocument.toJsonObject(specNode) : new JsonObject();
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

    private void checkModule(ConfigurationDocument doc, JsonNode specNode) {
      if (!specNode.isObject()) {
        throw doc.error(
            "spec.spec",
            "required for a wasm controller: {\"path\": \"<module>.wasm\"} or {\"image\":"
                + " \"<registry>/<repository>:<tag>\"}");
      }
      boolean hasPath = specNode.has("path");
      boolean hasImage = specNode.has("image");
      if (hasPath && hasImage) {
        throw doc.error("spec.spec.image", "give either path or image, not both");
      }
      if (hasImage) {
        checkImage(doc, specNode);
        return;
      }
      if (specNode.has("verify")) {
        throw doc.error("spec.spec.verify", "only a module named by image can be verified");
      }
      String path = doc.text("spec.spec.path");
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

    /** An OCI reference ({@code image}) and its optional {@code verify.publicKey}. */
    private void checkImage(ConfigurationDocument doc, JsonNode specNode) {
      JsonNode image = specNode.get("image");
      if (!image.isTextual()) {
        throw doc.error("spec.spec.image", "expected a reference such as ghcr.io/team/ctl:1.0");
      }
      try {
        ImageReference.parse(image.asText());
      } catch (IllegalArgumentException e) {
        throw doc.error("spec.spec.image", e.getMessage());
      }
      JsonNode verify = specNode.get("verify");
      if (verify == null) {
        return;
      }
      if (!verify.isObject()) {
        throw doc.error("spec.spec.verify", "expected an object: {publicKey: <PEM>}");
      }
      verify
          .fieldNames()
          .forEachRemaining(
              key -> {
                if (!key.equals("publicKey")) {
                  throw doc.error("spec.spec.verify." + key, "unknown key (publicKey)");
                }
              });
      JsonNode key = verify.get("publicKey");
      if (key == null || !key.isTextual()) {
        throw doc.error("spec.spec.verify.publicKey", "expected a PEM public key");
      }
      try {
        CosignSignatures.publicKey(key.asText());
      } catch (IllegalArgumentException e) {
        throw doc.error("spec.spec.verify.publicKey", e.getMessage());
      }
    }

    private void addBinding(ConfigurationDocument doc, String name) {
      Binding earlier = bindings.get(name);
      if (earlier != null) {
        throw doc.error(
            "metadata.name", "binding \"" + name + "\" is already defined in " + earlier.file());
      }
      String controller = doc.text("spec.controller");
      JsonNode resourcesNode = doc.field("spec.resources");
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
        ConfigurationDocument doc = bindingDocuments.get(binding.name());
        ControllerConfig controller = controllers.get(binding.controller());
        if (controller == null) {
          throw doc.error(
              "spec.controller",
              "no controller named \"" + binding.controller() + "\"" + known(controllers.keySet()));
        }
        for (int i = 0; i < binding.resources().size(); i++) {
          String key = binding.resources().get(i);
          String field = "spec.resources[" + i + "]";
          ResourceDefinition definition = definitions.serving(key);
          String[] parts = key.split("/");
          if (definition == null) {
            throw doc.error(field, definitions.whyNoneServes(key));
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
          JsonSchema schema = definitions.schema(definition, parts[1]);
          served.put(key, new ServedResource(definition, parts[1], schema, controller));
        }
      }
      return new ResourceConfiguration(
          definitions.all(), controllers, List.copyOf(bindings.values()), served, rbac.resolve());
    }
  }

  /** " (defined: a, b)" or " (none is defined)", for a message about a missing name. */
  static String known(Set<String> names) {
    return names.isEmpty() ? " (none is defined)" : " (defined: " + String.join(", ", names) + ")";
  }
}
