package io.cup.cli.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The resources named by {@code -f}: a file (JSON, a JSON stream, or YAML documents), a directory
 * (its {@code .json}, {@code .yaml} and {@code .yml} files in name order; with {@code -R} its
 * subdirectories too), or {@code -} for standard input.
 */
final class ResourceFiles {
  private ResourceFiles() {}

  static List<ObjectNode> read(List<String> names, boolean recursive, ClientEnvironment environment)
      throws ClientException {
    List<ObjectNode> resources = new ArrayList<>();
    for (String name : names) {
      if (name.equals("-")) {
        resources.addAll(Documents.parseResources(stdin(environment.stdin()), "stdin"));
        continue;
      }
      Path path = environment.workDir().resolve(name).normalize();
      if (Files.isDirectory(path)) {
        for (Path file : filesIn(path, recursive)) {
          resources.addAll(Documents.parseResources(readFile(file), file.toString()));
        }
      } else {
        resources.addAll(Documents.parseResources(readFile(path), name));
      }
    }
    if (resources.isEmpty()) {
      throw new ClientException("error: no resources found in " + String.join(", ", names));
    }
    return resources;
  }

  private static List<Path> filesIn(Path dir, boolean recursive) throws ClientException {
    try (Stream<Path> files = recursive ? Files.walk(dir) : Files.list(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(
              p -> {
                String file = p.getFileName().toString();
                return file.endsWith(".json") || file.endsWith(".yaml") || file.endsWith(".yml");
              })
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new ClientException("error: reading directory " + dir + ": " + e.getMessage());
    }
  }

  private static String readFile(Path file) throws ClientException {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new ClientException("error: the path \"" + file + "\" does not exist");
    } catch (IOException e) {
      throw new ClientException("error: reading " + file + ": " + e.getMessage());
    }
  }

  private static String stdin(InputStream in) throws ClientException {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ClientException("error: reading standard input: " + e.getMessage());
    }
  }
}
