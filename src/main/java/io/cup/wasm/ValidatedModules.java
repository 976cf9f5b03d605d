package io.cup.wasm;

import io.cup.config.CupVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WASM modules a server of this version has parsed and validated whole, remembered on disk (one
 * empty file per module under a directory of the data directory, named by the SHA-256 of the
 * server's version, Chicory's and the module's bytes), so that a restart with the same modules need
 * not decode and validate every function again before it is ready ({@link
 * WasmModule#loadCompilingLater(String, Path, WasmModule.Execution, ValidatedModules)}). Parsing is
 * a function of the bytes and of the parser, which comes with the version: a changed module, or
 * another version of Cup, is validated again. A marker that cannot be written is only a lost
 * shortcut.
 */
public final class ValidatedModules {
  private static final Logger LOG = LoggerFactory.getLogger(ValidatedModules.class);

  /** Remembers nothing: every module is parsed and validated when it is loaded. */
  public static final ValidatedModules NONE = new ValidatedModules(null);

  private final Path directory;

  private ValidatedModules(Path directory) {
    this.directory = directory;
  }

  /**
   * The version of Chicory's parser, part of every key: a build of the same Cup version with
   * another parser (a snapshot) validates again.
   */
  private static final String PARSER = parserVersion();

  private static String parserVersion() {
    try (InputStream in =
        ValidatedModules.class.getResourceAsStream(
            "/META-INF/maven/com.dylibso.chicory/wasm/pom.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** The modules remembered in {@code directory} (created when the first is added). */
  public static ValidatedModules in(Path directory) {
    return new ValidatedModules(directory.toAbsolutePath().normalize());
  }

  /** The key of a module's bytes, for this version of Cup; null when nothing is remembered. */
  String key(byte[] module) {
    if (directory == null) {
      return null;
    }
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(CupVersion.current().getBytes(StandardCharsets.UTF_8));
      sha256.update((byte) 0);
      sha256.update(PARSER.getBytes(StandardCharsets.UTF_8));
      sha256.update((byte) 0);
      return HexFormat.of().formatHex(sha256.digest(module));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Whether the module of {@code key} was parsed and validated before. */
  boolean contains(String key) {
    return key != null && Files.isRegularFile(directory.resolve(key));
  }

  /** Remembers that the module of {@code key} was parsed and validated. */
  void add(String key) {
    if (key == null) {
      return;
    }
    try {
      Files.createDirectories(directory);
      Files.createFile(directory.resolve(key));
    } catch (FileAlreadyExistsException e) {
      // another server of the same data directory, or a module loaded twice
    } catch (IOException e) {
      LOG.debug("cannot remember the validated WASM module {}: {}", key, e.toString());
    }
  }
}
