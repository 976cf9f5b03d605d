package io.cup.controllers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.cup.bus.ChangeSet;
import io.cup.bus.FileChange;
import io.cup.config.ConfigurationException;
import io.cup.config.ControllerConfig;
import io.cup.config.DnsNames;
import io.cup.config.ServerConfig;
import io.cup.git.RevisionView;
import io.cup.status.StatusException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in controller of the original Cup: one file per resource at a path rendered from a
 * template, found for listing by a glob rendered from another.
 *
 * <p>Configuration (the controller's inner {@code spec}, every field optional): {@code
 * resourceTemplate} (the original's {@code resource_template} or {@code path_template}), {@code
 * listTemplate} ({@code list_template} or {@code directory_template}) and {@code encoding} ({@code
 * json}, the default, or {@code yaml}). A template that cannot work is refused at construction with
 * a {@link ConfigurationException} naming the controller and the field.
 *
 * <p>A listed file whose resource says it is of another kind, API version or namespace is not
 * listed: a list template may match more than its kind's files. Parsed resources are cached by blob
 * id: a blob's bytes never change, so neither does what they parse to. A get or a change hands out
 * a copy; a list hands out the cached parses themselves, which nobody changes ({@link
 * Controller#list}).
 */
public final class TemplateController implements Controller {
  private static final Logger LOG = LoggerFactory.getLogger(TemplateController.class);

  public static final String DEFAULT_RESOURCE_TEMPLATE =
      "{{ .Namespace }}/{{ .Group }}-{{ .Version }}-{{ .Kind }}-{{ .Name }}.json";
  public static final String DEFAULT_LIST_TEMPLATE =
      "{{ .Namespace }}/{{ .Group }}-{{ .Version }}-{{ .Kind }}-*.json";

  /** The setting's name, then the original Cup's names for it (in its code, in its docs). */
  private static final List<String> RESOURCE_TEMPLATE_NAMES =
      List.of("resourceTemplate", "resource_template", "path_template");

  private static final List<String> LIST_TEMPLATE_NAMES =
      List.of("listTemplate", "list_template", "directory_template");

  /** How many bytes of parsed resources (measured by their stored size) the cache keeps. */
  static final long DEFAULT_CACHE_BYTES = 64L * 1024 * 1024;

  private static final PathTemplate.Values SAMPLE =
      new PathTemplate.Values("example.com", "v1", "Example", "default", "example");

  private record Parsed(JsonObject resource, int weight) {}

  private final String name;
  private final PathTemplate resourceTemplate;
  private final PathTemplate listTemplate;
  private final ResourceCodec codec;
  private final Cache<String, Parsed> cache;
  private final LongAdder parses = new LongAdder();

  /** The largest resource file read or written (413 beyond it): the server's resource limit. */
  private final long maxFileBytes;

  public TemplateController(ControllerConfig config) {
    this(config, DEFAULT_CACHE_BYTES, ServerConfig.DEFAULT_MAX_RESOURCE_BYTES);
  }

  public TemplateController(ControllerConfig config, long cacheBytes, long maxFileBytes) {
    this.name = config.name();
    this.maxFileBytes = maxFileBytes;
    JsonObject spec = config.spec() == null ? new JsonObject() : config.spec();
    for (String field : spec.fieldNames()) {
      if (!RESOURCE_TEMPLATE_NAMES.contains(field)
          && !LIST_TEMPLATE_NAMES.contains(field)
          && !field.equals("encoding")) {
        throw configError(
            config,
            "spec.spec."
                + field
                + " is not a known field (resourceTemplate, listTemplate, encoding)");
      }
    }
    Setting resource = option(config, spec, RESOURCE_TEMPLATE_NAMES, DEFAULT_RESOURCE_TEMPLATE);
    Setting list = option(config, spec, LIST_TEMPLATE_NAMES, DEFAULT_LIST_TEMPLATE);
    Setting encoding = option(config, spec, List.of("encoding"), "json");
    this.resourceTemplate = template(config, resource);
    this.listTemplate = template(config, list);
    try {
      this.codec = ResourceCodec.named(encoding.value());
    } catch (IllegalArgumentException e) {
      throw configError(
          config,
          "spec.spec.encoding: unknown encoding \"" + encoding.value() + "\" (json or yaml)");
    }
    check(config, resource.field(), list.field());
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(cacheBytes)
            .weigher((String id, Parsed p) -> p.weight())
            .build();
  }

  /** The controller's name, as configured. */
  public String name() {
    return name;
  }

  /** How many stored files this controller has parsed (not served from its cache). */
  long parses() {
    return parses.sum();
  }

  // -- Controller -------------------------------------------------------------------------------

  @Override
  public Optional<JsonObject> get(Target target, RevisionView view) {
    String path = resourcePath(target);
    return view.file(path)
        .map(blob -> read(path, blob.id(), () -> blob.bytes(maxFileBytes)).copy());
  }

  @Override
  public Optional<String> path(Target target) {
    try {
      return Optional.of(resourcePath(target));
    } catch (StatusException notAPath) {
      return Optional.empty();
    }
  }

  @Override
  public List<JsonObject> list(Target target, RevisionView view) {
    checkName("namespace", target.namespace());
    PathGlob glob = listGlob(target, target.namespace());
    List<JsonObject> resources = new ArrayList<>();
    for (PathGlob.Match match : glob.matches(view)) {
      JsonObject resource =
          read(match.path(), match.id(), () -> bytes(view, match.path(), maxFileBytes));
      // a file in this namespace's place that claims another is not listed (the API authorizes
      // by namespace)
      if (isOf(target, resource) && matches(metadata(resource), "namespace", target.namespace())) {
        resources.add(resource);
      }
    }
    if (resources.isEmpty()) {
      requireNamespace(target, view);
    }
    return resources;
  }

  @Override
  public List<JsonObject> listAll(Target target, RevisionView view) {
    PathGlob glob = listGlob(target, "*");
    List<JsonObject> resources = new ArrayList<>();
    for (PathGlob.Match match : glob.matches(view)) {
      JsonObject resource =
          read(match.path(), match.id(), () -> bytes(view, match.path(), maxFileBytes));
      if (isOf(target, resource)) {
        resources.add(withPathNamespace(target, match.path(), resource));
      }
    }
    return resources;
  }

  /**
   * {@code resource}, the cached parse, when it names its namespace; else, as a list in one
   * namespace shows it, a copy with the namespace the path gives the file (a new object and a new
   * {@code metadata}, the cached parse left as it was).
   */
  private JsonObject withPathNamespace(Target target, String path, JsonObject resource) {
    if (!(resource.getValue("metadata") instanceof JsonObject metadata)
        || metadata.getValue("namespace") instanceof String) {
      return resource;
    }
    String namespace = fieldsFromPath(target, path).get("Namespace");
    if (namespace == null) {
      return resource;
    }
    JsonObject copy = new JsonObject(new LinkedHashMap<>(resource.getMap()));
    copy.put(
        "metadata",
        new JsonObject(new LinkedHashMap<>(metadata.getMap())).put("namespace", namespace));
    return copy;
  }

  /**
   * An empty list in a namespace nobody has used is a 404, as for an unknown namespace in
   * Kubernetes: when the list template puts each namespace in a directory of its own (the default,
   * {@code {{ .Namespace }}/…}), that directory must exist. Where the template does not give the
   * namespace a directory, there is no way to tell, and the list is just empty.
   */
  private void requireNamespace(Target target, RevisionView view) {
    String rendered = listTemplate.render(values(target, target.namespace(), null));
    String[] segments = rendered.split("/");
    StringBuilder dir = new StringBuilder();
    boolean namespaced = false;
    for (int i = 0; i < segments.length - 1 && !hasGlob(segments[i]); i++) {
      dir.append(i == 0 ? "" : "/").append(segments[i]);
      namespaced |= segments[i].equals(target.namespace());
    }
    if (namespaced && view.list(dir.toString()).isEmpty()) {
      throw StatusException.notFound("namespace \"" + target.namespace() + "\" not found");
    }
  }

  private static boolean hasGlob(String segment) {
    return segment.indexOf('*') >= 0 || segment.indexOf('?') >= 0 || segment.indexOf('[') >= 0;
  }

  @Override
  public ChangeSet put(Target target, JsonObject resource, RevisionView view) {
    String path = resourcePath(target);
    JsonObject desired = stored(resource);
    Optional<RevisionView.Blob> existing = view.file(path);
    if (existing.isPresent()) {
      try {
        JsonObject current =
            stored(read(path, existing.get().id(), () -> existing.get().bytes(maxFileBytes)));
        keepEmptyAnnotations(current, desired);
        if (JsonValues.equal(current, desired)) {
          return new ChangeSet(view.commit(), List.of());
        }
      } catch (StatusException unreadable) {
        // what is stored is not a resource: the put replaces it
      }
    }
    byte[] encoded = codec.encode(desired);
    if (encoded.length > maxFileBytes) {
      // never store what this controller would refuse to read back
      throw StatusException.tooLarge(
          "the resource would be stored at "
              + path
              + " as "
              + encoded.length
              + " bytes, larger than the limit of "
              + maxFileBytes
              + " bytes (--api-max-resource-bytes)");
    }
    return new ChangeSet(view.commit(), List.of(FileChange.upsert(path, encoded)));
  }

  @Override
  public ChangeSet delete(Target target, RevisionView view) {
    String path = resourcePath(target);
    if (view.file(path).isEmpty()) {
      throw StatusException.notFound(
          target.kind() + " " + target.namespace() + "/" + target.name() + " not found");
    }
    return new ChangeSet(view.commit(), List.of(FileChange.delete(path)));
  }

  @Override
  public List<Change> changes(Target target, RevisionView from, RevisionView to) {
    PathGlob glob = listGlob(target, "*");
    List<Change> changes = new ArrayList<>();
    for (PathGlob.Difference d : glob.differences(from, to)) {
      JsonObject before = d.fromId() == null ? null : readOrNull(from, d.path(), d.fromId());
      JsonObject after = d.toId() == null ? null : readOrNull(to, d.path(), d.toId());
      before = before != null && isOf(target, before) ? before : null;
      after = after != null && isOf(target, after) ? after : null;
      if (before == null && after == null
          || before != null && after != null && JsonValues.equal(stored(before), stored(after))) {
        continue;
      }
      JsonObject metadata = metadata(after != null ? after : before);
      Map<String, String> fromPath = fieldsFromPath(target, d.path());
      String namespace =
          metadata.getValue("namespace") instanceof String s ? s : fromPath.get("Namespace");
      String resourceName =
          metadata.getValue("name") instanceof String s ? s : fromPath.get("Name");
      changes.add(
          new Change(
              namespace,
              resourceName,
              before == null ? null : before.copy(),
              after == null ? null : after.copy()));
    }
    return changes;
  }

  // -- reading ----------------------------------------------------------------------------------

  /** The resource stored at {@code path} with blob {@code id}: cached, else parsed once. */
  private JsonObject read(String path, String id, Supplier<byte[]> bytes) {
    if (id == null || id.isEmpty()) {
      return parse(path, bytes.get()).resource();
    }
    return cache.get(id, k -> parse(path, bytes.get())).resource();
  }

  private JsonObject readOrNull(RevisionView view, String path, String id) {
    try {
      return read(path, id, () -> bytes(view, path, maxFileBytes));
    } catch (StatusException e) {
      LOG.warn("controller {}: skipping {} at {}: {}", name, path, view.commit(), e.getMessage());
      return null;
    }
  }

  private static byte[] bytes(RevisionView view, String path, long maxBytes) {
    return view.file(path)
        .orElseThrow(
            () ->
                StatusException.badGateway(
                    "stored resource at " + path + " vanished while being read", null))
        .bytes(maxBytes);
  }

  private Parsed parse(String path, byte[] bytes) {
    parses.increment();
    try {
      return new Parsed(codec.parse(bytes), Math.max(1, bytes.length));
    } catch (IllegalArgumentException e) {
      String why =
          e.getCause() instanceof JsonProcessingException j
              ? j.getOriginalMessage().lines().findFirst().orElse("") + location(j)
              : e.getMessage();
      throw StatusException.badGateway(
          "stored resource at " + path + " is not valid " + codec.name() + ": " + why, e);
    }
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " (line "
            + e.getLocation().getLineNr()
            + ", column "
            + e.getLocation().getColumnNr()
            + ")";
  }

  /**
   * A file that holds {@code "annotations": {}} keeps it when the desired resource has no
   * annotations: the server's own annotations ({@link ServerFields#ANNOTATIONS}) leave an empty map
   * behind, which the API drops, so a resource read and written back unchanged is unchanged.
   */
  private static void keepEmptyAnnotations(JsonObject current, JsonObject desired) {
    if (current.getValue("metadata") instanceof JsonObject was
        && was.getValue("annotations") instanceof JsonObject annotations
        && annotations.isEmpty()
        && desired.getValue("metadata") instanceof JsonObject now
        && now.getValue("annotations") == null) {
      now.put("annotations", new JsonObject());
    }
  }

  /**
   * What is stored for {@code resource}: without status and the fields the server sets on reads
   * ({@link ServerFields#METADATA}: resourceVersion, uid, creationTimestamp, generation, selfLink).
   */
  private static JsonObject stored(JsonObject resource) {
    JsonObject copy = resource.copy();
    copy.remove("status");
    if (copy.getValue("metadata") instanceof JsonObject metadata) {
      ServerFields.drop(metadata);
    }
    return copy;
  }

  /** Whether {@code resource} is of the target's kind, as far as it says. */
  private static boolean isOf(Target target, JsonObject resource) {
    return matches(resource, "kind", target.kind())
        && matches(resource, "apiVersion", target.apiVersion());
  }

  /** Whether {@code object.field} is absent or equal to {@code expected}. */
  private static boolean matches(JsonObject object, String field, String expected) {
    Object value = object.getValue(field);
    return value == null || value.equals(expected);
  }

  private static JsonObject metadata(JsonObject resource) {
    return resource.getValue("metadata") instanceof JsonObject m ? m : new JsonObject();
  }

  // -- paths ------------------------------------------------------------------------------------

  private String resourcePath(Target target) {
    checkName("namespace", target.namespace());
    checkName("name", target.name());
    return checkPath(resourceTemplate.render(values(target, target.namespace(), target.name())));
  }

  private PathGlob listGlob(Target target, String namespace) {
    String rendered = listTemplate.render(values(target, namespace, null));
    try {
      return PathGlob.compile(checkPath(rendered));
    } catch (PathGlob.BadPatternException e) {
      throw StatusException.badRequest(e.getMessage());
    }
  }

  private static PathTemplate.Values values(Target target, String namespace, String name) {
    return new PathTemplate.Values(
        target.group(), target.version(), target.kind(), namespace, name);
  }

  /** Namespace and Name as the resource template placed them in {@code path}, when it can. */
  private Map<String, String> fieldsFromPath(Target target, String path) {
    Matcher m = resourceTemplate.matcher(values(target, null, null)).matcher(path);
    if (!m.matches()) {
      return Map.of();
    }
    Map<String, String> fields = new HashMap<>();
    for (String field : List.of("Namespace", "Name")) {
      try {
        fields.put(field, m.group(field));
      } catch (IllegalArgumentException notInTemplate) {
        // the template does not place this field on its own
      }
    }
    return fields;
  }

  private static void checkName(String what, String value) {
    if (!DnsNames.isSubdomain(value)) {
      throw StatusException.badRequest(
          "invalid " + what + " \"" + value + "\": must be a lowercase DNS-1123 subdomain");
    }
  }

  /**
   * {@code path} when it stays inside the repository: relative, '/'-separated, no empty, "." or
   * ".." segment, no backslash or control character, nothing under ".git".
   */
  static String checkPath(String path) {
    String why = null;
    if (path.isEmpty()) {
      why = "it is empty";
    } else if (path.startsWith("/")) {
      why = "it is absolute";
    } else if (path.indexOf('\\') >= 0) {
      why = "it contains a backslash";
    } else if (hasControlCharacter(path)) {
      why = "it contains a control character";
    } else {
      // segment by segment, without splitting: every get and every listed resource comes here
      for (int start = 0; why == null && start <= path.length(); ) {
        int end = path.indexOf('/', start);
        end = end < 0 ? path.length() : end;
        int length = end - start;
        if (length == 0) {
          why = "it has an empty segment";
        } else if (path.charAt(start) == '.'
            && (length == 1 || length == 2 && path.charAt(start + 1) == '.')) {
          why = "it has a \"" + path.substring(start, end) + "\" segment";
        } else if (length == 4 && path.regionMatches(true, start, ".git", 0, 4)) {
          why = "it names a .git directory";
        }
        start = end + 1;
      }
    }
    if (why != null) {
      throw StatusException.badRequest("path \"" + path + "\" leaves the repository root: " + why);
    }
    return path;
  }

  private static boolean hasControlCharacter(String path) {
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return true;
      }
    }
    return false;
  }

  // -- configuration ----------------------------------------------------------------------------

  /** A setting's value and the name it was given under (for messages). */
  private record Setting(String field, String value) {}

  /** The setting {@code names[0]}, also accepted under its other {@code names}; one at most. */
  private static Setting option(
      ControllerConfig config, JsonObject spec, List<String> names, String dflt) {
    List<String> given = names.stream().filter(spec::containsKey).toList();
    if (given.size() > 1) {
      throw configError(
          config,
          "spec.spec." + String.join(" and spec.spec.", given) + " are the same setting; give one");
    }
    String field = given.isEmpty() ? names.get(0) : given.get(0);
    Object value = spec.getValue(field);
    if (value == null) {
      return new Setting(field, dflt);
    }
    if (!(value instanceof String s)) {
      throw configError(config, "spec.spec." + field + " must be a string");
    }
    return new Setting(field, s.isEmpty() ? dflt : s);
  }

  private static PathTemplate template(ControllerConfig config, Setting setting) {
    try {
      return PathTemplate.parse(setting.value());
    } catch (PathTemplate.TemplateException e) {
      throw configError(
          config,
          "spec.spec." + setting.field() + " \"" + setting.value() + "\": " + e.getMessage());
    }
  }

  /** Refuses templates that can never work, with the example values a reader can follow. */
  private void check(ControllerConfig config, String resourceField, String listField) {
    if (!resourceTemplate.uses("Name")) {
      throw configError(
          config,
          "spec.spec."
              + resourceField
              + " \""
              + resourceTemplate.source()
              + "\" does not use .Name: every resource would share one file");
    }
    if (listTemplate.uses("Name")) {
      throw configError(
          config,
          "spec.spec."
              + listField
              + " \""
              + listTemplate.source()
              + "\" uses .Name, which a list does not have");
    }
    String path = resourceTemplate.render(SAMPLE);
    try {
      checkPath(path);
    } catch (StatusException e) {
      throw configError(
          config,
          "spec.spec."
              + resourceField
              + " \""
              + resourceTemplate.source()
              + "\": "
              + e.getMessage());
    }
    PathTemplate.Values sampleList =
        new PathTemplate.Values(
            SAMPLE.group(), SAMPLE.version(), SAMPLE.kind(), SAMPLE.namespace(), null);
    PathGlob glob;
    try {
      glob = PathGlob.compile(checkPath(listTemplate.render(sampleList)));
      PathGlob.compile(
          checkPath(
              listTemplate.render(
                  new PathTemplate.Values(
                      SAMPLE.group(), SAMPLE.version(), SAMPLE.kind(), "*", null))));
    } catch (StatusException | PathGlob.BadPatternException e) {
      throw configError(
          config,
          "spec.spec." + listField + " \"" + listTemplate.source() + "\": " + e.getMessage());
    }
    if (!glob.matches(path)) {
      LOG.warn(
          "controller {}: list template {} does not match {}, where the resource template"
              + " {} stores a resource; list will not find what put writes",
          name,
          listTemplate.source(),
          path,
          resourceTemplate.source());
    }
  }

  private static ConfigurationException configError(ControllerConfig config, String message) {
    return new ConfigurationException(
        "controller " + config.name() + " (" + config.file() + "): " + message);
  }
}
