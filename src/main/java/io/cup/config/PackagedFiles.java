package io.cup.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads a directory of files shipped on the classpath (the demo, the verticle descriptors), the
 * same way whether it lies in {@code target/classes} or inside the application jar.
 */
public final class PackagedFiles {
  private PackagedFiles() {}

  /**
   * Every regular file under classpath directory {@code directory} (for example {@code
   * "demo/resources"}), recursively.
   *
   * @return path relative to {@code directory}, with {@code /} separators → content, sorted by path
   * @throws IllegalStateException when the directory is not on the classpath
   */
  public static synchronized Map<String, byte[]> read(String directory) {
    URL url = PackagedFiles.class.getClassLoader().getResource(directory);
    if (url == null) {
      throw new IllegalStateException("classpath directory " + directory + " is missing");
    }
    try {
      URI uri = url.toURI();
      if (!"jar".equals(uri.getScheme())) {
        return readTree(Path.of(uri));
      }
      FileSystem jar;
      boolean opened;
      try {
        jar = FileSystems.newFileSystem(uri, Map.of());
        opened = true;
      } catch (FileSystemAlreadyExistsException e) {
        jar = FileSystems.getFileSystem(uri);
        opened = false;
      }
      try {
        return readTree(jar.provider().getPath(uri));
      } finally {
        if (opened) {
          jar.close();
        }
      }
    } catch (URISyntaxException e) {
      throw new IllegalStateException("classpath directory " + directory + ": " + e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("reading classpath directory " + directory, e);
    }
  }

  private static Map<String, byte[]> readTree(Path root) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        if (Files.isRegularFile(path)) {
          String relative = root.relativize(path).toString().replace('\\', '/');
          files.put(relative.replaceAll("/+$", ""), Files.readAllBytes(path));
        }
      }
    }
    return files;
  }
}
