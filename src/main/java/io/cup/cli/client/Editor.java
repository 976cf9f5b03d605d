package io.cup.cli.client;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The user's editor: {@code $CUP_EDITOR}, else {@code $EDITOR}, else {@code vi}; run through {@code
 * sh -c} as the original did, so {@code EDITOR="code --wait"} works, with the terminal attached.
 */
final class Editor {
  private final String command;
  private final Map<String, String> env;

  Editor(Map<String, String> env) {
    this.env = env;
    String chosen = env.get("CUP_EDITOR");
    if (chosen == null || chosen.isBlank()) {
      chosen = env.get("EDITOR");
    }
    this.command = chosen == null || chosen.isBlank() ? "vi" : chosen;
  }

  void edit(Path file) throws ClientException {
    ProcessBuilder builder =
        new ProcessBuilder("sh", "-c", command + " \"$1\"", "cup-edit", file.toString())
            .inheritIO();
    builder.environment().putAll(env);
    try {
      int status = builder.start().waitFor();
      if (status != 0) {
        throw new ClientException(
            "error: the editor \"" + command + "\" exited with status " + status);
      }
    } catch (IOException e) {
      throw new ClientException("error: cannot start the editor \"" + command + "\": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClientException("error: interrupted while editing", 130);
    }
  }
}
