package io.cup.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@code pre-receive} hook in a bare repository that a test controls: it logs the number of ref
 * updates of every push, and while {@link #holdNext} is armed it holds the next push after the pack
 * is received and before any ref moves, says so through a FIFO ({@link #awaitHeld}), and waits for
 * the test's word through another ({@link #release}: {@code ok} lets the push through, anything
 * else refuses it). A test can so keep a push on its way as long as it needs, with no timing.
 */
public final class PushGate {
  private final Path dir;

  private PushGate(Path dir) {
    this.dir = dir;
  }

  /** Installs the hook in the bare repository {@code remote}; its files go in {@code dir}. */
  public static PushGate install(Path remote, Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    mkfifo(dir.resolve("held"));
    mkfifo(dir.resolve("release"));
    String q = "'";
    hook(
        remote,
        "pre-receive",
        "#!/bin/sh\n"
            + "n=$(wc -l)\n"
            + "echo \"$n\" >> "
            + q
            + dir.resolve("pushes")
            + q
            + "\n"
            + "if [ -e "
            + q
            + dir.resolve("hold")
            + q
            + " ]; then\n"
            + "  rm -f "
            + q
            + dir.resolve("hold")
            + q
            + "\n"
            + "  echo held > "
            + q
            + dir.resolve("held")
            + q
            + "\n"
            + "  read word < "
            + q
            + dir.resolve("release")
            + q
            + "\n"
            + "  [ \"$word\" = ok ] || exit 1\n"
            + "fi\n");
    return new PushGate(dir);
  }

  /** Writes an executable hook {@code name} into the bare repository {@code remote}. */
  public static void hook(Path remote, String name, String script) throws IOException {
    Path hook = remote.resolve("hooks").resolve(name);
    Files.createDirectories(hook.getParent());
    Files.writeString(hook, script, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** The next push will be held until {@link #release}. */
  public void holdNext() throws IOException {
    Files.writeString(dir.resolve("hold"), "");
  }

  /** Blocks (60 s at most) until the hook holds a push. */
  public void awaitHeld() throws Exception {
    String word =
        CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return Files.readString(dir.resolve("held")).trim();
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                })
            .get(60, TimeUnit.SECONDS);
    assertThat(word).isEqualTo("held");
  }

  /** Lets the held push go on: {@code ok} through, anything else refused. */
  public void release(String word) throws Exception {
    CompletableFuture.runAsync(
            () -> {
              try {
                Files.writeString(dir.resolve("release"), word + "\n");
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            })
        .get(60, TimeUnit.SECONDS);
  }

  /** The number of ref updates of every push the remote received so far, in order. */
  public List<Integer> pushes() throws IOException {
    Path log = dir.resolve("pushes");
    if (!Files.exists(log)) {
      return List.of();
    }
    return Files.readAllLines(log).stream().map(String::trim).map(Integer::valueOf).toList();
  }

  private static void mkfifo(Path path) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
  }
}
