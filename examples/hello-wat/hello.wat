;; A WAGI app written by hand in the WebAssembly text format. It answers every request with a plain-text
;; greeting that names the path asked for: WAGI passes the request path as argv[0], and the response is
;; whatever the module writes to stdout (headers, a blank line, then the body).
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param $fd i32) (param $iovs i32) (param $iovs_len i32) (param $nwritten i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get"
    (func $args_sizes_get (param $argc i32) (param $argv_buf_size i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get"
    (func $args_get (param $argv i32) (param $argv_buf i32) (result i32)))

  (memory (export "memory") 1)

  ;; Memory layout: 0-15 scratch for results, 16-23 one iovec, 64.. text, 1024.. argv pointers,
  ;; 2048.. argv strings.
  (data (i32.const 64) "content-type: text/plain\n\nHello from hand-written WebAssembly text! You asked for ")
  (data (i32.const 160) ".\n")

  ;; Writes memory[$ptr, $ptr + $len) to stdout.
  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.const 16) (local.get $ptr))
    (i32.store (i32.const 20) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 8))))

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
    (local $path i32)
    (drop (call $args_sizes_get (i32.const 0) (i32.const 4)))
    (drop (call $args_get (i32.const 1024) (i32.const 2048)))
    (local.set $path (i32.load (i32.const 1024)))
    (call $print (i32.const 64) (i32.const 82))
    (call $print (local.get $path) (call $strlen (local.get $path)))
    (call $print (i32.const 160) (i32.const 2))))
