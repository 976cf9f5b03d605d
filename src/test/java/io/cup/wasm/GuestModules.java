package io.cup.wasm;

import com.dylibso.chicory.wabt.Wat2Wasm;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The test guests: WAT sources under src/test/resources/wasm, assembled with wabt in the JVM. */
public final class GuestModules {
  private static final Map<String, byte[]> ASSEMBLED = new ConcurrentHashMap<>();

  private GuestModules() {}

  /** The module {@code name}.wat assembled and written to {@code dir}/{@code name}.wasm. */
  public static Path wasm(String name, Path dir) {
    byte[] bytes = ASSEMBLED.computeIfAbsent(name, GuestModules::assemble);
    try {
      return Files.write(dir.resolve(name + ".wasm"), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The module {@code name}.wat loaded (compiled unless told otherwise). */
  static WasmModule load(String name, Path dir, WasmModule.Execution execution) {
    return WasmModule.load(name, wasm(name, dir), execution);
  }

  private static byte[] assemble(String name) {
    try (InputStream in = GuestModules.class.getResourceAsStream("/wasm/" + name + ".wat")) {
      if (in == null) {
        throw new IllegalArgumentException("no test module " + name + ".wat");
      }
      return Wat2Wasm.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
