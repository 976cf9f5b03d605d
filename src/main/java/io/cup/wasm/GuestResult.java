package io.cup.wasm;

import io.cup.bus.FileChange;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * What a successful call produced: the exit code (0), stdout and stderr, the files a put or delete
 * created, changed or removed (only real differences from the revision it ran against; empty for
 * get and list), and how long it took from instantiation to exit.
 */
public record GuestResult(
    int exitCode, byte[] stdout, byte[] stderr, List<FileChange> changes, Duration duration) {
  public GuestResult {
    changes = List.copyOf(changes);
  }

  /** stdout as UTF-8 text. */
  public String stdoutText() {
    return new String(stdout, StandardCharsets.UTF_8);
  }

  /** stderr as UTF-8 text. */
  public String stderrText() {
    return new String(stderr, StandardCharsets.UTF_8);
  }
}
