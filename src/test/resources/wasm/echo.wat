;; Echoes its argv (one argument a line) and stdin to stdout, then, when argv[4] is given, opens
;; that path relative to the preopened "/" (fd 3) and copies the file to stdout.
;; A missing file exits 2 (not found); any other failure writes "errno N" to stderr and exits 1.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 2)
  (data (i32.const 80000) "errno \n")

  ;; memory: iovec at 0, count at 8, opened fd at 12, argc at 16, argv size at 20,
  ;; argv pointers at 64, argv strings at 1024, I/O buffer at 8192 (64 KiB)
  (func $write (param $fd i32) (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))

  (func $copy (param $fd i32) (result i32)
    (local $errno i32)
    (block $done
      (loop $more
        (i32.store (i32.const 0) (i32.const 8192))
        (i32.store (i32.const 4) (i32.const 65536))
        (local.set $errno (call $fd_read (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8)))
        (br_if $done (local.get $errno))
        (br_if $done (i32.eqz (i32.load (i32.const 8))))
        (call $write (i32.const 1) (i32.const 8192) (i32.load (i32.const 8)))
        (br $more)))
    (local.get $errno))

  (func $strlen (param $p i32) (result i32)
    (local $n i32)
    (block $end
      (loop $next
        (br_if $end (i32.eqz (i32.load8_u (i32.add (local.get $p) (local.get $n)))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $n))

  (func $fail (param $errno i32)
    (local $p i32)
    (call $write (i32.const 2) (i32.const 80000) (i32.const 6))
    (local.set $p (i32.const 80120))
    (loop $digit
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p)
        (i32.add (i32.const 48) (i32.rem_u (local.get $errno) (i32.const 10))))
      (local.set $errno (i32.div_u (local.get $errno) (i32.const 10)))
      (br_if $digit (local.get $errno)))
    (call $write (i32.const 2) (local.get $p) (i32.sub (i32.const 80120) (local.get $p)))
    (call $proc_exit (i32.const 1)))

  (func (export "_start")
    (local $argc i32) (local $i i32) (local $arg i32) (local $errno i32)
    (drop (call $args_sizes_get (i32.const 16) (i32.const 20)))
    (local.set $argc (i32.load (i32.const 16)))
    (drop (call $args_get (i32.const 64) (i32.const 1024)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $argc)))
        (local.set $arg (i32.load (i32.add (i32.const 64) (i32.mul (local.get $i) (i32.const 4)))))
        (call $write (i32.const 1) (local.get $arg) (call $strlen (local.get $arg)))
        (call $write (i32.const 1) (i32.const 80006) (i32.const 1))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (drop (call $copy (i32.const 0)))
    (if (i32.gt_u (local.get $argc) (i32.const 4))
      (then
        (local.set $arg (i32.load (i32.const 80)))
        (local.set $errno
          (call $path_open (i32.const 3) (i32.const 0)
            (local.get $arg) (call $strlen (local.get $arg))
            (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 12)))
        (if (i32.eq (local.get $errno) (i32.const 44)) (then (call $proc_exit (i32.const 2))))
        (if (local.get $errno) (then (call $fail (local.get $errno))))
        (local.set $errno (call $copy (i32.load (i32.const 12))))
        (if (local.get $errno) (then (call $fail (local.get $errno))))))))
