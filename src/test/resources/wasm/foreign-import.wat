;; Imports a function from outside WASI.
(module
  (import "env" "host_secret" (func $secret (result i32)))
  (memory (export "memory") 1)
  (func (export "_start") (drop (call $secret))))
