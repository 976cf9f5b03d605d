package io.cup.cli;

import io.cup.config.CupVersion;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the project version ({@link CupVersion}). */
final class VersionProvider implements IVersionProvider {
  static String version() {
    return CupVersion.current();
  }

  @Override
  public String[] getVersion() {
    return new String[] {
      "cup " + version(),
      "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
    };
  }
}
