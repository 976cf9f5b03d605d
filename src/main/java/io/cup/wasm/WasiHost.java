package io.cup.wasm;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Memory;
import io.cup.wasm.GuestFiles.Dir;
import io.cup.wasm.GuestFiles.File;
import io.cup.wasm.GuestFiles.Node;
import io.cup.wasm.GuestFiles.WasiError;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The WASI preview 1 functions one guest call imports, implemented over {@link GuestFiles}: argv,
 * stdin from bytes, stdout and stderr captured under one byte limit, no environment, no sockets,
 * clocks and random numbers, and one preopened directory, {@code /}. Every function of preview 1
 * exists (modules built by wasi-libc, Rust or Go import more than they call); the ones a sandboxed
 * controller has no use for answer ENOTSUP or EPERM. One instance per call; not thread-safe.
 */
final class WasiHost {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int ROOT_FD = 3;
  private static final int MAX_FDS = 1024;
  private static final int MAX_IO = 1 << 24;

  private final List<byte[]> argv;
  private final byte[] stdin;
  private int stdinPosition;
  private final GuestFiles files;
  private final Output output;
  private final long started = System.nanoTime();
  private final Map<Integer, Descriptor> descriptors = new HashMap<>();

  /** Ends the guest: proc_exit was called. */
  static final class GuestExit extends RuntimeException {
    final int code;

    GuestExit(int code) {
      super("exit " + code, null, false, false);
      this.code = code;
    }
  }

  /** Ends the guest: stdout and stderr together went over the limit. */
  static final class OutputLimitExceeded extends RuntimeException {
    OutputLimitExceeded(long limit) {
      super("output over " + limit + " bytes", null, false, false);
    }
  }

  /** stdout and stderr, kept in memory under one limit on their combined size. */
  static final class Output {
    final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final long limit;
    private long written;

    Output(long limit) {
      this.limit = limit;
    }

    void write(int fd, byte[] bytes) {
      if (written + bytes.length > limit) {
        throw new OutputLimitExceeded(limit);
      }
      written += bytes.length;
      (fd == 1 ? stdout : stderr).writeBytes(bytes);
    }
  }

  private sealed interface Descriptor permits Stdin, Stdout, Directory, OpenFile {}

  private record Stdin() implements Descriptor {}

  private record Stdout(int fd) implements Descriptor {}

  private record Directory(Dir dir, List<String> path, boolean preopened) implements Descriptor {}

  private static final class OpenFile implements Descriptor {
    final File file;
    final boolean reads;
    final boolean writes;
    boolean append;
    long position;

    OpenFile(File file, boolean reads, boolean writes, boolean append) {
      this.file = file;
      this.reads = reads;
      this.writes = writes;
      this.append = append;
    }
  }

  WasiHost(List<String> argv, byte[] stdin, GuestFiles files, Output output) {
    this.argv = argv.stream().map(a -> (a + "\0").getBytes(UTF_8)).toList();
    this.stdin = stdin;
    this.files = files;
    this.output = output;
    descriptors.put(0, new Stdin());
    descriptors.put(1, new Stdout(1));
    descriptors.put(2, new Stdout(2));
    descriptors.put(ROOT_FD, new Directory(files.root(), List.of(), true));
  }

  /** The host functions, as Chicory links them. */
  ImportValues imports() {
    List<HostFunction> functions = new ArrayList<>();
    Map<String, Call> calls = calls();
    Wasi.FUNCTIONS.forEach(
        (name, type) -> {
          Call call = calls.get(name);
          if (call == null) {
            throw new IllegalStateException("no implementation of " + name);
          }
          functions.add(
              new HostFunction(
                  Wasi.MODULE,
                  name,
                  type,
                  (instance, args) -> {
                    int errno;
                    try {
                      errno = call.apply(instance.memory(), args);
                    } catch (WasiError e) {
                      errno = e.errno;
                    }
                    return type.returns().isEmpty() ? null : new long[] {errno};
                  }));
        });
    return ImportValues.builder().addFunction(functions.toArray(HostFunction[]::new)).build();
  }

  @FunctionalInterface
  private interface Call {
    int apply(Memory memory, long[] args);
  }

  private Map<String, Call> calls() {
    Map<String, Call> c = new HashMap<>();
    c.put("args_get", (m, a) -> strings(m, argv, i(a[0]), i(a[1])));
    c.put("args_sizes_get", (m, a) -> sizes(m, argv, i(a[0]), i(a[1])));
    c.put("environ_get", (m, a) -> strings(m, List.of(), i(a[0]), i(a[1])));
    c.put("environ_sizes_get", (m, a) -> sizes(m, List.of(), i(a[0]), i(a[1])));
    c.put("clock_res_get", (m, a) -> clockRes(m, i(a[0]), i(a[1])));
    c.put("clock_time_get", (m, a) -> clockTime(m, i(a[0]), i(a[2])));
    c.put("fd_advise", (m, a) -> file(i(a[0])) == null ? Wasi.EBADF : Wasi.SUCCESS);
    c.put("fd_allocate", (m, a) -> allocate(i(a[0]), a[1], a[2]));
    c.put("fd_close", (m, a) -> descriptors.remove(i(a[0])) == null ? Wasi.EBADF : Wasi.SUCCESS);
    c.put("fd_datasync", (m, a) -> sync(i(a[0])));
    c.put("fd_fdstat_get", (m, a) -> fdstat(m, i(a[0]), i(a[1])));
    c.put("fd_fdstat_set_flags", (m, a) -> setFlags(i(a[0]), i(a[1])));
    c.put("fd_fdstat_set_rights", (m, a) -> Wasi.ENOTSUP);
    c.put("fd_filestat_get", (m, a) -> fdFilestat(m, i(a[0]), i(a[1])));
    c.put("fd_filestat_set_size", (m, a) -> setSize(i(a[0]), a[1]));
    c.put("fd_filestat_set_times", (m, a) -> setTimes(descriptor(i(a[0]))));
    c.put("fd_pread", (m, a) -> read(m, i(a[0]), i(a[1]), i(a[2]), offset(a[3]), i(a[4])));
    c.put("fd_prestat_get", (m, a) -> prestat(m, i(a[0]), i(a[1])));
    c.put("fd_prestat_dir_name", (m, a) -> prestatName(m, i(a[0]), i(a[1]), i(a[2])));
    c.put("fd_pwrite", (m, a) -> write(m, i(a[0]), i(a[1]), i(a[2]), offset(a[3]), i(a[4])));
    c.put("fd_read", (m, a) -> read(m, i(a[0]), i(a[1]), i(a[2]), -1, i(a[3])));
    c.put("fd_readdir", (m, a) -> readdir(m, i(a[0]), i(a[1]), i(a[2]), a[3], i(a[4])));
    c.put("fd_renumber", (m, a) -> renumber(i(a[0]), i(a[1])));
    c.put("fd_seek", (m, a) -> seek(m, i(a[0]), a[1], i(a[2]), i(a[3])));
    c.put("fd_sync", (m, a) -> sync(i(a[0])));
    c.put("fd_tell", (m, a) -> seek(m, i(a[0]), 0, Wasi.WHENCE_CUR, i(a[1])));
    c.put("fd_write", (m, a) -> write(m, i(a[0]), i(a[1]), i(a[2]), -1, i(a[3])));
    c.put("path_create_directory", (m, a) -> mkdir(m, i(a[0]), i(a[1]), i(a[2])));
    c.put("path_filestat_get", (m, a) -> pathFilestat(m, i(a[0]), i(a[2]), i(a[3]), i(a[4])));
    c.put(
        "path_filestat_set_times",
        (m, a) -> setTimes(files.existing(path(m, i(a[0]), i(a[2]), i(a[3])))));
    // no hard or symbolic links: a Git tree has no hard links, and a link the guest made could
    // point anywhere
    c.put("path_link", (m, a) -> Wasi.EPERM);
    c.put("path_symlink", (m, a) -> Wasi.EPERM);
    c.put("path_readlink", (m, a) -> readlink(m, i(a[0]), i(a[1]), i(a[2])));
    c.put(
        "path_open", (m, a) -> open(m, i(a[0]), i(a[2]), i(a[3]), i(a[4]), a[5], i(a[7]), i(a[8])));
    c.put("path_remove_directory", (m, a) -> rmdir(m, i(a[0]), i(a[1]), i(a[2])));
    c.put("path_rename", (m, a) -> rename(m, i(a[0]), i(a[1]), i(a[2]), i(a[3]), i(a[4]), i(a[5])));
    c.put("path_unlink_file", (m, a) -> unlink(m, i(a[0]), i(a[1]), i(a[2])));
    c.put("poll_oneoff", (m, a) -> poll(m, i(a[0]), i(a[1]), i(a[2]), i(a[3])));
    c.put(
        "proc_exit",
        (m, a) -> {
          throw new GuestExit(i(a[0]));
        });
    c.put("proc_raise", (m, a) -> Wasi.ENOSYS);
    c.put("sched_yield", (m, a) -> Wasi.SUCCESS);
    c.put("random_get", (m, a) -> random(m, i(a[0]), i(a[1])));
    c.put("sock_accept", (m, a) -> Wasi.ENOTSUP);
    c.put("sock_recv", (m, a) -> Wasi.ENOTSUP);
    c.put("sock_send", (m, a) -> Wasi.ENOTSUP);
    c.put("sock_shutdown", (m, a) -> Wasi.ENOTSUP);
    return c;
  }

  private static int i(long value) {
    return (int) value;
  }

  /** A u64 file offset of pread/pwrite; past 2^63 it stays far beyond any file, never "none". */
  private static long offset(long value) {
    return value < 0 ? Long.MAX_VALUE : value;
  }

  // -- args, environment, clocks, random --------------------------------------------------------

  private static int strings(Memory memory, List<byte[]> strings, int pointers, int buffer) {
    int offset = buffer;
    for (int n = 0; n < strings.size(); n++) {
      memory.writeI32(pointers + 4 * n, offset);
      memory.write(offset, strings.get(n));
      offset += strings.get(n).length;
    }
    return Wasi.SUCCESS;
  }

  private static int sizes(Memory memory, List<byte[]> strings, int count, int size) {
    memory.writeI32(count, strings.size());
    memory.writeI32(size, strings.stream().mapToInt(s -> s.length).sum());
    return Wasi.SUCCESS;
  }

  private static int clockRes(Memory memory, int clock, int result) {
    if (clock < Wasi.CLOCK_REALTIME || clock > Wasi.CLOCK_THREAD_CPUTIME) {
      return Wasi.EINVAL;
    }
    memory.writeLong(result, clock == Wasi.CLOCK_REALTIME ? 1_000L : 1L);
    return Wasi.SUCCESS;
  }

  private int clockTime(Memory memory, int clock, int result) {
    long now;
    switch (clock) {
      case Wasi.CLOCK_REALTIME -> {
        java.time.Instant instant = java.time.Instant.now();
        now = instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
      }
      case Wasi.CLOCK_MONOTONIC -> now = System.nanoTime();
      // the CPU clocks measure the call: the guest learns nothing about the host
      case Wasi.CLOCK_PROCESS_CPUTIME, Wasi.CLOCK_THREAD_CPUTIME ->
          now = System.nanoTime() - started;
      default -> {
        return Wasi.EINVAL;
      }
    }
    memory.writeLong(result, now);
    return Wasi.SUCCESS;
  }

  private static int random(Memory memory, int buffer, int length) {
    byte[] bytes = new byte[length];
    RANDOM.nextBytes(bytes);
    memory.write(buffer, bytes);
    return Wasi.SUCCESS;
  }

  /**
   * poll_oneoff: descriptor subscriptions are always ready (stdio and files never block); clock
   * subscriptions sleep until the earliest timeout. The sleep is interruptible, so the call's
   * deadline ends it.
   */
  private int poll(Memory memory, int in, int out, int count, int eventsPointer) {
    if (count <= 0) {
      return Wasi.EINVAL;
    }
    record Subscription(long userdata, int type, long deadline, int fd) {}
    List<Subscription> subscriptions = new ArrayList<>();
    long now = System.nanoTime();
    long realtimeOffset =
        java.time.Instant.now().toEpochMilli() * 1_000_000L - now; // realtime = nanoTime + offset
    for (int n = 0; n < count; n++) {
      int at = in + 48 * n;
      long userdata = memory.readLong(at);
      int type = memory.read(at + 8);
      if (type == Wasi.EVENTTYPE_CLOCK) {
        int clock = memory.readInt(at + 16);
        long timeout = memory.readLong(at + 24);
        int flags = memory.readShort(at + 40);
        long deadline;
        if ((flags & Wasi.SUBCLOCK_ABSTIME) == 0) {
          deadline = now + timeout;
        } else if (clock == Wasi.CLOCK_REALTIME) {
          deadline = timeout - realtimeOffset;
        } else {
          deadline = timeout;
        }
        subscriptions.add(new Subscription(userdata, type, deadline, -1));
      } else {
        subscriptions.add(new Subscription(userdata, type, 0, memory.readInt(at + 16)));
      }
    }
    List<Subscription> ready =
        subscriptions.stream().filter(s -> s.type() != Wasi.EVENTTYPE_CLOCK).toList();
    if (ready.isEmpty()) {
      long earliest = subscriptions.stream().mapToLong(Subscription::deadline).min().orElse(now);
      long wait = earliest - System.nanoTime();
      if (wait > 0) {
        try {
          Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ChicoryInterruptedException("Thread interrupted");
        }
      }
      long after = System.nanoTime();
      ready = subscriptions.stream().filter(s -> s.deadline() <= after).toList();
    }
    int at = out;
    for (Subscription s : ready) {
      memory.writeLong(at, s.userdata());
      int error = Wasi.SUCCESS;
      if (s.type() != Wasi.EVENTTYPE_CLOCK && !descriptors.containsKey(s.fd())) {
        error = Wasi.EBADF;
      }
      memory.writeShort(at + 8, (short) error);
      memory.writeByte(at + 10, (byte) s.type());
      memory.writeLong(at + 16, 0);
      memory.writeShort(at + 24, (short) 0);
      at += 32;
    }
    memory.writeI32(eventsPointer, ready.size());
    return Wasi.SUCCESS;
  }

  // -- descriptors ------------------------------------------------------------------------------

  private Descriptor descriptor(int fd) {
    Descriptor descriptor = descriptors.get(fd);
    if (descriptor == null) {
      throw new WasiError(Wasi.EBADF);
    }
    return descriptor;
  }

  private OpenFile file(int fd) {
    return descriptors.get(fd) instanceof OpenFile open ? open : null;
  }

  private Directory directory(int fd) {
    Descriptor descriptor = descriptor(fd);
    if (!(descriptor instanceof Directory directory)) {
      throw new WasiError(Wasi.ENOTDIR);
    }
    return directory;
  }

  private int fdstat(Memory memory, int fd, int buffer) {
    Descriptor descriptor = descriptor(fd);
    int type;
    int flags = 0;
    if (descriptor instanceof Directory) {
      type = Wasi.FILETYPE_DIRECTORY;
    } else if (descriptor instanceof OpenFile open) {
      type = Wasi.FILETYPE_REGULAR_FILE;
      flags = open.append ? Wasi.FDFLAGS_APPEND : 0;
    } else {
      type = Wasi.FILETYPE_CHARACTER_DEVICE;
    }
    memory.writeByte(buffer, (byte) type);
    memory.writeShort(buffer + 2, (short) flags);
    // rights are not how this host limits a descriptor: what it is, and the file system, do that
    memory.writeLong(buffer + 8, Wasi.RIGHTS_ALL);
    memory.writeLong(buffer + 16, Wasi.RIGHTS_ALL);
    return Wasi.SUCCESS;
  }

  private int setFlags(int fd, int flags) {
    Descriptor descriptor = descriptor(fd);
    if (descriptor instanceof OpenFile open) {
      open.append = (flags & Wasi.FDFLAGS_APPEND) != 0;
    }
    return Wasi.SUCCESS;
  }

  private int prestat(Memory memory, int fd, int buffer) {
    if (!(descriptors.get(fd) instanceof Directory directory) || !directory.preopened()) {
      return Wasi.EBADF;
    }
    memory.writeI32(buffer, 0);
    memory.writeI32(buffer + 4, 1);
    return Wasi.SUCCESS;
  }

  private int prestatName(Memory memory, int fd, int buffer, int length) {
    if (!(descriptors.get(fd) instanceof Directory directory) || !directory.preopened()) {
      return Wasi.EBADF;
    }
    if (length < 1) {
      return Wasi.ENAMETOOLONG;
    }
    memory.writeByte(buffer, (byte) '/');
    return Wasi.SUCCESS;
  }

  private int renumber(int from, int to) {
    Descriptor descriptor = descriptor(from);
    descriptor(to);
    descriptors.remove(from);
    descriptors.put(to, descriptor);
    return Wasi.SUCCESS;
  }

  private int sync(int fd) {
    Descriptor descriptor = descriptor(fd);
    return descriptor instanceof Directory ? Wasi.EBADF : Wasi.SUCCESS;
  }

  // -- reading and writing ----------------------------------------------------------------------

  private int read(Memory memory, int fd, int iovs, int count, long offset, int resultPointer) {
    Descriptor descriptor = descriptor(fd);
    int total = 0;
    if (descriptor instanceof Stdin) {
      if (offset >= 0) {
        return Wasi.ESPIPE;
      }
      for (int n = 0; n < count && stdinPosition < stdin.length; n++) {
        int buffer = memory.readInt(iovs + 8 * n);
        int length = Math.min(memory.readInt(iovs + 8 * n + 4), stdin.length - stdinPosition);
        memory.write(buffer, stdin, stdinPosition, length);
        stdinPosition += length;
        total += length;
      }
    } else if (descriptor instanceof OpenFile open) {
      if (!open.reads) {
        return Wasi.EBADF;
      }
      long position = offset >= 0 ? offset : open.position;
      for (int n = 0; n < count; n++) {
        int buffer = memory.readInt(iovs + 8 * n);
        int length = Math.min(memory.readInt(iovs + 8 * n + 4), MAX_IO);
        byte[] bytes = open.file.read(position, length);
        memory.write(buffer, bytes);
        position += bytes.length;
        total += bytes.length;
        if (bytes.length < length) {
          break;
        }
      }
      if (offset < 0) {
        open.position = position;
      }
    } else if (descriptor instanceof Directory) {
      return Wasi.EISDIR;
    } else {
      return Wasi.EBADF;
    }
    memory.writeI32(resultPointer, total);
    return Wasi.SUCCESS;
  }

  private int write(Memory memory, int fd, int iovs, int count, long offset, int resultPointer) {
    Descriptor descriptor = descriptor(fd);
    int total = 0;
    if (descriptor instanceof Stdout out) {
      if (offset >= 0) {
        return Wasi.ESPIPE;
      }
      for (int n = 0; n < count; n++) {
        int buffer = memory.readInt(iovs + 8 * n);
        int length = memory.readInt(iovs + 8 * n + 4);
        if (length < 0) {
          return Wasi.EINVAL;
        }
        output.write(out.fd(), memory.readBytes(buffer, length));
        total += length;
      }
    } else if (descriptor instanceof OpenFile open) {
      if (!open.writes) {
        return files.writable() ? Wasi.EBADF : Wasi.EROFS;
      }
      long position = offset >= 0 ? offset : open.append ? open.file.size() : open.position;
      for (int n = 0; n < count; n++) {
        int buffer = memory.readInt(iovs + 8 * n);
        int length = memory.readInt(iovs + 8 * n + 4);
        if (length < 0) {
          return Wasi.EINVAL;
        }
        open.file.write(position, memory.readBytes(buffer, length));
        position += length;
        total += length;
      }
      if (offset < 0) {
        open.position = position;
      }
    } else if (descriptor instanceof Directory) {
      return Wasi.EISDIR;
    } else {
      return Wasi.EBADF;
    }
    memory.writeI32(resultPointer, total);
    return Wasi.SUCCESS;
  }

  private int seek(Memory memory, int fd, long offset, int whence, int resultPointer) {
    Descriptor descriptor = descriptor(fd);
    if (!(descriptor instanceof OpenFile open)) {
      return descriptor instanceof Directory ? Wasi.EBADF : Wasi.ESPIPE;
    }
    long from =
        switch (whence) {
          case Wasi.WHENCE_SET -> 0;
          case Wasi.WHENCE_CUR -> open.position;
          case Wasi.WHENCE_END -> open.file.size();
          default -> -1;
        };
    if (from < 0 || from + offset < 0) {
      return Wasi.EINVAL;
    }
    open.position = from + offset;
    memory.writeLong(resultPointer, open.position);
    return Wasi.SUCCESS;
  }

  private int allocate(int fd, long offset, long length) {
    OpenFile open = writableFile(fd);
    if (offset < 0 || length <= 0) {
      return Wasi.EINVAL;
    }
    if (offset + length > open.file.size()) {
      open.file.setSize(offset + length);
    }
    return Wasi.SUCCESS;
  }

  private int setSize(int fd, long size) {
    OpenFile open = writableFile(fd);
    if (size < 0) {
      return Wasi.EINVAL;
    }
    open.file.setSize(size);
    return Wasi.SUCCESS;
  }

  private OpenFile writableFile(int fd) {
    Descriptor descriptor = descriptor(fd);
    if (!(descriptor instanceof OpenFile open)) {
      throw new WasiError(descriptor instanceof Directory ? Wasi.EISDIR : Wasi.EINVAL);
    }
    if (!open.writes) {
      throw new WasiError(files.writable() ? Wasi.EBADF : Wasi.EROFS);
    }
    return open;
  }

  /** Times are not kept (Git has none): setting them succeeds where a change is allowed. */
  private int setTimes(Object target) {
    return files.writable() ? Wasi.SUCCESS : Wasi.EROFS;
  }

  // -- stat -------------------------------------------------------------------------------------

  private int fdFilestat(Memory memory, int fd, int buffer) {
    Descriptor descriptor = descriptor(fd);
    if (descriptor instanceof Directory directory) {
      filestat(memory, buffer, directory.dir());
    } else if (descriptor instanceof OpenFile open) {
      filestat(memory, buffer, open.file);
    } else {
      memory.write(buffer, new byte[64]);
      memory.writeByte(buffer + 16, (byte) Wasi.FILETYPE_CHARACTER_DEVICE);
      memory.writeLong(buffer + 8, fd + 1L << 40);
    }
    return Wasi.SUCCESS;
  }

  private int pathFilestat(Memory memory, int fd, int pathPointer, int pathLength, int buffer) {
    filestat(memory, buffer, files.existing(path(memory, fd, pathPointer, pathLength)));
    return Wasi.SUCCESS;
  }

  private static void filestat(Memory memory, int buffer, Node node) {
    memory.write(buffer, new byte[64]);
    memory.writeLong(buffer, 1); // dev
    memory.writeLong(buffer + 8, node.inode);
    memory.writeByte(
        buffer + 16,
        (byte) (node instanceof Dir ? Wasi.FILETYPE_DIRECTORY : Wasi.FILETYPE_REGULAR_FILE));
    memory.writeLong(buffer + 24, 1); // nlink
    memory.writeLong(buffer + 32, node instanceof File file ? file.size() : 0);
  }

  // -- paths ------------------------------------------------------------------------------------

  private List<String> path(Memory memory, int fd, int pointer, int length) {
    Directory directory = directory(fd);
    String raw = new String(memory.readBytes(pointer, length), UTF_8);
    return GuestFiles.resolve(directory.path(), raw);
  }

  private int open(
      Memory memory,
      int fd,
      int pathPointer,
      int pathLength,
      int oflags,
      long rights,
      int fdflags,
      int resultPointer) {
    List<String> path = path(memory, fd, pathPointer, pathLength);
    boolean append = (fdflags & Wasi.FDFLAGS_APPEND) != 0;
    boolean writes = (rights & Wasi.RIGHTS_WRITING) != 0 || append;
    boolean reads = (rights & Wasi.RIGHT_FD_READ) != 0 || !writes;
    Node node;
    try {
      node = files.open(path, oflags, writes);
    } catch (WasiError e) {
      // a read-only open that asked for write rights it does not use: retry without them, as a
      // library that requests every right for O_RDONLY expects
      if (e.errno != Wasi.EROFS
          || (oflags & (Wasi.O_CREAT | Wasi.O_TRUNC)) != 0
          || append
          || (rights & Wasi.RIGHT_FD_READ) == 0) {
        throw e;
      }
      node = files.open(path, oflags, false);
      writes = false;
    }
    int newFd = freeDescriptor();
    if (node instanceof Dir dir) {
      descriptors.put(newFd, new Directory(dir, List.copyOf(path), false));
    } else {
      descriptors.put(newFd, new OpenFile((File) node, reads, writes, append));
    }
    memory.writeI32(resultPointer, newFd);
    return Wasi.SUCCESS;
  }

  private int freeDescriptor() {
    for (int fd = ROOT_FD + 1; fd < MAX_FDS; fd++) {
      if (!descriptors.containsKey(fd)) {
        return fd;
      }
    }
    throw new WasiError(Wasi.EMFILE);
  }

  private int readlink(Memory memory, int fd, int pointer, int length) {
    files.existing(path(memory, fd, pointer, length));
    return Wasi.EINVAL; // exists, and is not a symbolic link: there are none
  }

  private int mkdir(Memory memory, int fd, int pointer, int length) {
    files.createDirectory(path(memory, fd, pointer, length));
    return Wasi.SUCCESS;
  }

  private int rmdir(Memory memory, int fd, int pointer, int length) {
    files.removeDirectory(path(memory, fd, pointer, length));
    return Wasi.SUCCESS;
  }

  private int unlink(Memory memory, int fd, int pointer, int length) {
    files.unlinkFile(path(memory, fd, pointer, length));
    return Wasi.SUCCESS;
  }

  private int rename(
      Memory memory, int fromFd, int fromPointer, int fromLength, int toFd, int to, int toLength) {
    files.rename(path(memory, fromFd, fromPointer, fromLength), path(memory, toFd, to, toLength));
    return Wasi.SUCCESS;
  }

  /**
   * fd_readdir: ".", "..", then the directory's names in order. The cookie is the index of the next
   * entry; the last entry that does not fit is cut off, as the ABI says, so a full buffer tells the
   * guest to call again.
   */
  private int readdir(Memory memory, int fd, int buffer, int length, long cookie, int used) {
    Directory directory = directory(fd);
    List<Map.Entry<String, Node>> entries = new ArrayList<>();
    entries.add(Map.entry(".", directory.dir()));
    entries.add(Map.entry("..", directory.dir()));
    entries.addAll(directory.dir().children());
    ByteBuffer out = ByteBuffer.allocate(Math.max(length, 0)).order(ByteOrder.LITTLE_ENDIAN);
    for (long n = Math.max(cookie, 0); n < entries.size() && out.hasRemaining(); n++) {
      Map.Entry<String, Node> entry = entries.get((int) n);
      byte[] name = entry.getKey().getBytes(UTF_8);
      ByteBuffer dirent = ByteBuffer.allocate(24 + name.length).order(ByteOrder.LITTLE_ENDIAN);
      dirent.putLong(n + 1);
      dirent.putLong(entry.getValue().inode);
      dirent.putInt(name.length);
      dirent.put(
          (byte)
              (entry.getValue() instanceof Dir
                  ? Wasi.FILETYPE_DIRECTORY
                  : Wasi.FILETYPE_REGULAR_FILE));
      dirent.position(24);
      dirent.put(name);
      dirent.flip();
      dirent.limit(Math.min(dirent.limit(), out.remaining()));
      out.put(dirent);
    }
    memory.write(buffer, out.array(), 0, out.position());
    memory.writeI32(used, out.position());
    return Wasi.SUCCESS;
  }
}
