package io.cup.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The guest's linear memory: WebAssembly's semantics (little-endian loads and stores, accesses
 * across a page boundary, memmove for memory.copy, a trap out of bounds, grow up to the maximum)
 * with pages allocated on first write, under the controller's cap.
 */
class CappedMemoryTest {
  private static final int PAGE = Memory.PAGE_SIZE;

  @Test
  void aNewMemoryReadsAsZerosAndAllocatesNothingUntilWritten() {
    CappedMemory memory = CappedMemory.of(new MemoryLimits(17, 100), 1024);

    assertThat(memory.pages()).isEqualTo(17);
    assertThat(memory.readLong(0)).isZero();
    assertThat(memory.readInt(17 * PAGE - 4)).isZero();
    assertThat(memory.readBytes(PAGE - 3, 8)).containsOnly(0);
    memory.zero(); // what instantiation does first: nothing to clear
    assertThat(memory.allocatedPages()).isZero();

    memory.writeByte(5 * PAGE + 7, (byte) 9);

    assertThat(memory.allocatedPages()).isEqualTo(1);
    assertThat(memory.read(5 * PAGE + 7)).isEqualTo((byte) 9);
    assertThat(memory.read(6 * PAGE + 7)).isZero(); // the other pages are still the shared zeros
  }

  @Test
  void storesAndLoadsAreLittleEndianAlsoAcrossAPageBoundary() {
    CappedMemory memory = CappedMemory.of(new MemoryLimits(2, 2), 2);
    for (int addr : new int[] {0, 100, PAGE - 7, PAGE - 3, PAGE - 1, 2 * PAGE - 8}) {
      memory.writeLong(addr, 0x0807060504030201L);
      assertThat(memory.readLong(addr)).isEqualTo(0x0807060504030201L);
      assertThat(memory.read(addr)).isEqualTo((byte) 1);
      assertThat(memory.read(addr + 7)).isEqualTo((byte) 8);
      assertThat(memory.readInt(addr)).isEqualTo(0x04030201);
      assertThat(memory.readShort(addr + 6)).isEqualTo((short) 0x0807);
      assertThat(memory.readU16(addr + 6)).isEqualTo(0x0807L);

      memory.writeI32(addr, 0xA1B2C3D4);
      assertThat(memory.readInt(addr)).isEqualTo(0xA1B2C3D4);
      memory.writeShort(addr, (short) 0xBEEF);
      assertThat(memory.readU16(addr)).isEqualTo(0xBEEFL);
      memory.writeF64(addr, Math.PI);
      assertThat(memory.readDouble(addr)).isEqualTo(Math.PI);
      assertThat(memory.readF64(addr)).isEqualTo(Double.doubleToRawLongBits(Math.PI));
      memory.writeF32(addr, 1.5f);
      assertThat(memory.readFloat(addr)).isEqualTo(1.5f);
    }
  }

  @Test
  void anAccessPastTheSizeTraps() {
    CappedMemory memory = CappedMemory.of(new MemoryLimits(1, 4), 4);

    assertThatThrownBy(() -> memory.read(PAGE)).isInstanceOf(WasmRuntimeException.class);
    assertThatThrownBy(() -> memory.readInt(PAGE - 2)).isInstanceOf(WasmRuntimeException.class);
    assertThatThrownBy(() -> memory.writeLong(PAGE - 4, 1))
        .isInstanceOf(WasmRuntimeException.class);
    assertThatThrownBy(() -> memory.writeByte(-1, (byte) 1))
        .isInstanceOf(WasmRuntimeException.class);
    assertThatThrownBy(() -> memory.write(PAGE - 2, new byte[4], 0, 4))
        .isInstanceOf(WasmRuntimeException.class);
    assertThatThrownBy(() -> memory.fill((byte) 1, PAGE - 2, PAGE + 2))
        .isInstanceOf(WasmRuntimeException.class);
    assertThatThrownBy(() -> memory.copy(0, PAGE - 2, 4)).isInstanceOf(WasmRuntimeException.class);
    // a bulk operation out of bounds writes nothing
    assertThat(memory.read(PAGE - 2)).isZero();
    assertThat(memory.allocatedPages()).isZero();

    assertThat(memory.grow(1)).isEqualTo(1);
    memory.writeLong(PAGE - 4, -1L);
    assertThat(memory.readLong(PAGE - 4)).isEqualTo(-1L);
  }

  @Test
  void growStopsAtTheCapAndSaysSoWhenTheModuleWouldHaveAllowedMore() {
    CappedMemory underModule = CappedMemory.of(new MemoryLimits(1, 3), 10);
    assertThat(underModule.grow(2)).isEqualTo(1);
    assertThat(underModule.grow(1)).isEqualTo(-1);
    assertThat(underModule.refusedGrowth()).isFalse(); // the module's own maximum said no

    CappedMemory capped = CappedMemory.of(new MemoryLimits(1, 100), 3);
    assertThat(capped.maximumPages()).isEqualTo(3);
    assertThat(capped.grow(2)).isEqualTo(1);
    assertThat(capped.grow(1)).isEqualTo(-1);
    assertThat(capped.refusedGrowth()).isTrue();
    assertThat(capped.pages()).isEqualTo(3);
    assertThat(capped.grow(-1)).isEqualTo(-1); // 2^32 - 1 pages, unsigned
    assertThat(capped.grow(0)).isEqualTo(3);

    assertThatThrownBy(() -> CappedMemory.of(new MemoryLimits(4, 10), 3))
        .isInstanceOf(CappedMemory.InitialMemoryTooLarge.class);
  }

  @Test
  void copyIsAMemmoveInBothDirectionsAcrossPages() {
    Random random = new Random(17);
    for (int round = 0; round < 200; round++) {
      CappedMemory memory = CappedMemory.of(new MemoryLimits(4, 4), 4);
      byte[] model = new byte[4 * PAGE];
      int filled = random.nextInt(3 * PAGE);
      int at = random.nextInt(4 * PAGE - filled);
      byte[] data = new byte[filled];
      random.nextBytes(data);
      memory.write(at, data, 0, filled);
      System.arraycopy(data, 0, model, at, filled);

      int length = random.nextInt(2 * PAGE);
      int src = random.nextInt(4 * PAGE - length);
      int dest =
          random.nextBoolean() ? random.nextInt(4 * PAGE - length) : near(random, src, length);
      memory.copy(dest, src, length);
      System.arraycopy(model, src, model, dest, length);

      assertThat(memory.readBytes(0, 4 * PAGE)).isEqualTo(model);
    }
  }

  private static int near(Random random, int src, int length) {
    int dest = src + random.nextInt(2001) - 1000;
    return Math.max(0, Math.min(dest, 4 * PAGE - length));
  }

  @Test
  void fillWritesTheValueAndZeroingWholePagesGivesThemBack() {
    CappedMemory memory = CappedMemory.of(new MemoryLimits(3, 3), 3);

    memory.fill((byte) 7, 100, 2 * PAGE + 5);

    assertThat(memory.read(99)).isZero();
    assertThat(memory.read(100)).isEqualTo((byte) 7);
    assertThat(memory.read(2 * PAGE + 4)).isEqualTo((byte) 7);
    assertThat(memory.read(2 * PAGE + 5)).isZero();
    assertThat(memory.allocatedPages()).isEqualTo(3);

    memory.fill((byte) 0, 0, 3 * PAGE);

    assertThat(memory.readBytes(0, 3 * PAGE)).containsOnly(0);
    assertThat(memory.allocatedPages()).isZero();
  }
}
