package io.cup.cli;

import io.cup.config.ServerConfig;
import java.nio.file.Path;

/**
 * What the command line asked for: either serve {@code server} (exit code 0 so far), or stop now
 * with {@code exitCode} (help, version, or a usage error already printed).
 *
 * @param exitCode 0 for help, version and serve; 2 for a usage error
 * @param server the checked configuration to serve, or null
 * @param verticlesDir the verticle descriptor directory, or null for the packaged descriptors
 */
public record Invocation(int exitCode, ServerConfig server, Path verticlesDir) {
  public boolean serve() {
    return server != null;
  }
}
