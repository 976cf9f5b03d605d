package io.cup.wasm;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.InterpreterMachine;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExportSection;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.ImportSection;
import com.dylibso.chicory.wasm.types.SectionId;
import com.dylibso.chicory.wasm.types.TypeSection;
import io.cup.config.ConfigurationException;
import io.cup.metrics.Metrics;
import io.micrometer.core.instrument.Timer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
 *
 * <p>Decoding and validating every function of a module is itself most of a second of processor
 * time at start (the parse, and the JIT compilation of Chicory's parser). A module whose exact
 * bytes a server of this version has parsed and validated before ({@link ValidatedModules}, kept in
 * the data directory) gets at start only the checks of its sections that say what it imports and
 * exports, which cannot fail differently for the same bytes; it is parsed again with its
 * compilation.
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
  private final Execution asked;

  /** The parsed module when it was parsed at load; null while it is to be parsed later. */
  private final com.dylibso.chicory.wasm.WasmModule parsedAtLoad;

  /** The bytes checked at load, when they are to be parsed later; else null. */
  private final byte[] toParse;

  /** The parsed module and how its instances run, once parsed and compiled. */
  private final CompletableFuture<Loaded> loaded;

  private final AtomicBoolean compiling = new AtomicBoolean();

  private record Loaded(com.dylibso.chicory.wasm.WasmModule module, Machines machines) {}

  /** How instances of the module run, once known. */
  private record Machines(Function<Instance, Machine> factory, Execution execution) {
    static final Machines INTERPRETER =
        new Machines(InterpreterMachine::new, Execution.INTERPRETED);
  }

  private WasmModule(
      String name,
      Path file,
      Execution asked,
      com.dylibso.chicory.wasm.WasmModule parsedAtLoad,
      byte[] toParse,
      CompletableFuture<Loaded> loaded) {
    this.name = name;
    this.file = file;
    this.asked = asked;
    this.parsedAtLoad = parsedAtLoad;
    this.toParse = toParse;
    this.loaded = loaded;
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
    Machines machines =
        execution == Execution.INTERPRETED
            ? Machines.INTERPRETER
            : compileTimed(name, file, parsed);
    return new WasmModule(
        name,
        file,
        execution,
        parsed,
        null,
        CompletableFuture.completedFuture(new Loaded(parsed, machines)));
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
    return loadCompilingLater(name, file, execution, ValidatedModules.NONE);
  }

  /**
   * As {@link #loadCompilingLater(String, Path, Execution)}; a module whose bytes {@code validated}
   * holds is parsed with its compilation, only its imports and exports checked here, and a module
   * parsed and validated here is added to it.
   *
   * @throws ConfigurationException as {@link #load(String, Path, Execution)}
   */
  public static WasmModule loadCompilingLater(
      String name, Path file, Execution execution, ValidatedModules validated) {
    Objects.requireNonNull(validated, "validated");
    byte[] bytes = read(name, file, execution);
    String key = validated.key(bytes);
    if (validated.contains(key)) {
      checkInterface(file, bytes);
      return new WasmModule(name, file, execution, null, bytes, new CompletableFuture<>());
    }
    com.dylibso.chicory.wasm.WasmModule parsed = parseAndCheck(file, bytes);
    validated.add(key);
    CompletableFuture<Loaded> loaded =
        execution == Execution.INTERPRETED
            ? CompletableFuture.completedFuture(new Loaded(parsed, Machines.INTERPRETER))
            : new CompletableFuture<>();
    return new WasmModule(name, file, execution, parsed, null, loaded);
  }

  /**
   * Starts the compilation of a module loaded with {@link #loadCompilingLater} (its parse first,
   * when that was left for later), unless it has started already; returns at once.
   */
  public void startCompiling() {
    if (loaded.isDone() || !compiling.compareAndSet(false, true)) {
      return;
    }
    Thread compiler = new Thread(this::parseAndCompile, "cup-wasm-compile-" + name);
    compiler.setDaemon(true);
    compiler.start();
  }

  private void parseAndCompile() {
    com.dylibso.chicory.wasm.WasmModule parsed = parsedAtLoad;
    if (parsed == null) {
      try {
        parsed = parseAndCheck(file, toParse);
      } catch (Throwable e) { // NOPMD: whatever happens, callers must not wait forever
        // these very bytes were parsed and validated whole before: only a fault of this
        // process (or a forged marker) gets here; the module's calls fail, naming it
        LOG.error("WASM module {} cannot be loaded: {}", file, e.getMessage());
        loaded.completeExceptionally(e);
        return;
      }
    }
    if (asked == Execution.INTERPRETED) {
      loaded.complete(new Loaded(parsed, Machines.INTERPRETER));
      return;
    }
    Machines machines;
    try {
      machines = compileTimed(name, file, parsed);
    } catch (Throwable e) { // NOPMD: whatever happens, callers must not wait forever
      LOG.warn(
          "WASM module {} cannot be compiled to JVM bytecode ({}); it runs in the interpreter",
          file,
          e.toString());
      machines = Machines.INTERPRETER;
    }
    loaded.complete(new Loaded(parsed, machines));
  }

  /** The parsed module and its machines; starts and waits for what is left to do. */
  private Loaded loaded() {
    startCompiling();
    try {
      return loaded.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  private static com.dylibso.chicory.wasm.WasmModule parseAndCheck(
      String name, Path file, Execution execution) {
    return parseAndCheck(file, read(name, file, execution));
  }

  private static byte[] read(String name, Path file, Execution execution) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(execution, "execution");
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ConfigurationException("cannot read WASM module " + file + ": " + e, e);
    }
  }

  /** Parses and validates the whole module, then checks its imports and exports. */
  private static com.dylibso.chicory.wasm.WasmModule parseAndCheck(Path file, byte[] bytes) {
    com.dylibso.chicory.wasm.WasmModule parsed;
    try {
      parsed = Parser.parse(bytes);
    } catch (ChicoryException | IllegalArgumentException | IndexOutOfBoundsException e) {
      throw notWebAssembly(file, e);
    }
    checkStart(file, parsed.exportSection());
    checkImports(file, parsed.importSection(), parsed.typeSection());
    return parsed;
  }

  /**
   * Checks the imports and exports of a module validated before: decodes only the type, import and
   * export sections (every section's bounds are still read), not the functions' code.
   */
  private static void checkInterface(Path file, byte[] bytes) {
    TypeSection[] types = {TypeSection.builder().build()};
    ImportSection[] imports = {ImportSection.builder().build()};
    ExportSection[] exports = {ExportSection.builder().build()};
    try {
      Parser.builder()
          .includeSectionId(SectionId.TYPE)
          .includeSectionId(SectionId.IMPORT)
          .includeSectionId(SectionId.EXPORT)
          .build()
          .parse(
              new ByteArrayInputStream(bytes),
              section -> {
                if (section instanceof TypeSection type) {
                  types[0] = type;
                } else if (section instanceof ImportSection imported) {
                  imports[0] = imported;
                } else if (section instanceof ExportSection exported) {
                  exports[0] = exported;
                }
              });
    } catch (ChicoryException | IllegalArgumentException | IndexOutOfBoundsException e) {
      throw notWebAssembly(file, e);
    }
    checkStart(file, exports[0]);
    checkImports(file, imports[0], types[0]);
  }

  private static ConfigurationException notWebAssembly(Path file, RuntimeException e) {
    return new ConfigurationException(
        "WASM module " + file + " is not a valid WebAssembly module: " + e.getMessage(), e);
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

  private static void checkStart(Path file, ExportSection exports) {
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

  private static void checkImports(Path file, ImportSection imports, TypeSection types) {
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
      FunctionType actual = types.getType(function.typeIndex());
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
    return loaded().machines().execution();
  }

  /** The parsed module; waits for a parse under way. */
  com.dylibso.chicory.wasm.WasmModule chicory() {
    return loaded().module();
  }

  /** The machine of each instance; waits for a compilation under way. */
  Function<Instance, Machine> machines() {
    return loaded().machines().factory();
  }

  @Override
  public String toString() {
    return "WasmModule["
        + name
        + " "
        + file
        + " "
        + (loaded.isDone() && !loaded.isCompletedExceptionally()
            ? loaded.join().machines().execution()
            : loaded.isDone() ? "failed" : "compiling")
        + "]";
  }
}
