package io.cup.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The project version, as Maven writes it into {@value #FILE} at build time; "unknown" when the
 * file is missing (a build that skipped resource filtering). Informative only: {@code --version},
 * discovery's {@code /version}, the OpenAPI document.
 */
public final class CupVersion {
  /** The classpath resource Maven writes the version into. */
  public static final String FILE = "/io/cup/version.properties";

  private static final String UNKNOWN = "unknown";

  private CupVersion() {}

  /** The version of this build, or "unknown". */
  public static String current() {
    Properties properties = new Properties();
    try (InputStream in = CupVersion.class.getResourceAsStream(FILE)) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      return UNKNOWN;
    }
    return properties.getProperty("version", UNKNOWN);
  }
}
