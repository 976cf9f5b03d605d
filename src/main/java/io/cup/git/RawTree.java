package io.cup.git;

import java.util.Arrays;
import org.eclipse.jgit.errors.CorruptObjectException;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;

/**
 * A tree object's entries as positions in its bytes ({@code mode SP name NUL id}): names stay
 * bytes, never decoded, so that {@link CommitWriter} can look edited names up and copy the entries
 * it keeps as they are.
 */
final class RawTree {
  static final RawTree EMPTY = new RawTree(new byte[0], new int[0], new int[0], new int[0], 0);

  private static final int ID_LENGTH = 20;

  private final byte[] bytes;

  /** Per entry: where it starts, which is also where its mode starts. */
  private final int[] starts;

  /** Per entry: where its name starts. */
  private final int[] names;

  /** Per entry: its mode's bits. */
  private final int[] modes;

  private final int size;

  private RawTree(byte[] bytes, int[] starts, int[] names, int[] modes, int size) {
    this.bytes = bytes;
    this.starts = starts;
    this.names = names;
    this.modes = modes;
    this.size = size;
  }

  /**
   * The entries of the tree object {@code bytes}.
   *
   * @throws CorruptObjectException when the bytes are not a tree's
   */
  static RawTree parse(byte[] bytes) throws CorruptObjectException {
    int[] starts = new int[16];
    int[] names = new int[16];
    int[] modes = new int[16];
    int size = 0;
    int p = 0;
    while (p < bytes.length) {
      if (size == starts.length) {
        starts = Arrays.copyOf(starts, size * 2);
        names = Arrays.copyOf(names, size * 2);
        modes = Arrays.copyOf(modes, size * 2);
      }
      starts[size] = p;
      int mode = 0;
      while (p < bytes.length && bytes[p] != ' ') {
        if (bytes[p] < '0' || bytes[p] > '7') {
          throw corrupt();
        }
        mode = (mode << 3) | (bytes[p] - '0');
        p++;
      }
      modes[size] = mode;
      if (p == starts[size] || p == bytes.length) {
        throw corrupt();
      }
      p++;
      names[size] = p;
      while (p < bytes.length && bytes[p] != 0) {
        p++;
      }
      if (p == names[size] || p + 1 + ID_LENGTH > bytes.length) {
        throw corrupt();
      }
      p += 1 + ID_LENGTH;
      size++;
    }
    return new RawTree(bytes, starts, names, modes, size);
  }

  private static CorruptObjectException corrupt() {
    return new CorruptObjectException("tree entry is malformed");
  }

  byte[] bytes() {
    return bytes;
  }

  int size() {
    return size;
  }

  /** Where entry {@code i} starts in {@link #bytes}. */
  int start(int i) {
    return starts[i];
  }

  int nameStart(int i) {
    return names[i];
  }

  int nameLength(int i) {
    return nameEnd(i) - names[i];
  }

  byte[] name(int i) {
    return Arrays.copyOfRange(bytes, names[i], nameEnd(i));
  }

  ObjectId id(int i) {
    return ObjectId.fromRaw(bytes, nameEnd(i) + 1);
  }

  FileMode mode(int i) {
    return FileMode.fromBits(modes[i]);
  }

  boolean isTree(int i) {
    return (modes[i] & FileMode.TYPE_MASK) == FileMode.TYPE_TREE;
  }

  /** The NUL after entry {@code i}'s name: its id follows. */
  private int nameEnd(int i) {
    int next = i + 1 < size ? starts[i + 1] : bytes.length;
    return next - 1 - ID_LENGTH;
  }
}
