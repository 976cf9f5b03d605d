;; The memory bomb that uses what it gets: grows 1 MiB at a time and writes a byte to every new
;; 64 KiB page, until the host refuses, then traps. Pages are allocated when first written to, so
;; this is the bomb that really takes the host's memory; the cap must hold for it as for one that
;; only grows.
(module
  (memory (export "memory") 1)
  (func (export "_start")
    (local $before i32)
    (local $page i32)
    (loop $more
      (local.set $before (memory.grow (i32.const 16)))
      (if (i32.ne (local.get $before) (i32.const -1))
        (then
          (local.set $page (local.get $before))
          (loop $touch
            (i32.store8 (i32.shl (local.get $page) (i32.const 16)) (i32.const 1))
            (local.set $page (i32.add (local.get $page) (i32.const 1)))
            (br_if $touch (i32.lt_u (local.get $page) (i32.add (local.get $before) (i32.const 16)))))
          (br $more))))
    unreachable))
