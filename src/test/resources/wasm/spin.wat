;; Never ends: a loop with no exit.
(module
  (memory (export "memory") 1)
  (func (export "_start")
    (loop $forever (br $forever))))
