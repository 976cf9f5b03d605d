package io.cup.wasm;

import static com.dylibso.chicory.wasm.types.ValType.I32;
import static com.dylibso.chicory.wasm.types.ValType.I64;

import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * WASI preview 1 as the guest sees it: the module name, every function it defines with its type,
 * and the constants (errno, file types, flags) of the ABI. Values are those of the {@code
 * wasi_snapshot_preview1} witx definitions.
 */
final class Wasi {
  static final String MODULE = "wasi_snapshot_preview1";

  /** Every function of WASI preview 1, by name: a module may import any of these and no other. */
  static final Map<String, FunctionType> FUNCTIONS = functions();

  // errno
  static final int SUCCESS = 0;
  static final int EACCES = 2;
  static final int EBADF = 8;
  static final int EBUSY = 10;
  static final int EEXIST = 20;
  static final int EFBIG = 22;
  static final int EINVAL = 28;
  static final int EISDIR = 31;
  static final int EMFILE = 33;
  static final int ENAMETOOLONG = 37;
  static final int ENOENT = 44;
  static final int ENOSYS = 52;
  static final int ENOTDIR = 54;
  static final int ENOTEMPTY = 55;
  static final int ENOTSUP = 58;
  static final int EPERM = 63;
  static final int EROFS = 69;
  static final int ESPIPE = 70;
  static final int ENOTCAPABLE = 76;

  // filetype
  static final int FILETYPE_CHARACTER_DEVICE = 2;
  static final int FILETYPE_DIRECTORY = 3;
  static final int FILETYPE_REGULAR_FILE = 4;

  // oflags
  static final int O_CREAT = 1;
  static final int O_DIRECTORY = 2;
  static final int O_EXCL = 4;
  static final int O_TRUNC = 8;

  // fdflags
  static final int FDFLAGS_APPEND = 1;

  // rights: reading, and the ones that mean "this descriptor writes"
  static final long RIGHT_FD_READ = 1L << 1;
  static final long RIGHT_FD_WRITE = 1L << 6;
  static final long RIGHT_FD_ALLOCATE = 1L << 8;
  static final long RIGHT_FD_FILESTAT_SET_SIZE = 1L << 22;
  static final long RIGHTS_WRITING =
      RIGHT_FD_WRITE | RIGHT_FD_ALLOCATE | RIGHT_FD_FILESTAT_SET_SIZE;

  /** Every right of preview 1 (bits 0 to 29): descriptors are limited by what they are. */
  static final long RIGHTS_ALL = (1L << 30) - 1;

  // whence
  static final int WHENCE_SET = 0;
  static final int WHENCE_CUR = 1;
  static final int WHENCE_END = 2;

  // clocks
  static final int CLOCK_REALTIME = 0;
  static final int CLOCK_MONOTONIC = 1;
  static final int CLOCK_PROCESS_CPUTIME = 2;
  static final int CLOCK_THREAD_CPUTIME = 3;

  // poll_oneoff
  static final int EVENTTYPE_CLOCK = 0;
  static final int EVENTTYPE_FD_READ = 1;
  static final int EVENTTYPE_FD_WRITE = 2;
  static final int SUBCLOCK_ABSTIME = 1;

  private Wasi() {}

  private static Map<String, FunctionType> functions() {
    Map<String, FunctionType> f = new LinkedHashMap<>();
    f.put("args_get", errno(I32, I32));
    f.put("args_sizes_get", errno(I32, I32));
    f.put("environ_get", errno(I32, I32));
    f.put("environ_sizes_get", errno(I32, I32));
    f.put("clock_res_get", errno(I32, I32));
    f.put("clock_time_get", errno(I32, I64, I32));
    f.put("fd_advise", errno(I32, I64, I64, I32));
    f.put("fd_allocate", errno(I32, I64, I64));
    f.put("fd_close", errno(I32));
    f.put("fd_datasync", errno(I32));
    f.put("fd_fdstat_get", errno(I32, I32));
    f.put("fd_fdstat_set_flags", errno(I32, I32));
    f.put("fd_fdstat_set_rights", errno(I32, I64, I64));
    f.put("fd_filestat_get", errno(I32, I32));
    f.put("fd_filestat_set_size", errno(I32, I64));
    f.put("fd_filestat_set_times", errno(I32, I64, I64, I32));
    f.put("fd_pread", errno(I32, I32, I32, I64, I32));
    f.put("fd_prestat_get", errno(I32, I32));
    f.put("fd_prestat_dir_name", errno(I32, I32, I32));
    f.put("fd_pwrite", errno(I32, I32, I32, I64, I32));
    f.put("fd_read", errno(I32, I32, I32, I32));
    f.put("fd_readdir", errno(I32, I32, I32, I64, I32));
    f.put("fd_renumber", errno(I32, I32));
    f.put("fd_seek", errno(I32, I64, I32, I32));
    f.put("fd_sync", errno(I32));
    f.put("fd_tell", errno(I32, I32));
    f.put("fd_write", errno(I32, I32, I32, I32));
    f.put("path_create_directory", errno(I32, I32, I32));
    f.put("path_filestat_get", errno(I32, I32, I32, I32, I32));
    f.put("path_filestat_set_times", errno(I32, I32, I32, I32, I64, I64, I32));
    f.put("path_link", errno(I32, I32, I32, I32, I32, I32, I32));
    f.put("path_open", errno(I32, I32, I32, I32, I32, I64, I64, I32, I32));
    f.put("path_readlink", errno(I32, I32, I32, I32, I32, I32));
    f.put("path_remove_directory", errno(I32, I32, I32));
    f.put("path_rename", errno(I32, I32, I32, I32, I32, I32));
    f.put("path_symlink", errno(I32, I32, I32, I32, I32));
    f.put("path_unlink_file", errno(I32, I32, I32));
    f.put("poll_oneoff", errno(I32, I32, I32, I32));
    f.put("proc_exit", FunctionType.of(List.of(I32), List.of()));
    f.put("proc_raise", errno(I32));
    f.put("sched_yield", errno());
    f.put("random_get", errno(I32, I32));
    f.put("sock_accept", errno(I32, I32, I32));
    f.put("sock_recv", errno(I32, I32, I32, I32, I32, I32));
    f.put("sock_send", errno(I32, I32, I32, I32, I32));
    f.put("sock_shutdown", errno(I32, I32));
    return Map.copyOf(f);
  }

  private static FunctionType errno(ValType... params) {
    return FunctionType.of(List.of(params), List.of(I32));
  }
}
