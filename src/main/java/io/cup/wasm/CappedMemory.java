package io.cup.wasm;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;

/**
 * A guest's linear memory under the controller's cap: Chicory's own {@link ByteArrayMemory} with
 * the maximum the module declares lowered to the cap. A {@code memory.grow} past the cap returns -1
 * to the guest, as WebAssembly says (a guest may cope).
 *
 * <p>It is deliberately not a wrapper: Chicory's compiled code reads and writes a {@code
 * ByteArrayMemory} much faster than any other {@link Memory} (measured with {@code bench/wasm}: a
 * wrapper that only counted refused grows made the example controller's calls 1.6 to 1.7 times
 * slower). So a refused grow is not seen as it happens; instead, a call that fails with its memory
 * within {@link #MARGIN_PAGES} pages (1 MiB) of a cap lower than what the module declared is
 * reported as over its memory limit ({@link #nearCap}), which is what a guest that allocates
 * without end looks like.
 */
final class CappedMemory {
  /** How close to the cap a failed call's memory must be to count as over the limit: 1 MiB. */
  static final int MARGIN_PAGES = 16;

  /** The module's initial memory is already over the cap. */
  static final class InitialMemoryTooLarge extends RuntimeException {
    InitialMemoryTooLarge(int pages) {
      super("initial memory of " + pages + " pages", null, false, false);
    }
  }

  private CappedMemory() {}

  /** The memory for a module that declares {@code declared}, capped at {@code capPages}. */
  static ByteArrayMemory of(MemoryLimits declared, int capPages) {
    if (declared.initialPages() > capPages) {
      throw new InitialMemoryTooLarge(declared.initialPages());
    }
    int maximum = Math.min(declared.maximumPages(), capPages);
    return new ByteArrayMemory(
        new MemoryLimits(declared.initialPages(), maximum, declared.shared()));
  }

  /**
   * Whether {@code memory}, made by {@link #of} for a module that declared {@code declared}, ended
   * up against the cap: the cap was below the module's own maximum and the memory is within {@link
   * #MARGIN_PAGES} of it, so a grow the module was entitled to may have been refused.
   */
  static boolean nearCap(Memory memory, MemoryLimits declared, int capPages) {
    return declared.maximumPages() > capPages && memory.pages() > capPages - MARGIN_PAGES;
  }
}
