;; Tries to reach a host file by climbing out of the preopened "/" (fd 3): that must fail.
;; On success it prints ESCAPED and exits 0; refused, it says so on stderr and exits 1.
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "../../../../etc/passwd")
  (data (i32.const 200) "ESCAPED\n")
  (data (i32.const 300) "refused\n")
  (func $say (param $fd i32) (param $ptr i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (i32.const 8))
    (drop (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func (export "_start")
    (if (i32.eqz
          (call $path_open (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 22)
            (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 400)))
      (then (call $say (i32.const 1) (i32.const 200)) (call $proc_exit (i32.const 0)))
      (else (call $say (i32.const 2) (i32.const 300)) (call $proc_exit (i32.const 1))))))
