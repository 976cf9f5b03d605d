;; Sleeps 15 seconds (poll_oneoff on the monotonic clock), then prints one Flag, "slow", in the
;; namespace "default", whatever it was asked: a controller whose calls are easy to catch in flight.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 1024) "{\"apiVersion\":\"flipt.io/v1alpha1\",\"kind\":\"Flag\",\"metadata\":{\"namespace\":\"default\",\"name\":\"slow\"},\"spec\":{\"key\":\"slow\",\"name\":\"slow\",\"type\":\"BOOLEAN_FLAG_TYPE\",\"enabled\":true}}\n")
  (func (export "_start")
    ;; one clock subscription at 64: userdata 0, tag 0 (clock), clock id 1 (monotonic),
    ;; timeout 15 s relative, precision 0, flags 0; one event out at 128, its count at 192
    (i64.store (i32.const 64) (i64.const 0))
    (i32.store8 (i32.const 72) (i32.const 0))
    (i32.store (i32.const 80) (i32.const 1))
    (i64.store (i32.const 88) (i64.const 15000000000))
    (i64.store (i32.const 96) (i64.const 0))
    (i32.store16 (i32.const 104) (i32.const 0))
    (drop (call $poll_oneoff (i32.const 64) (i32.const 128) (i32.const 1) (i32.const 192)))
    (i32.store (i32.const 0) (i32.const 1024))
    (i32.store (i32.const 4) (i32.const 176))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
