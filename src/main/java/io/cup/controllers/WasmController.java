package io.cup.controllers;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cup.bus.ChangeSet;
import io.cup.config.ByteSize;
import io.cup.config.ConfigurationException;
import io.cup.config.ControllerConfig;
import io.cup.config.GoDuration;
import io.cup.git.RevisionView;
import io.cup.status.StatusException;
import io.cup.wasm.GuestCall;
import io.cup.wasm.GuestResult;
import io.cup.wasm.WasmLimits;
import io.cup.wasm.WasmModule;
import io.cup.wasm.WasmRunner;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A controller that is a WASI program (DESIGN.md section 5), run with Chicory by {@link
 * WasmRunner}: the module is validated and compiled once when the configuration loads; every call
 * gets a fresh instance whose root {@code /} is the repository at the request's revision, read
 * lazily, and for put and delete a copy-on-write overlay whose captured files become the change
 * set.
 *
 * <p>Configuration ({@code spec.spec} of the {@code Controller}): {@code path} (the module,
 * relative to the configuration directory) or {@code image} (an OCI reference, pulled and pinned by
 * {@link ControllerImages}, with optional {@code verify.publicKey}), optional {@code limits} with
 * {@code timeout} (a Go duration, default 5s), {@code memory} and {@code output} (sizes, default
 * 64MiB and 16MiB), and optional {@code execution: interpreted} to skip compilation.
 *
 * <p>{@code list} asks the guest for every resource of the kind in the namespace (no label
 * arguments: the controller worker applies the full label selector itself). {@link #changes} runs
 * {@code list} in the namespaces whose top-level directory differs between the two revisions (a
 * guest's namespaces are top-level directories, as the template controller's default and the Flipt
 * example keep them) and compares by name.
 */
public final class WasmController implements Controller {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final String name;
  private final WasmLimits limits;

  /**
   * The runner of the module this controller runs now: fixed for a module file ({@code path}); for
   * an OCI reference ({@code image}), the digest {@link ControllerImages} runs at this moment,
   * which a refresh may swap. Each call takes it once, so a call in flight finishes on the module
   * it started with.
   */
  private final Supplier<WasmRunner> runners;

  WasmController(ControllerConfig config, WasmModules modules) {
    this.name = config.name();
    JsonObject spec = config.spec();
    this.limits = limits(config, spec.getValue("limits"));
    if (spec.getValue("image") != null) {
      AtomicReference<ControllerImages.Running> running =
          modules
              .images()
              .running(name)
              .orElseThrow(
                  () ->
                      new ConfigurationException(
                          "controller "
                              + name
                              + " ("
                              + config.file()
                              + "): its image "
                              + spec.getValue("image")
                              + " was not pulled"));
      this.runners = () -> new WasmRunner(running.get().module(), name, limits);
    } else {
      String path = spec.getString("path");
      WasmModule.Execution execution = execution(config, spec.getValue("execution"));
      Path module = config.directory().resolve(Objects.requireNonNull(path, "path")).normalize();
      WasmRunner runner = new WasmRunner(modules.load(name, module, execution), name, limits);
      this.runners = () -> runner;
    }
  }

  /** The limits this controller runs under. */
  public WasmLimits limits() {
    return limits;
  }

  @Override
  public Optional<JsonObject> get(Target target, RevisionView view) {
    try {
      GuestResult result =
          runners.get().run(view, GuestCall.get(target.kind(), target.namespace(), target.name()));
      List<JsonObject> objects = objects(result, "get", target);
      if (objects.size() != 1) {
        throw badOutput("get", target, "expected one JSON object, got " + objects.size());
      }
      return Optional.of(objects.get(0));
    } catch (StatusException e) {
      if (e.code() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public List<JsonObject> list(Target target, RevisionView view) {
    GuestResult result =
        runners.get().run(view, GuestCall.list(target.kind(), target.namespace(), Map.of()));
    return objects(result, "list", target);
  }

  /** The guest's namespaces are the top-level directories: each is listed in turn. */
  @Override
  public List<JsonObject> listAll(Target target, RevisionView view) {
    List<JsonObject> resources = new ArrayList<>();
    for (String namespace : new TreeSet<>(topDirectories(view).keySet())) {
      Target inNamespace =
          new Target(
              target.group(), target.version(), target.kind(), target.plural(), namespace, null);
      try {
        resources.addAll(list(inNamespace, view));
      } catch (StatusException e) {
        if (e.code() != 404) {
          throw e;
        }
      }
    }
    return resources;
  }

  @Override
  public ChangeSet put(Target target, JsonObject resource, RevisionView view) {
    byte[] stdin = resource.encode().getBytes(StandardCharsets.UTF_8);
    GuestResult result =
        runners
            .get()
            .run(view, GuestCall.put(target.kind(), target.namespace(), target.name(), stdin));
    return new ChangeSet(view.commit(), result.changes());
  }

  @Override
  public ChangeSet delete(Target target, RevisionView view) {
    GuestResult result =
        runners.get().run(view, GuestCall.delete(target.kind(), target.namespace(), target.name()));
    return new ChangeSet(view.commit(), result.changes());
  }

  @Override
  public List<Change> changes(Target target, RevisionView from, RevisionView to) {
    Map<String, String> before = topDirectories(from);
    Map<String, String> after = topDirectories(to);
    TreeSet<String> namespaces = new TreeSet<>();
    before.forEach(
        (dir, id) -> {
          if (!id.equals(after.get(dir))) {
            namespaces.add(dir);
          }
        });
    after.forEach(
        (dir, id) -> {
          if (!id.equals(before.get(dir))) {
            namespaces.add(dir);
          }
        });
    List<Change> changes = new ArrayList<>();
    for (String namespace : namespaces) {
      Target inNamespace =
          new Target(
              target.group(), target.version(), target.kind(), target.plural(), namespace, null);
      Map<String, JsonObject> old =
          before.containsKey(namespace) ? byName(list(inNamespace, from)) : Map.of();
      Map<String, JsonObject> now =
          after.containsKey(namespace) ? byName(list(inNamespace, to)) : Map.of();
      TreeSet<String> names = new TreeSet<>(old.keySet());
      names.addAll(now.keySet());
      for (String resource : names) {
        JsonObject was = old.get(resource);
        JsonObject is = now.get(resource);
        if (!Objects.equals(was, is)) {
          changes.add(new Change(namespace, resource, was, is));
        }
      }
    }
    return changes;
  }

  // -- helpers -----------------------------------------------------------------------------------

  private static Map<String, String> topDirectories(RevisionView view) {
    Map<String, String> dirs = new HashMap<>();
    for (RevisionView.Entry entry : view.list("")) {
      if (entry.directory()) {
        dirs.put(entry.name(), entry.id());
      }
    }
    return dirs;
  }

  private static Map<String, JsonObject> byName(List<JsonObject> resources) {
    Map<String, JsonObject> byName = new HashMap<>();
    for (JsonObject resource : resources) {
      String resourceName = Resources.metadata(resource, "name");
      if (resourceName != null) {
        byName.put(resourceName, resource);
      }
    }
    return byName;
  }

  /** The JSON objects the guest printed: one, or a stream separated by whitespace. */
  private List<JsonObject> objects(GuestResult result, String operation, Target target) {
    List<JsonObject> objects = new ArrayList<>();
    // each value is read once, straight into the maps and lists a JsonObject wraps (reading a tree
    // first, then writing and parsing it again, tripled the cost of a large list)
    try (MappingIterator<Object> values =
        MAPPER
            .readerFor(Object.class)
            .with(JsonParser.Feature.ALLOW_MISSING_VALUES)
            .readValues(result.stdout())) {
      while (values.hasNextValue()) {
        Object value = values.nextValue();
        if (value == null) {
          if (values.getParser().currentToken() == JsonToken.VALUE_NULL) {
            throw badOutput(operation, target, "expected JSON objects, got NULL");
          }
          continue;
        }
        if (!(value instanceof Map<?, ?> map)) {
          throw badOutput(operation, target, "expected JSON objects, got " + jsonType(value));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = (Map<String, Object>) map;
        objects.add(new JsonObject(fields));
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof StatusException status) {
        throw status;
      }
      throw badOutput(operation, target, "its output is not JSON (" + e.getMessage() + ")");
    }
    return objects;
  }

  /** The JSON type of a value Jackson read untyped, named as Jackson's node types are. */
  private static String jsonType(Object value) {
    if (value instanceof List<?>) {
      return "ARRAY";
    }
    if (value instanceof String) {
      return "STRING";
    }
    if (value instanceof Number) {
      return "NUMBER";
    }
    if (value instanceof Boolean) {
      return "BOOLEAN";
    }
    return value.getClass().getSimpleName();
  }

  private StatusException badOutput(String operation, Target target, String why) {
    return StatusException.badGateway(
        "controller "
            + name
            + " answered "
            + operation
            + " "
            + target.kind()
            + " "
            + target.namespace()
            + (target.name() == null ? "" : "/" + target.name())
            + " with output Cup cannot use: "
            + why,
        null);
  }

  private static WasmLimits limits(ControllerConfig config, Object value) {
    if (value == null) {
      return WasmLimits.DEFAULTS;
    }
    if (!(value instanceof JsonObject limits)) {
      throw invalid(config, "spec.spec.limits", "expected an object {timeout, memory, output}");
    }
    for (String key : limits.fieldNames()) {
      if (!List.of("timeout", "memory", "output").contains(key)) {
        throw invalid(config, "spec.spec.limits." + key, "unknown limit (timeout, memory, output)");
      }
    }
    Duration timeout = WasmLimits.DEFAULTS.wallTime();
    long memory = WasmLimits.DEFAULTS.memoryBytes();
    long output = WasmLimits.DEFAULTS.outputBytes();
    try {
      if (limits.containsKey("timeout")) {
        timeout = GoDuration.parse(String.valueOf(limits.getValue("timeout")));
        if (timeout.isNegative() || timeout.isZero()) {
          throw new IllegalArgumentException("must be greater than 0");
        }
      }
    } catch (IllegalArgumentException e) {
      throw invalid(config, "spec.spec.limits.timeout", e.getMessage());
    }
    try {
      if (limits.containsKey("memory")) {
        memory = ByteSize.parse(String.valueOf(limits.getValue("memory")));
      }
    } catch (IllegalArgumentException e) {
      throw invalid(config, "spec.spec.limits.memory", e.getMessage());
    }
    try {
      if (limits.containsKey("output")) {
        output = ByteSize.parse(String.valueOf(limits.getValue("output")));
      }
    } catch (IllegalArgumentException e) {
      throw invalid(config, "spec.spec.limits.output", e.getMessage());
    }
    try {
      return new WasmLimits(timeout, memory, output);
    } catch (IllegalArgumentException e) {
      throw invalid(config, "spec.spec.limits", e.getMessage());
    }
  }

  /** Which module a WASM controller runs, and how. */
  record Module(String name, Path file, WasmModule.Execution execution) {}

  /**
   * The module {@code config} names, for a WASM controller whose module setting is valid; null
   * otherwise (building the controller then says what is wrong).
   */
  static Module module(ControllerConfig config) {
    if (!"wasm".equals(config.type()) || config.spec() == null) {
      return null;
    }
    try {
      JsonObject spec = config.spec();
      String path = spec.getString("path");
      if (path == null) {
        return null;
      }
      return new Module(
          config.name(),
          config.directory().resolve(path).normalize(),
          execution(config, spec.getValue("execution")));
    } catch (RuntimeException e) {
      return null;
    }
  }

  static WasmModule.Execution execution(ControllerConfig config, Object value) {
    if (value == null || "compiled".equals(value)) {
      return WasmModule.Execution.COMPILED;
    }
    if ("interpreted".equals(value)) {
      return WasmModule.Execution.INTERPRETED;
    }
    throw invalid(config, "spec.spec.execution", "expected compiled or interpreted");
  }

  private static ConfigurationException invalid(ControllerConfig config, String field, String why) {
    return new ConfigurationException(
        "controller " + config.name() + " (" + config.file() + "): " + field + ": " + why);
  }
}
