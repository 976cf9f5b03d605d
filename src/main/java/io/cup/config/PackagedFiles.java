package io.cup.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
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
  public static Map<String, byte[]> read(String directory) {
    URL url = PackagedFiles.class.getClassLoader().getResource(directory);
    if (url == null) {
      throw new IllegalStateException("classpath directory " + directory + " is missing");
    }
    try {
      if (url.openConnection() instanceof JarURLConnection connection) {
        // The jar the class loader has open already: its central directory is parsed once per
        // process (a zip file system over the jar would parse all of it again, ~25,000 entries).
        connection.setUseCaches(false);
        try (JarFile jar = connection.getJarFile()) {
          return readJar(jar, connection.getEntryName());
        }
      }
      return readTree(Path.of(url.toURI()));
    } catch (URISyntaxException e) {
      throw new IllegalStateException("classpath directory " + directory + ": " + e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("reading classpath directory " + directory, e);
    }
  }

  private static Map<String, byte[]> readJar(JarFile jar, String directory) throws IOException {
    String prefix = directory.endsWith("/") ? directory : directory + "/";
    Map<String, byte[]> files = new TreeMap<>();
    for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
      JarEntry entry = entries.nextElement();
      if (!entry.isDirectory() && entry.getName().startsWith(prefix)) {
        try (InputStream in = jar.getInputStream(entry)) {
          files.put(entry.getName().substring(prefix.length()), in.readAllBytes());
        }
      }
    }
    return files;
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
