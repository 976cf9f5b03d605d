package io.cup.wasm;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;

/**
 * A guest's linear memory under the controller's cap: the maximum the module declares, lowered to
 * the cap. A {@code memory.grow} the cap refuses returns -1 to the guest as WebAssembly says (a
 * guest may cope), and is remembered, so that a call that then fails is reported as what it is:
 * over its memory limit.
 */
final class CappedMemory implements Memory {
  /** The module's initial memory is already over the cap. */
  static final class InitialMemoryTooLarge extends RuntimeException {
    InitialMemoryTooLarge(int pages) {
      super("initial memory of " + pages + " pages", null, false, false);
    }
  }

  private final Memory memory;
  private final int capPages;
  private final int declaredMaximum;
  private boolean refused;

  private CappedMemory(Memory memory, int capPages, int declaredMaximum) {
    this.memory = memory;
    this.capPages = capPages;
    this.declaredMaximum = declaredMaximum;
  }

  /** The memory for a module that declares {@code declared}, capped at {@code capPages}. */
  static CappedMemory of(MemoryLimits declared, int capPages) {
    if (declared.initialPages() > capPages) {
      throw new InitialMemoryTooLarge(declared.initialPages());
    }
    int maximum = Math.min(declared.maximumPages(), capPages);
    return new CappedMemory(
        new ByteArrayMemory(new MemoryLimits(declared.initialPages(), maximum, declared.shared())),
        capPages,
        declared.maximumPages());
  }

  /** Whether the cap refused a grow the module's own maximum would have allowed. */
  boolean refusedGrowth() {
    return refused;
  }

  @Override
  public int grow(int size) {
    int before = memory.grow(size);
    if (before == -1) {
      long wanted = (long) memory.pages() + Integer.toUnsignedLong(size);
      if (wanted > capPages && wanted <= declaredMaximum) {
        refused = true;
      }
    }
    return before;
  }

  @Override
  public int pages() {
    return memory.pages();
  }

  @Override
  public int initialPages() {
    return memory.initialPages();
  }

  @Override
  public int maximumPages() {
    return memory.maximumPages();
  }

  @Override
  public boolean shared() {
    return memory.shared();
  }

  @Override
  @SuppressWarnings("removal")
  public Object lock(int address) {
    return memory.lock(address);
  }

  @Override
  @SuppressWarnings("removal")
  public int waitOn(int address, int expected, long timeout) {
    return memory.waitOn(address, expected, timeout);
  }

  @Override
  @SuppressWarnings("removal")
  public int waitOn(int address, long expected, long timeout) {
    return memory.waitOn(address, expected, timeout);
  }

  @Override
  @SuppressWarnings("removal")
  public int notify(int address, int maxThreads) {
    return memory.notify(address, maxThreads);
  }

  @Override
  public void initialize(Instance instance, DataSegment[] dataSegments) {
    memory.initialize(instance, dataSegments);
  }

  @Override
  public void initialize(Instance instance, DataSegment[] dataSegments, int memoryIndex) {
    memory.initialize(instance, dataSegments, memoryIndex);
  }

  @Override
  public void initPassiveSegment(int segmentId, int dest, int offset, int size) {
    memory.initPassiveSegment(segmentId, dest, offset, size);
  }

  @Override
  public void write(int addr, byte[] data, int offset, int size) {
    memory.write(addr, data, offset, size);
  }

  @Override
  public byte read(int addr) {
    return memory.read(addr);
  }

  @Override
  public byte[] readBytes(int addr, int len) {
    return memory.readBytes(addr, len);
  }

  @Override
  public void writeI32(int addr, int data) {
    memory.writeI32(addr, data);
  }

  @Override
  public int readInt(int addr) {
    return memory.readInt(addr);
  }

  @Override
  public void writeLong(int addr, long data) {
    memory.writeLong(addr, data);
  }

  @Override
  public long readLong(int addr) {
    return memory.readLong(addr);
  }

  @Override
  public void writeShort(int addr, short data) {
    memory.writeShort(addr, data);
  }

  @Override
  public short readShort(int addr) {
    return memory.readShort(addr);
  }

  @Override
  public long readU16(int addr) {
    return memory.readU16(addr);
  }

  @Override
  public void writeByte(int addr, byte data) {
    memory.writeByte(addr, data);
  }

  @Override
  public void writeF32(int addr, float data) {
    memory.writeF32(addr, data);
  }

  @Override
  public long readF32(int addr) {
    return memory.readF32(addr);
  }

  @Override
  public float readFloat(int addr) {
    return memory.readFloat(addr);
  }

  @Override
  public void writeF64(int addr, double data) {
    memory.writeF64(addr, data);
  }

  @Override
  public double readDouble(int addr) {
    return memory.readDouble(addr);
  }

  @Override
  public long readF64(int addr) {
    return memory.readF64(addr);
  }

  @Override
  public void zero() {
    memory.zero();
  }

  @Override
  public void fill(byte value, int fromIndex, int toIndex) {
    memory.fill(value, fromIndex, toIndex);
  }

  @Override
  public void copy(int dest, int src, int size) {
    memory.copy(dest, src, size);
  }

  @Override
  public void drop(int segment) {
    memory.drop(segment);
  }
}
