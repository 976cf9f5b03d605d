package io.cup.config;

/** Broken configuration: the message names the file and the field. Startup exits 1 with it. */
public class ConfigurationException extends RuntimeException {
  public ConfigurationException(String message) {
    super(message);
  }

  public ConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
