package io.cup.controllers;

import io.cup.wasm.WasmModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The WASM modules one server has loaded, by file, kind of execution and the file's size and time:
 * every controller worker instance builds its controllers, and a module is compiled once for all of
 * them. One per server: the launcher creates it, hands it to every controller worker it deploys,
 * and drops it with the server (modules hold no resources to close). Safe for concurrent use.
 */
public final class WasmModules {
  private final Map<String, WasmModule> loaded = new ConcurrentHashMap<>();

  /**
   * {@code module} compiled (or prepared for interpretation) once, then shared. The compilation
   * starts with {@link #startCompiling()} or the first call ({@link
   * WasmModule#loadCompilingLater}): a server does not wait for it to start, its first call to the
   * module does.
   */
  WasmModule load(String name, Path module, WasmModule.Execution execution) {
    String key;
    try {
      key =
          module
              + "|"
              + execution
              + "|"
              + Files.size(module)
              + "|"
              + Files.getLastModifiedTime(module).toMillis()
              + "|"
              + name;
    } catch (IOException e) {
      // WasmModule.load names the file and says why it cannot be read
      return WasmModule.loadCompilingLater(name, module, execution);
    }
    return loaded.computeIfAbsent(key, k -> WasmModule.loadCompilingLater(name, module, execution));
  }

  /** Starts compiling every module loaded so far, each on a thread of its own; returns at once. */
  public void startCompiling() {
    loaded.values().forEach(WasmModule::startCompiling);
  }
}
