import assert from "node:assert/strict";
import { describe, it } from "node:test";
import wabtInit from "wabt";
import { PREVIEW1_FUNCTIONS } from "./abi.ts";
import { createLateBoundPreview1 } from "./late-bound.ts";

const wabt = await wabtInit();
const text = (chunks: Uint8Array[]): string => new TextDecoder().decode(Buffer.concat(chunks));

function compile(source: string): WebAssembly.Module {
  const parsed = wabt.parseWat("test.wat", source);
  try {
    return new WebAssembly.Module(new Uint8Array(parsed.toBinary({}).buffer));
  } finally {
    parsed.destroy();
  }
}

/** Writes its argv to stdout and "err" to stderr, then exits with the number of environment variables. */
const ECHO = compile(`(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 200) "err")
  (func $emit (param $fd i32) (param $ptr i32) (param $len i32)
    (i32.store (i32.const 16) (local.get $ptr))
    (i32.store (i32.const 20) (local.get $len))
    (drop (call $fd_write (local.get $fd) (i32.const 16) (i32.const 1) (i32.const 24))))
  (func (export "_start")
    (drop (call $args_sizes_get (i32.const 0) (i32.const 4)))
    (drop (call $args_get (i32.const 1024) (i32.const 2048)))
    (call $emit (i32.const 1) (i32.const 2048) (i32.load (i32.const 4)))
    (call $emit (i32.const 2) (i32.const 200) (i32.const 3))
    (drop (call $environ_sizes_get (i32.const 0) (i32.const 4)))
    (call $proc_exit (i32.load (i32.const 0)))))`);

void describe("createLateBoundPreview1", () => {
  void it("provides every preview 1 function", () => {
    const functions = createLateBoundPreview1().imports["wasi_snapshot_preview1"] ?? {};
    assert.deepEqual(Object.keys(functions).sort(), [...PREVIEW1_FUNCTIONS].sort());
  });

  void it("runs an instance created before the run with the run's argv, env and sinks", () => {
    const late = createLateBoundPreview1();
    const instance = new WebAssembly.Instance(ECHO, late.imports);
    const out: Uint8Array[] = [];
    const err: Uint8Array[] = [];
    const exitCode = late.run(instance, {
      args: ["/app", "x"],
      env: [
        ["A", "1"],
        ["B", "2"],
      ],
      stdout: (bytes) => out.push(bytes),
      stderr: (bytes) => err.push(bytes),
    });
    assert.deepEqual([exitCode, text(out), text(err)], [2, "/app\0x\0", "err"]);
  });

  void it("runs each instance once, each with its own run, and fails a call made outside a run", () => {
    const late = createLateBoundPreview1();
    const [first, second] = [1, 2].map(() => new WebAssembly.Instance(ECHO, late.imports));
    const fdWrite = late.imports["wasi_snapshot_preview1"]?.["fd_write"] as () => number;
    assert.throws(() => fdWrite(), /outside the instance's run/);
    const out: Uint8Array[] = [];
    assert.equal(late.run(first as WebAssembly.Instance, { args: ["one"], stdout: (b) => out.push(b) }), 0);
    assert.equal(late.run(second as WebAssembly.Instance, { args: ["two"], stdout: (b) => out.push(b) }), 0);
    assert.equal(text(out), "one\0two\0");
    assert.throws(() => fdWrite(), /outside the instance's run/);
    assert.throws(() => late.run(first as WebAssembly.Instance, {}), /runs each instance once/);
  });
});
