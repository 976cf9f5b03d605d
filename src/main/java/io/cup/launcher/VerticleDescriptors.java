package io.cup.launcher;

import io.cup.config.ConfigurationException;
import io.cup.config.PackagedFiles;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads the verticle descriptors ({@code *.json}) of a directory or of the jar, in deploy order.
 */
public final class VerticleDescriptors {
  /** Where the jar carries its copies of {@code verticles/}. */
  public static final String PACKAGED = "verticles";

  private VerticleDescriptors() {}

  /**
   * The descriptors in {@code dir}, or the packaged ones when {@code dir} is null, sorted by {@code
   * order} then name. Blocking (file I/O).
   *
   * @throws ConfigurationException for a malformed descriptor, two with the same name, or none
   */
  public static List<VerticleDescriptor> load(Path dir) {
    Map<String, byte[]> files = new TreeMap<>();
    String where;
    if (dir == null) {
      where = "packaged " + PACKAGED + "/";
      PackagedFiles.read(PACKAGED)
          .forEach(
              (name, bytes) -> {
                if (!name.contains("/")) {
                  files.put(PACKAGED + "/" + name, bytes);
                }
              });
    } else {
      where = dir.toString();
      try (Stream<Path> entries = Files.list(dir)) {
        for (Path file : (Iterable<Path>) entries::iterator) {
          if (Files.isRegularFile(file)) {
            files.put(file.toString(), Files.readAllBytes(file));
          }
        }
      } catch (IOException e) {
        throw new ConfigurationException(dir + ": cannot read verticle descriptors: " + e, e);
      }
    }
    List<VerticleDescriptor> descriptors = new ArrayList<>();
    Map<String, VerticleDescriptor> byName = new HashMap<>();
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      if (!file.getKey().endsWith(".json")) {
        continue;
      }
      JsonObject json;
      try {
        json = new JsonObject(new String(file.getValue(), StandardCharsets.UTF_8));
      } catch (DecodeException | ClassCastException e) {
        throw new ConfigurationException(
            file.getKey() + ": not a JSON object: " + e.getMessage(), e);
      }
      VerticleDescriptor descriptor = VerticleDescriptor.fromJson(json, file.getKey());
      VerticleDescriptor earlier = byName.putIfAbsent(descriptor.name(), descriptor);
      if (earlier != null) {
        throw new ConfigurationException(
            file.getKey()
                + ": name: \""
                + descriptor.name()
                + "\" is already used by "
                + earlier.file());
      }
      descriptors.add(descriptor);
    }
    if (descriptors.isEmpty()) {
      throw new ConfigurationException(where + ": no verticle descriptors (*.json)");
    }
    descriptors.sort(
        Comparator.comparingInt(VerticleDescriptor::order).thenComparing(VerticleDescriptor::name));
    return List.copyOf(descriptors);
  }
}
