package io.cup.cli.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A failure the command line reports in one line (or a few) on stderr and turns into an exit code:
 * a Status from the server, a network failure, a bad file or argument.
 */
final class ClientException extends Exception {
  /** Exit code of a failed command, as kubectl's. */
  static final int FAILED = 1;

  /** Exit code of a usage error (an unknown output format), as picocli's. */
  static final int USAGE = 2;

  private final int exitCode;
  private final int httpCode;
  private final transient JsonNode status;

  ClientException(String message) {
    this(message, FAILED, 0, null);
  }

  ClientException(String message, int exitCode) {
    this(message, exitCode, 0, null);
  }

  private ClientException(String message, int exitCode, int httpCode, JsonNode status) {
    super(message);
    this.exitCode = exitCode;
    this.httpCode = httpCode;
    this.status = status;
  }

  /**
   * An HTTP error answer: kubectl's {@code Error from server (Reason): message} when the body is a
   * Kubernetes Status, else the code and the start of the body.
   */
  static ClientException fromServer(int httpCode, String body) {
    JsonNode status = null;
    try {
      JsonNode parsed = Documents.JSON.readTree(body);
      if (parsed != null && "Status".equals(parsed.path("kind").asText())) {
        status = parsed;
      }
    } catch (java.io.IOException e) {
      // not JSON: reported with the raw text below
    }
    String message;
    if (status != null) {
      String reason = status.path("reason").asText("");
      String text = status.path("message").asText("");
      if (text.isEmpty()) {
        text = "HTTP " + httpCode;
      }
      message = "Error from server" + (reason.isEmpty() ? "" : " (" + reason + ")") + ": " + text;
    } else {
      String text = body == null ? "" : body.strip();
      if (text.length() > 300) {
        text = text.substring(0, 300) + "…";
      }
      message = "Error from server: HTTP " + httpCode + (text.isEmpty() ? "" : ": " + text.strip());
    }
    return new ClientException(message, FAILED, httpCode, status);
  }

  int exitCode() {
    return exitCode;
  }

  /** The HTTP status code of a server answer, 0 when the failure was not one. */
  int httpCode() {
    return httpCode;
  }

  /** The server's Status object, or null. */
  JsonNode status() {
    return status;
  }

  /** The same failure with another exit code (kubectl diff reports errors as 2 and up). */
  ClientException withExitCode(int code) {
    ClientException copy = new ClientException(getMessage(), code, httpCode, status);
    copy.initCause(this);
    return copy;
  }
}
