package io.cup.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cup.config.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class WasmModuleTest {
  @TempDir Path dir;

  @Test
  void compilesAValidCommandModule() {
    WasmModule module = WasmModule.load(GuestModules.wasm("echo", dir));

    assertThat(module.name()).isEqualTo("echo");
    assertThat(module.execution()).isEqualTo(WasmModule.Execution.COMPILED);
  }

  @Test
  void aModuleCompiledLaterIsCheckedAtOnceAndCompiledByItsFirstCall() {
    WasmModule module =
        WasmModule.loadCompilingLater(
            "echo", GuestModules.wasm("echo", dir), WasmModule.Execution.COMPILED);

    assertThat(module.toString()).contains("compiling");
    // nobody called startCompiling(): the call starts the compilation and waits for it
    assertThat(module.execution()).isEqualTo(WasmModule.Execution.COMPILED);
    assertThat(module.machines()).isNotNull();
  }

  @Test
  void aModuleCompiledLaterStartsCompilingWhenAsked() {
    WasmModule module =
        WasmModule.loadCompilingLater(
            "echo", GuestModules.wasm("echo", dir), WasmModule.Execution.COMPILED);

    module.startCompiling();
    module.startCompiling(); // once only

    assertThat(module.execution()).isEqualTo(WasmModule.Execution.COMPILED);
  }

  @Test
  void aModuleCompiledLaterFailsAtOnceWhenItCannotRun() {
    Path file = GuestModules.wasm("no-start", dir);

    assertThatThrownBy(
            () -> WasmModule.loadCompilingLater("no-start", file, WasmModule.Execution.COMPILED))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("WASM module " + file + " has no _start export");
  }

  @Test
  void aModuleValidatedBeforeIsParsedWithItsCompilation() {
    Path file = GuestModules.wasm("echo", dir);
    ValidatedModules validated = ValidatedModules.in(dir.resolve("validated"));

    WasmModule first =
        WasmModule.loadCompilingLater("echo", file, WasmModule.Execution.COMPILED, validated);
    assertThat(dir.resolve("validated")).isDirectoryContaining(p -> Files.isRegularFile(p));
    WasmModule again =
        WasmModule.loadCompilingLater("echo", file, WasmModule.Execution.COMPILED, validated);

    assertThat(first.execution()).isEqualTo(WasmModule.Execution.COMPILED);
    assertThat(again.toString()).contains("compiling");
    assertThat(again.execution()).isEqualTo(WasmModule.Execution.COMPILED);
    assertThat(again.chicory().exportSection().exportCount())
        .isEqualTo(first.chicory().exportSection().exportCount());
  }

  @Test
  void aModuleValidatedBeforeStillHasItsImportsAndExportsCheckedAtOnce() throws Exception {
    Path noStart = GuestModules.wasm("no-start", dir);
    Path foreign = GuestModules.wasm("foreign-import", dir);
    ValidatedModules validated = ValidatedModules.in(dir.resolve("validated"));
    validated.add(validated.key(Files.readAllBytes(noStart)));
    validated.add(validated.key(Files.readAllBytes(foreign)));

    assertThatThrownBy(
            () ->
                WasmModule.loadCompilingLater(
                    "no-start", noStart, WasmModule.Execution.COMPILED, validated))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("WASM module " + noStart + " has no _start export");
    assertThatThrownBy(
            () ->
                WasmModule.loadCompilingLater(
                    "foreign", foreign, WasmModule.Execution.INTERPRETED, validated))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("imports env.host_secret");
  }

  @Test
  void aChangedModuleIsValidatedAgainAndOneThatIsNotWebAssemblyFailsAtOnce() throws Exception {
    Path file = Files.write(dir.resolve("broken.wasm"), "\0asm\1\0\0\0garbage".getBytes());
    ValidatedModules validated = ValidatedModules.in(dir.resolve("validated"));
    // bytes that were never validated are parsed whole; remembered ones still have their
    // sections read
    assertThatThrownBy(
            () ->
                WasmModule.loadCompilingLater(
                    "broken", file, WasmModule.Execution.COMPILED, validated))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("WASM module " + file + " is not a valid WebAssembly module");
    validated.add(validated.key(Files.readAllBytes(file)));
    assertThatThrownBy(
            () ->
                WasmModule.loadCompilingLater(
                    "broken", file, WasmModule.Execution.COMPILED, validated))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("WASM module " + file + " is not a valid WebAssembly module");
  }

  @Test
  void runsInTheInterpreterWhenAsked() {
    WasmModule module =
        WasmModule.load("echo", GuestModules.wasm("echo", dir), WasmModule.Execution.INTERPRETED);

    assertThat(module.execution()).isEqualTo(WasmModule.Execution.INTERPRETED);
  }

  @Test
  void rejectsBytesThatAreNotWebAssembly() throws Exception {
    Path file = Files.write(dir.resolve("broken.wasm"), "\0asm\1\0\0\0garbage".getBytes());

    assertThatThrownBy(() -> WasmModule.load(file))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("WASM module " + file + " is not a valid WebAssembly module");
  }

  @Test
  void rejectsAMissingFileNamingIt() {
    Path file = dir.resolve("absent.wasm");

    assertThatThrownBy(() -> WasmModule.load(file))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("cannot read WASM module " + file);
  }

  @Test
  void rejectsAModuleWithoutStart() {
    Path file = GuestModules.wasm("no-start", dir);

    assertThatThrownBy(() -> WasmModule.load(file))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("WASM module " + file + " has no _start export");
  }

  @Test
  void rejectsImportsFromOutsideWasiNamingThem() {
    Path file = GuestModules.wasm("foreign-import", dir);

    assertThatThrownBy(() -> WasmModule.load(file))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "WASM module "
                + file
                + " imports env.host_secret: a controller may import only WASI preview 1"
                + " functions (wasi_snapshot_preview1)");
  }

  @Test
  void rejectsNamesAndTypesWasiDoesNotDefine() throws Exception {
    Path unknown =
        Files.write(
            dir.resolve("unknown.wasm"),
            com.dylibso.chicory.wabt.Wat2Wasm.parse(
                "(module (import \"wasi_snapshot_preview1\" \"spawn\" (func))"
                    + " (func (export \"_start\")))"));
    Path mistyped =
        Files.write(
            dir.resolve("mistyped.wasm"),
            com.dylibso.chicory.wabt.Wat2Wasm.parse(
                "(module (import \"wasi_snapshot_preview1\" \"fd_write\" (func (param i32)))"
                    + " (func (export \"_start\")))"));

    assertThatThrownBy(() -> WasmModule.load(unknown))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "WASM module "
                + unknown
                + " imports wasi_snapshot_preview1.spawn, which WASI preview 1 does not define");
    assertThatThrownBy(() -> WasmModule.load(mistyped))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith(
            "WASM module " + mistyped + " imports wasi_snapshot_preview1.fd_write with type");
  }
}
