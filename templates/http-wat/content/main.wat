;; A WAGI handler in the WebAssembly text format. The response is whatever the module writes to stdout:
;; headers, a blank line, then the body. The greeting is stored NUL-terminated so its length is counted at
;; run time and the text can be edited freely.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))

  (memory (export "memory") 1)

  ;; 0..7: one iovec (pointer, length); 8..11: bytes written; 64..: the response.
  (data (i32.const 64) "content-type: text/plain\n\nHello from {{project-name}}, written in WebAssembly text!\n\00")

  ;; Length of the NUL-terminated string at $ptr.
  (func $strlen (param $ptr i32) (result i32)
    (local $end i32)
    (local.set $end (local.get $ptr))
    (block $done
      (loop $scan
        (br_if $done (i32.eqz (i32.load8_u (local.get $end))))
        (local.set $end (i32.add (local.get $end) (i32.const 1)))
        (br $scan)))
    (i32.sub (local.get $end) (local.get $ptr)))

  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (call $strlen (i32.const 64)))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
