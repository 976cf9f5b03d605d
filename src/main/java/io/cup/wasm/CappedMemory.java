package io.cup.wasm;

import com.dylibso.chicory.runtime.ConstantEvaluators;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A guest's linear memory under the controller's cap: the maximum the module declares, lowered to
 * the cap. A {@code memory.grow} the cap refuses returns -1 to the guest as WebAssembly says (a
 * guest may cope), and is remembered, so that a call that then fails is reported as what it is:
 * over its memory limit.
 *
 * <p>Cup's own memory, not a wrapper around Chicory's {@code ByteArrayMemory} (which is final): 64
 * KiB pages, as Chicory's, but a page is allocated when the guest first writes to it. Until then it
 * reads as the one shared page of zeros. A module built by wasi-libc declares a megabyte or more of
 * initial memory (its stack and data) and touches a fraction of it in a short call: allocating and
 * zeroing all of it (Chicory allocates every initial page, then zeroes them all again when it
 * instantiates) was half the cost of a {@code get}. A load is what it is in Chicory's memory (two
 * array loads), a store one comparison more, and neither goes through a second {@code Memory}.
 * Pages past the current size are null, so an access out of bounds fails as in Chicory's memory: a
 * {@link WasmRuntimeException} (a trap).
 *
 * <p>One guest call, one thread: not thread-safe, and not for shared memory (no threads in a WASI
 * preview 1 command; a wait traps).
 */
final class CappedMemory implements Memory {
  /** The module's initial memory is already over the cap. */
  static final class InitialMemoryTooLarge extends RuntimeException {
    InitialMemoryTooLarge(int pages) {
      super("initial memory of " + pages + " pages", null, false, false);
    }
  }

  private static final int PAGE_SHIFT = 16;
  private static final int PAGE_MASK = PAGE_SIZE - 1;

  /** Every page the guest has not written to: only ever read (every write checks for it). */
  private static final byte[] ZEROS = new byte[PAGE_SIZE];

  private static final VarHandle SHORT =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final MemoryLimits limits;
  private final int capPages;
  private final int declaredMaximum;

  /** One slot per page up to the maximum; {@link #ZEROS} until written, null past the size. */
  private final byte[][] pages;

  private int size;
  private boolean refused;
  private DataSegment[] dataSegments;

  private CappedMemory(MemoryLimits limits, int capPages, int declaredMaximum) {
    this.limits = limits;
    this.capPages = capPages;
    this.declaredMaximum = declaredMaximum;
    this.pages = new byte[limits.maximumPages()][];
    Arrays.fill(pages, 0, limits.initialPages(), ZEROS);
    this.size = limits.initialPages();
  }

  /** The memory for a module that declares {@code declared}, capped at {@code capPages}. */
  static CappedMemory of(MemoryLimits declared, int capPages) {
    if (declared.initialPages() > capPages) {
      throw new InitialMemoryTooLarge(declared.initialPages());
    }
    int maximum = Math.min(Math.min(declared.maximumPages(), capPages), RUNTIME_MAX_PAGES);
    return new CappedMemory(
        new MemoryLimits(declared.initialPages(), maximum, declared.shared()),
        capPages,
        declared.maximumPages());
  }

  /** Whether the cap refused a grow the module's own maximum would have allowed. */
  boolean refusedGrowth() {
    return refused;
  }

  /** Pages the guest has written to (the rest were never allocated). */
  int allocatedPages() {
    int allocated = 0;
    for (int i = 0; i < size; i++) {
      if (pages[i] != ZEROS) {
        allocated++;
      }
    }
    return allocated;
  }

  // -- size ---------------------------------------------------------------------------------------

  @Override
  public int grow(int more) {
    int before = size;
    long wanted = (long) before + Integer.toUnsignedLong(more);
    if (wanted > limits.maximumPages()) {
      if (wanted > capPages && wanted <= declaredMaximum) {
        refused = true;
      }
      return -1;
    }
    Arrays.fill(pages, before, (int) wanted, ZEROS);
    size = (int) wanted;
    return before;
  }

  @Override
  public int pages() {
    return size;
  }

  @Override
  public int initialPages() {
    return limits.initialPages();
  }

  @Override
  public int maximumPages() {
    return limits.maximumPages();
  }

  @Override
  public boolean shared() {
    return limits.shared();
  }

  // -- threads: none in a WASI preview 1 command --------------------------------------------------

  @Override
  @SuppressWarnings("removal")
  public Object lock(int address) {
    return this; // Memory's default atomics hold it around a read and a write: one thread anyway
  }

  @Override
  @SuppressWarnings("removal")
  public int waitOn(int address, int expected, long timeout) {
    throw new ChicoryException("memory.atomic.wait: no other thread could wake this guest");
  }

  @Override
  @SuppressWarnings("removal")
  public int waitOn(int address, long expected, long timeout) {
    throw new ChicoryException("memory.atomic.wait: no other thread could wake this guest");
  }

  @Override
  @SuppressWarnings("removal")
  public int notify(int address, int maxThreads) {
    return 0;
  }

  // -- data segments ------------------------------------------------------------------------------

  @Override
  public void initialize(Instance instance, DataSegment[] segments) {
    this.dataSegments = segments;
    if (segments == null) {
      return;
    }
    for (DataSegment segment : segments) {
      if (segment instanceof ActiveDataSegment active) {
        int offset =
            (int) ConstantEvaluators.computeConstantValue(instance, active.offsetInstructions())[0];
        byte[] data = active.data();
        if (outOfBounds(offset, data.length, byteSize())) {
          throw new UninstantiableException(outOfBoundsMessage(offset, data.length));
        }
        write(offset, data, 0, data.length);
      } else if (!(segment instanceof PassiveDataSegment)) {
        throw new ChicoryException("Data segment should be active or passive: " + segment);
      }
    }
  }

  @Override
  public void initPassiveSegment(int segmentId, int dest, int offset, int size) {
    write(dest, dataSegments[segmentId].data(), offset, size);
  }

  @Override
  public void drop(int segment) {
    dataSegments[segment] = PassiveDataSegment.EMPTY;
  }

  // -- bulk ---------------------------------------------------------------------------------------

  @Override
  public void write(int addr, byte[] data, int offset, int length) {
    check(offset, length, data.length);
    check(addr, length, byteSize());
    while (length > 0) {
      int at = addr & PAGE_MASK;
      int chunk = Math.min(length, PAGE_SIZE - at);
      System.arraycopy(data, offset, writable(addr >>> PAGE_SHIFT), at, chunk);
      addr += chunk;
      offset += chunk;
      length -= chunk;
    }
  }

  @Override
  public byte[] readBytes(int addr, int length) {
    check(addr, length, byteSize());
    byte[] result = new byte[length];
    int done = 0;
    while (done < length) {
      int at = addr & PAGE_MASK;
      int chunk = Math.min(length - done, PAGE_SIZE - at);
      System.arraycopy(pages[addr >>> PAGE_SHIFT], at, result, done, chunk);
      addr += chunk;
      done += chunk;
    }
    return result;
  }

  /** Sets every page to zeros: the unwritten page again, nothing to fill. */
  @Override
  public void zero() {
    Arrays.fill(pages, 0, size, ZEROS);
  }

  @Override
  public void fill(byte value, int fromIndex, int toIndex) {
    int addr = fromIndex;
    int length = toIndex - fromIndex;
    check(addr, length, byteSize());
    while (length > 0) {
      int at = addr & PAGE_MASK;
      int chunk = Math.min(length, PAGE_SIZE - at);
      int page = addr >>> PAGE_SHIFT;
      if (value == 0 && chunk == PAGE_SIZE) {
        pages[page] = ZEROS;
      } else if (value != 0 || pages[page] != ZEROS) {
        Arrays.fill(writable(page), at, at + chunk, value);
      }
      addr += chunk;
      length -= chunk;
    }
  }

  /** memory.copy: as memmove, overlapping ranges included. */
  @Override
  public void copy(int dest, int src, int length) {
    int limit = byteSize();
    check(dest, length, limit);
    check(src, length, limit);
    if (length == 0 || dest == src) {
      return;
    }
    if (dest < src) {
      while (length > 0) {
        int chunk = chunk(dest, src, length);
        copyChunk(dest, src, chunk);
        dest += chunk;
        src += chunk;
        length -= chunk;
      }
    } else {
      // backwards, from the end, so that an overlapping source is read before it is overwritten
      int destEnd = dest + length;
      int srcEnd = src + length;
      while (length > 0) {
        int chunk =
            Math.min(
                length, Math.min(((destEnd - 1) & PAGE_MASK) + 1, ((srcEnd - 1) & PAGE_MASK) + 1));
        destEnd -= chunk;
        srcEnd -= chunk;
        copyChunk(destEnd, srcEnd, chunk);
        length -= chunk;
      }
    }
  }

  private static int chunk(int dest, int src, int length) {
    return Math.min(length, PAGE_SIZE - Math.max(dest & PAGE_MASK, src & PAGE_MASK));
  }

  /** Copies within one page of each side ({@code System.arraycopy} handles one array's overlap). */
  private void copyChunk(int dest, int src, int length) {
    // read before the destination is allocated: when both are one unwritten page, `from` stays the
    // shared zeros, which is what the new page holds too
    byte[] from = pages[src >>> PAGE_SHIFT];
    System.arraycopy(
        from, src & PAGE_MASK, writable(dest >>> PAGE_SHIFT), dest & PAGE_MASK, length);
  }

  // -- loads --------------------------------------------------------------------------------------

  @Override
  public byte read(int addr) {
    try {
      return pages[addr >>> PAGE_SHIFT][addr & PAGE_MASK];
    } catch (RuntimeException e) {
      throw outOfBounds(e, addr, 1);
    }
  }

  @Override
  public short readShort(int addr) {
    int at = addr & PAGE_MASK;
    if (at <= PAGE_SIZE - 2) {
      try {
        return (short) SHORT.get(pages[addr >>> PAGE_SHIFT], at);
      } catch (RuntimeException e) {
        throw outOfBounds(e, addr, 2);
      }
    }
    check(addr, 2, byteSize());
    return (short) ((read(addr) & 0xFF) | ((read(addr + 1) & 0xFF) << 8));
  }

  @Override
  public long readU16(int addr) {
    return readShort(addr) & 0xFFFFL;
  }

  @Override
  public int readInt(int addr) {
    int at = addr & PAGE_MASK;
    if (at <= PAGE_SIZE - 4) {
      try {
        return (int) INT.get(pages[addr >>> PAGE_SHIFT], at);
      } catch (RuntimeException e) {
        throw outOfBounds(e, addr, 4);
      }
    }
    check(addr, 4, byteSize());
    int value = 0;
    for (int i = 3; i >= 0; i--) {
      value = (value << 8) | (read(addr + i) & 0xFF);
    }
    return value;
  }

  @Override
  public long readLong(int addr) {
    int at = addr & PAGE_MASK;
    if (at <= PAGE_SIZE - 8) {
      try {
        return (long) LONG.get(pages[addr >>> PAGE_SHIFT], at);
      } catch (RuntimeException e) {
        throw outOfBounds(e, addr, 8);
      }
    }
    check(addr, 8, byteSize());
    long value = 0;
    for (int i = 7; i >= 0; i--) {
      value = (value << 8) | (read(addr + i) & 0xFFL);
    }
    return value;
  }

  @Override
  public long readF32(int addr) {
    return readInt(addr);
  }

  @Override
  public float readFloat(int addr) {
    return Float.intBitsToFloat(readInt(addr));
  }

  @Override
  public long readF64(int addr) {
    return readLong(addr);
  }

  @Override
  public double readDouble(int addr) {
    return Double.longBitsToDouble(readLong(addr));
  }

  // -- stores -------------------------------------------------------------------------------------

  @Override
  public void writeByte(int addr, byte data) {
    try {
      writable(addr >>> PAGE_SHIFT)[addr & PAGE_MASK] = data;
    } catch (RuntimeException e) {
      throw outOfBounds(e, addr, 1);
    }
  }

  @Override
  public void writeShort(int addr, short data) {
    int at = addr & PAGE_MASK;
    if (at <= PAGE_SIZE - 2) {
      try {
        SHORT.set(writable(addr >>> PAGE_SHIFT), at, data);
      } catch (RuntimeException e) {
        throw outOfBounds(e, addr, 2);
      }
      return;
    }
    check(addr, 2, byteSize());
    writeByte(addr, (byte) data);
    writeByte(addr + 1, (byte) (data >>> 8));
  }

  @Override
  public void writeI32(int addr, int data) {
    int at = addr & PAGE_MASK;
    if (at <= PAGE_SIZE - 4) {
      try {
        INT.set(writable(addr >>> PAGE_SHIFT), at, data);
      } catch (RuntimeException e) {
        throw outOfBounds(e, addr, 4);
      }
      return;
    }
    check(addr, 4, byteSize());
    for (int i = 0; i < 4; i++) {
      writeByte(addr + i, (byte) (data >>> (8 * i)));
    }
  }

  @Override
  public void writeLong(int addr, long data) {
    int at = addr & PAGE_MASK;
    if (at <= PAGE_SIZE - 8) {
      try {
        LONG.set(writable(addr >>> PAGE_SHIFT), at, data);
      } catch (RuntimeException e) {
        throw outOfBounds(e, addr, 8);
      }
      return;
    }
    check(addr, 8, byteSize());
    for (int i = 0; i < 8; i++) {
      writeByte(addr + i, (byte) (data >>> (8 * i)));
    }
  }

  @Override
  public void writeF32(int addr, float data) {
    writeI32(addr, Float.floatToRawIntBits(data));
  }

  @Override
  public void writeF64(int addr, double data) {
    writeLong(addr, Double.doubleToRawLongBits(data));
  }

  // -- pages and bounds ---------------------------------------------------------------------------

  /**
   * Page {@code index}, allocated if the guest had not written to it yet; an index past the size
   * (null slot, or past the array) throws, which the caller reports as out of bounds.
   */
  private byte[] writable(int index) {
    byte[] page = pages[index];
    if (page == ZEROS) {
      page = new byte[PAGE_SIZE];
      pages[index] = page;
    } else if (page == null) {
      throw new IndexOutOfBoundsException(index);
    }
    return page;
  }

  private int byteSize() {
    return size * PAGE_SIZE;
  }

  private static boolean outOfBounds(int addr, int length, int limit) {
    return addr < 0 || length < 0 || (long) addr + length > limit;
  }

  private void check(int addr, int length, int limit) {
    if (outOfBounds(addr, length, limit)) {
      throw new WasmRuntimeException(outOfBoundsMessage(addr, length));
    }
  }

  private String outOfBoundsMessage(int addr, int length) {
    return "out of bounds memory access: attempted to access address: "
        + addr
        + " but limit is: "
        + byteSize()
        + " and size: "
        + length;
  }

  private RuntimeException outOfBounds(RuntimeException e, int addr, int length) {
    if (e instanceof IndexOutOfBoundsException || e instanceof NullPointerException) {
      return new WasmRuntimeException(outOfBoundsMessage(addr, length));
    }
    return e;
  }
}
