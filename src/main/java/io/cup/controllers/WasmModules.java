package io.cup.controllers;

import io.cup.config.ResourceConfiguration;
import io.cup.wasm.ValidatedModules;
import io.cup.wasm.WasmModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The WASM modules one server has loaded, by file, kind of execution and the file's size and time:
 * every controller worker instance builds its controllers, and a module is loaded and compiled once
 * for all of them. One per server: the launcher creates it, hands it to every controller worker it
 * deploys, and drops it with the server (modules hold no resources to close). Safe for concurrent
 * use.
 */
public final class WasmModules {
  private final Map<String, CompletableFuture<WasmModule>> loaded = new ConcurrentHashMap<>();
  private final ControllerImages images = new ControllerImages(this);
  private final ValidatedModules validated;

  /** Modules that are parsed and validated whole whenever they are loaded. */
  public WasmModules() {
    this(ValidatedModules.NONE);
  }

  /**
   * Modules of a server: one whose bytes {@code validated} holds (the server parsed and validated
   * it before) is parsed with its compilation, after the start, its imports and exports checked at
   * once ({@link WasmModule#loadCompilingLater(String, Path, WasmModule.Execution,
   * ValidatedModules)}).
   */
  public WasmModules(ValidatedModules validated) {
    this.validated = Objects.requireNonNull(validated, "validated");
  }

  /** The controllers named by an OCI reference, pulled and pinned for this server. */
  public ControllerImages images() {
    return images;
  }

  /** Stops refreshing images and drops their metrics; call it when the server stops. */
  public void close() {
    images.close();
    // a preload still reading a module writes its mark under the data directory when it is done:
    // wait for it (bounded), so that nothing writes there once the server is closed
    for (CompletableFuture<WasmModule> loading : loaded.values()) {
      try {
        loading.get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | TimeoutException e) {
        // failed (its controller said so) or still parsing after the wait: nothing to wait for
      }
    }
  }

  /** How long {@link #close()} waits for each module still loading. */
  private static final long CLOSE_WAIT_SECONDS = 10;

  /**
   * {@code module} loaded once, then shared; when {@link #preload} has started loading it, waits
   * for that. The compilation starts with {@link #startCompiling()} or the first call ({@link
   * WasmModule#loadCompilingLater}): a server does not wait for it to start, its first call to the
   * module does.
   *
   * @throws io.cup.config.ConfigurationException when the module cannot be read or is not one a
   *     controller can run
   */
  WasmModule load(String name, Path module, WasmModule.Execution execution) {
    String key = key(name, module, execution);
    if (key == null) {
      // WasmModule names the file and says why it cannot be read
      return WasmModule.loadCompilingLater(name, module, execution);
    }
    CompletableFuture<WasmModule> loading =
        loaded.computeIfAbsent(
            key,
            k -> {
              CompletableFuture<WasmModule> here = new CompletableFuture<>();
              try {
                here.complete(WasmModule.loadCompilingLater(name, module, execution, validated));
              } catch (RuntimeException e) {
                here.completeExceptionally(e);
              }
              return here;
            });
    try {
      return loading.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /**
   * Starts loading (reading, parsing, checking) the module of every WASM controller of {@code
   * configuration}, on a thread of its own, and returns at once: the launcher calls it before it
   * deploys anything, so that this work overlaps the start of the repository fetcher. A module that
   * cannot be loaded fails the controller that {@link #load}s it, as without a preload.
   */
  public void preload(ResourceConfiguration configuration) {
    configuration
        .controllers()
        .values()
        .forEach(
            config -> {
              WasmController.Module module = WasmController.module(config);
              if (module == null) {
                return;
              }
              String key = key(module.name(), module.file(), module.execution());
              if (key == null) {
                return;
              }
              loaded.computeIfAbsent(
                  key,
                  k ->
                      CompletableFuture.supplyAsync(
                          () ->
                              WasmModule.loadCompilingLater(
                                  module.name(), module.file(), module.execution(), validated),
                          task -> {
                            Thread thread = new Thread(task, "cup-wasm-load-" + module.name());
                            thread.setDaemon(true);
                            thread.start();
                          }));
            });
  }

  /** Starts compiling every module loaded so far, each on a thread of its own; returns at once. */
  public void startCompiling() {
    loaded
        .values()
        .forEach(
            loading ->
                loading.thenAccept(WasmModule::startCompiling).exceptionally(failed -> null));
  }

  /** The module's identity, or null when the file cannot be read. */
  private static String key(String name, Path module, WasmModule.Execution execution) {
    try {
      return module
          + "|"
          + execution
          + "|"
          + Files.size(module)
          + "|"
          + Files.getLastModifiedTime(module).toMillis()
          + "|"
          + name;
    } catch (IOException e) {
      return null;
    }
  }
}
