;; Changes the repository in every way a put or delete can: creates new.txt from stdin, rewrites
;; a.txt, deletes b.txt, rewrites same.txt with the bytes it has, empties and removes gone/,
;; creates made/c.txt, creates an empty directory, and moves from.txt to made/to.txt.
;; A failing step writes "step S errno E" to stderr and exits 1.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_unlink_file"
    (func $unlink (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_remove_directory"
    (func $rmdir (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_create_directory"
    (func $mkdir (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_rename"
    (func $rename (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 2)
  (data (i32.const 80000) "step ")
  (data (i32.const 80008) " errno ")
  (data (i32.const 80100) "new.txt")
  (data (i32.const 80110) "a.txt")
  (data (i32.const 80120) "changed\n")
  (data (i32.const 80130) "b.txt")
  (data (i32.const 80140) "same.txt")
  (data (i32.const 80150) "same\n")
  (data (i32.const 80160) "gone/one.txt")
  (data (i32.const 80180) "gone")
  (data (i32.const 80190) "made")
  (data (i32.const 80200) "made/c.txt")
  (data (i32.const 80220) "c\n")
  (data (i32.const 80230) "empty")
  (data (i32.const 80240) "from.txt")
  (data (i32.const 80250) "made/to.txt")

  (func $out (param $fd i32) (param $ptr i32) (param $len i32) (result i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8)))

  (func $number (param $n i32)
    (local $p i32)
    (local.set $p (i32.const 80500))
    (loop $digit
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $digit (local.get $n)))
    (drop (call $out (i32.const 2) (local.get $p) (i32.sub (i32.const 80500) (local.get $p)))))

  (func $check (param $step i32) (param $errno i32)
    (if (local.get $errno)
      (then
        (drop (call $out (i32.const 2) (i32.const 80000) (i32.const 5)))
        (call $number (local.get $step))
        (drop (call $out (i32.const 2) (i32.const 80008) (i32.const 7)))
        (call $number (local.get $errno))
        (call $proc_exit (i32.const 1)))))

  ;; opens path for writing with oflags; returns the descriptor
  (func $open (param $step i32) (param $path i32) (param $len i32) (param $oflags i32) (result i32)
    (call $check (local.get $step)
      (call $path_open (i32.const 3) (i32.const 0) (local.get $path) (local.get $len)
        (local.get $oflags) (i64.const 66) (i64.const 0) (i32.const 0) (i32.const 12)))
    (i32.load (i32.const 12)))

  (func $put (param $step i32) (param $path i32) (param $len i32) (param $oflags i32)
             (param $data i32) (param $size i32)
    (local $fd i32)
    (local.set $fd (call $open (local.get $step) (local.get $path) (local.get $len) (local.get $oflags)))
    (call $check (local.get $step) (call $out (local.get $fd) (local.get $data) (local.get $size)))
    (call $check (local.get $step) (call $fd_close (local.get $fd))))

  (func (export "_start")
    (local $fd i32)
    ;; 1: new.txt from stdin
    (local.set $fd (call $open (i32.const 1) (i32.const 80100) (i32.const 7) (i32.const 9)))
    (block $done
      (loop $more
        (i32.store (i32.const 0) (i32.const 8192))
        (i32.store (i32.const 4) (i32.const 65536))
        (call $check (i32.const 1) (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
        (br_if $done (i32.eqz (i32.load (i32.const 8))))
        (call $check (i32.const 1)
          (call $out (local.get $fd) (i32.const 8192) (i32.load (i32.const 8))))
        (br $more)))
    (call $check (i32.const 1) (call $fd_close (local.get $fd)))
    ;; 2: rewrite a.txt
    (call $put (i32.const 2) (i32.const 80110) (i32.const 5) (i32.const 8) (i32.const 80120) (i32.const 8))
    ;; 3: delete b.txt
    (call $check (i32.const 3) (call $unlink (i32.const 3) (i32.const 80130) (i32.const 5)))
    ;; 4: rewrite same.txt with its own bytes
    (call $put (i32.const 4) (i32.const 80140) (i32.const 8) (i32.const 8) (i32.const 80150) (i32.const 5))
    ;; 5, 6: empty gone/ and remove it
    (call $check (i32.const 5) (call $unlink (i32.const 3) (i32.const 80160) (i32.const 12)))
    (call $check (i32.const 6) (call $rmdir (i32.const 3) (i32.const 80180) (i32.const 4)))
    ;; 7, 8: made/c.txt in a new directory
    (call $check (i32.const 7) (call $mkdir (i32.const 3) (i32.const 80190) (i32.const 4)))
    (call $put (i32.const 8) (i32.const 80200) (i32.const 10) (i32.const 1) (i32.const 80220) (i32.const 2))
    ;; 9: an empty directory (Git keeps none)
    (call $check (i32.const 9) (call $mkdir (i32.const 3) (i32.const 80230) (i32.const 5)))
    ;; 10: move from.txt to made/to.txt
    (call $check (i32.const 10)
      (call $rename (i32.const 3) (i32.const 80240) (i32.const 8)
                    (i32.const 3) (i32.const 80250) (i32.const 11)))))
