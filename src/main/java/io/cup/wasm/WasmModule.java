package io.cup.wasm;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.InterpreterMachine;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import io.cup.config.ConfigurationException;
import io.cup.metrics.Metrics;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WASI preview 1 command module, loaded once: parsed, validated (it exports {@code _start} and
 * imports nothing but WASI preview 1 functions of the right types) and compiled to JVM bytecode by
 * Chicory's compiler. Where the compiler cannot translate a function (one larger than a JVM method
 * may be) that function runs in the interpreter; where it cannot compile the module at all, the
 * whole module does; both are logged. Immutable and safe to share: every call instantiates it
 * afresh (see {@link WasmRunner}).
 *
 * <p>A server loads its modules with {@link #loadCompilingLater}: the checks that can fail a start
 * run at once, the compilation (seconds of CPU for a module of some hundred kilobytes, and the
 * largest part of a server's start-up when it ran there) on a thread of its own once the server is
 * up, and the first call waits for it. So a server is ready as soon as its repository is and its
 * configuration is checked; a guest call never runs before its module is compiled.
 */
public final class WasmModule {
  private static final Logger LOG = LoggerFactory.getLogger(WasmModule.class);

  /** How the module's functions run. */
  public enum Execution {
    /** Compiled to JVM bytecode (functions too large for the JVM interpreted). */
    COMPILED,
    /** Interpreted by Chicory's interpreter. */
    INTERPRETED
  }

  private final String name;
  private final Path file;
  private final com.dylibso.chicory.wasm.WasmModule module;
  private final CompletableFuture<Machines> machines;
  private final AtomicBoolean compiling = new AtomicBoolean();

  /** How instances of the module run, once known. */
  private record Machines(Function<Instance, Machine> factory, Execution execution) {
    static final Machines INTERPRETER =
        new Machines(InterpreterMachine::new, Execution.INTERPRETED);
  }

  private WasmModule(
      String name,
      Path file,
      com.dylibso.chicory.wasm.WasmModule module,
      CompletableFuture<Machines> machines) {
    this.name = name;
    this.file = file;
    this.module = module;
    this.machines = machines;
  }

  /** A module's name when nobody gives one: its file name without the {@code .wasm} suffix. */
  public static String defaultName(Path file) {
    return file.getFileName().toString().replaceFirst("\\.wasm$", "");
  }

  /** Loads and compiles {@code file}, named after the file without its {@code .wasm} suffix. */
  public static WasmModule load(Path file) {
    return load(defaultName(file), file, Execution.COMPILED);
  }

  /**
   * Loads {@code file} as the module {@code name} (the tag of its metrics), compiled unless {@code
   * execution} asks for the interpreter.
   *
   * @throws ConfigurationException naming the file when it cannot be read, is not a valid module,
   *     has no {@code _start}, or imports anything but WASI preview 1
   */
  public static WasmModule load(String name, Path file, Execution execution) {
    com.dylibso.chicory.wasm.WasmModule parsed = parseAndCheck(name, file, execution);
    if (execution == Execution.INTERPRETED) {
      return new WasmModule(
          name, file, parsed, CompletableFuture.completedFuture(Machines.INTERPRETER));
    }
    return new WasmModule(
        name, file, parsed, CompletableFuture.completedFuture(compileTimed(name, file, parsed)));
  }

  /**
   * As {@link #load(String, Path, Execution)}, but compiles later, on a new daemon thread {@code
   * cup-wasm-compile-<name>}: when {@link #startCompiling()} is called (a server calls it once it
   * is up) or at the first call, whichever comes first; calls wait for the compilation. What can
   * fail (reading, parsing, the checks) fails here; the compilation cannot (a module the compiler
   * refuses runs in the interpreter).
   *
   * @throws ConfigurationException as {@link #load(String, Path, Execution)}
   */
  public static WasmModule loadCompilingLater(String name, Path file, Execution execution) {
    com.dylibso.chicory.wasm.WasmModule parsed = parseAndCheck(name, file, execution);
    if (execution == Execution.INTERPRETED) {
      return new WasmModule(
          name, file, parsed, CompletableFuture.completedFuture(Machines.INTERPRETER));
    }
    return new WasmModule(name, file, parsed, new CompletableFuture<>());
  }

  /**
   * Starts the compilation of a module loaded with {@link #loadCompilingLater}, unless it has
   * started already; returns at once.
   */
  public void startCompiling() {
    if (machines.isDone() || !compiling.compareAndSet(false, true)) {
      return;
    }
    Thread compiler =
        new Thread(
            () -> {
              try {
                machines.complete(compileTimed(name, file, module));
              } catch (Throwable e) { // NOPMD: whatever happens, callers must not wait forever
                LOG.warn(
                    "WASM module {} cannot be compiled to JVM bytecode ({}); it runs in the"
                        + " interpreter",
                    file,
                    e.toString());
                machines.complete(Machines.INTERPRETER);
              }
            },
            "cup-wasm-compile-" + name);
    compiler.setDaemon(true);
    compiler.start();
  }

  private static com.dylibso.chicory.wasm.WasmModule parseAndCheck(
      String name, Path file, Execution execution) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(execution, "execution");
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ConfigurationException("cannot read WASM module " + file + ": " + e, e);
    }
    com.dylibso.chicory.wasm.WasmModule parsed;
    try {
      parsed = Parser.parse(bytes);
    } catch (ChicoryException | IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new ConfigurationException(
          "WASM module " + file + " is not a valid WebAssembly module: " + e.getMessage(), e);
    }
    checkStart(file, parsed);
    checkImports(file, parsed);
    return parsed;
  }

  private static Machines compileTimed(
      String name, Path file, com.dylibso.chicory.wasm.WasmModule parsed) {
    Timer timer =
        Timer.builder("cup.wasm.compile")
            .description("Time to compile a WASM controller module to JVM bytecode")
            .tag("module", name)
            .register(Metrics.registry());
    Function<Instance, Machine> compiled = timer.record(() -> compile(file, parsed));
    return compiled == null ? Machines.INTERPRETER : new Machines(compiled, Execution.COMPILED);
  }

  /** The compiled machine factory, or null when the module must be interpreted. */
  private static Function<Instance, Machine> compile(
      Path file, com.dylibso.chicory.wasm.WasmModule parsed) {
    try {
      return MachineFactoryCompiler.builder(parsed)
          .withInterpreterFallback(InterpreterFallback.FAIL)
          .compile();
    } catch (RuntimeException | LinkageError whole) {
      LOG.warn(
          "WASM module {}: not every function compiles to JVM bytecode ({}); the ones that do not"
              + " run in the interpreter",
          file,
          whole.getMessage());
    }
    try {
      return MachineFactoryCompiler.builder(parsed)
          .withInterpreterFallback(InterpreterFallback.SILENT)
          .compile();
    } catch (RuntimeException | LinkageError e) {
      LOG.warn(
          "WASM module {} cannot be compiled to JVM bytecode ({}); it runs in the interpreter",
          file,
          e.toString());
      return null;
    }
  }

  private static void checkStart(Path file, com.dylibso.chicory.wasm.WasmModule parsed) {
    var exports = parsed.exportSection();
    for (int i = 0; i < exports.exportCount(); i++) {
      Export export = exports.getExport(i);
      if (export.name().equals(Instance.START_FUNCTION_NAME)) {
        if (export.exportType() != ExternalType.FUNCTION) {
          throw new ConfigurationException(
              "WASM module " + file + " exports _start, but not as a function");
        }
        return;
      }
    }
    throw new ConfigurationException(
        "WASM module "
            + file
            + " has no _start export: a controller must be a WASI command module (built as an"
            + " executable, not a library)");
  }

  private static void checkImports(Path file, com.dylibso.chicory.wasm.WasmModule parsed) {
    var imports = parsed.importSection();
    for (int i = 0; i < imports.importCount(); i++) {
      Import imported = imports.getImport(i);
      String what = imported.module() + "." + imported.name();
      if (!imported.module().equals(Wasi.MODULE)) {
        throw new ConfigurationException(
            "WASM module "
                + file
                + " imports "
                + what
                + ": a controller may import only WASI preview 1 functions ("
                + Wasi.MODULE
                + ")");
      }
      if (!(imported instanceof FunctionImport function)) {
        throw new ConfigurationException(
            "WASM module "
                + file
                + " imports "
                + what
                + " as a "
                + imported.importType().name().toLowerCase(java.util.Locale.ROOT)
                + ": WASI preview 1 provides only functions");
      }
      FunctionType expected = Wasi.FUNCTIONS.get(imported.name());
      if (expected == null) {
        throw new ConfigurationException(
            "WASM module " + file + " imports " + what + ", which WASI preview 1 does not define");
      }
      FunctionType actual = parsed.typeSection().getType(function.typeIndex());
      if (!expected.typesMatch(actual)) {
        throw new ConfigurationException(
            "WASM module "
                + file
                + " imports "
                + what
                + " with type "
                + actual
                + ", WASI preview 1 defines "
                + expected);
      }
    }
  }

  /** The module's name: the tag of its metrics and the program name its guest sees. */
  public String name() {
    return name;
  }

  /** The file it was loaded from. */
  public Path file() {
    return file;
  }

  /**
   * How its functions run: compiled unless forced or compilation failed. Waits for a compilation
   * under way.
   */
  public Execution execution() {
    startCompiling();
    return machines.join().execution();
  }

  com.dylibso.chicory.wasm.WasmModule chicory() {
    return module;
  }

  /** The machine of each instance; waits for a compilation under way. */
  Function<Instance, Machine> machines() {
    startCompiling();
    return machines.join().factory();
  }

  @Override
  public String toString() {
    return "WasmModule["
        + name
        + " "
        + file
        + " "
        + (machines.isDone() ? machines.join().execution() : "compiling")
        + "]";
  }
}
