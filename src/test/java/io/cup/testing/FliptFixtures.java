package io.cup.testing;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/** What tests of the example Flipt controller share: its test repository and a Flag to write. */
public final class FliptFixtures {
  /** The example controller's test repository: {@code <namespace>/features.yml} files. */
  public static final Path REPOSITORY = Path.of("controllers", "flipt", "testdata", "repository");

  private FliptFixtures() {}

  /** A boolean {@code Flag} resource named {@code name} in {@code namespace}. */
  public static JsonObject flag(String namespace, String name, boolean enabled) {
    return new JsonObject()
        .put("apiVersion", "flipt.io/v1alpha1")
        .put("kind", "Flag")
        .put("metadata", new JsonObject().put("namespace", namespace).put("name", name))
        .put(
            "spec",
            new JsonObject()
                .put("key", name)
                .put("name", name.toUpperCase(Locale.ROOT))
                .put("type", "BOOLEAN_FLAG_TYPE")
                .put("enabled", enabled));
  }

  /** Every regular file under {@code root} (path relative to it, '/'-separated → text). */
  public static Map<String, String> files(Path root) {
    Map<String, String> files = new LinkedHashMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
        files.put(root.relativize(file).toString().replace('\\', '/'), Files.readString(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }
}
