package io.cup.access;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices when files change (size, modification time or inode, as a rename-into-place rotation
 * does) by looking at them every interval on a worker thread, and then runs the reload it was
 * given. Used for the token file and the TLS certificate: rotation without a restart. Polling
 * rather than a {@code WatchService}: Kubernetes updates mounted secrets through symlink swaps that
 * directory watches miss, and one stat per file per second costs nothing.
 */
public final class FileWatch {
  private static final Logger LOG = LoggerFactory.getLogger(FileWatch.class);

  private final Vertx vertx;
  private final List<Path> files;
  private final Supplier<Future<?>> reload;
  private volatile List<Object> seen;
  private long timer = -1;
  private boolean checking;

  /**
   * @param reload runs (on the watcher's context) after a change was seen; its failure is logged
   *     and the change is looked at again on the next tick
   */
  public FileWatch(Vertx vertx, List<Path> files, Supplier<Future<?>> reload) {
    this.vertx = Objects.requireNonNull(vertx);
    this.files = List.copyOf(files);
    this.reload = Objects.requireNonNull(reload);
  }

  /** Remembers how the files are now and starts looking every {@code intervalMillis}. */
  public Future<Void> start(long intervalMillis) {
    return vertx
        .executeBlocking(this::stamps, false)
        .map(
            now -> {
              seen = now;
              timer = vertx.setPeriodic(intervalMillis, t -> check());
              return null;
            });
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void check() {
    if (checking) {
      return;
    }
    checking = true;
    vertx
        .executeBlocking(this::stamps, false)
        .compose(
            now -> {
              if (now.equals(seen)) {
                return Future.succeededFuture();
              }
              return reload.get().onSuccess(done -> seen = now).mapEmpty();
            })
        .onFailure(e -> LOG.warn("reloading {} failed: {}", files, e.getMessage()))
        .onComplete(done -> checking = false);
  }

  /** Size, modification time and file key of each file (null when missing). */
  private List<Object> stamps() {
    return files.stream()
        .map(
            file -> {
              try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                return (Object)
                    List.of(a.size(), a.lastModifiedTime(), String.valueOf(a.fileKey()));
              } catch (IOException e) {
                return "missing";
              }
            })
        .toList();
  }
}
