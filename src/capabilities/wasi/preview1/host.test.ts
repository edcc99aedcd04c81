import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import wabtInit from "wabt";
import { Errno, Oflags, PREVIEW1_FUNCTIONS, Rights } from "./abi.ts";
import { createPreview1Host, type Preview1Options } from "./host.ts";

const wabt = await wabtInit();
const encoder = new TextEncoder();
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

function compile(source: string): WebAssembly.Module {
  const parsed = wabt.parseWat("test.wat", source);
  try {
    return new WebAssembly.Module(new Uint8Array(parsed.toBinary({}).buffer));
  } finally {
    parsed.destroy();
  }
}

const IMPORTS = `
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; Writes memory[ptr, ptr+len) to fd through the iovec at 16.
  (func $emit (param $fd i32) (param $ptr i32) (param $len i32)
    (i32.store (i32.const 16) (local.get $ptr))
    (i32.store (i32.const 20) (local.get $len))
    (drop (call $fd_write (local.get $fd) (i32.const 16) (i32.const 1) (i32.const 24))))
`;

interface Run {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly stdoutWrites: number;
  readonly memory: DataView;
}

function run(module: WebAssembly.Module, options: Preview1Options = {}): Run {
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const host = createPreview1Host({ ...options, stdout: (b) => out.push(b), stderr: (b) => err.push(b) });
  const instance = new WebAssembly.Instance(module, host.imports);
  const exitCode = host.run(instance);
  const memory = new DataView((instance.exports.memory as WebAssembly.Memory).buffer);
  return {
    exitCode,
    stdout: text(Buffer.concat(out)),
    stderr: text(Buffer.concat(err)),
    stdoutWrites: out.length,
    memory,
  };
}

const dir = mkdtempSync(join(tmpdir(), "spindle-preview1-"));
after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "a.txt"), "alpha file\n");
writeFileSync(join(dir, "secret.txt"), "host only\n");
const files = new Map([
  ["/static/a.txt", join(dir, "a.txt")],
  ["/static/gone.txt", join(dir, "never-created.txt")],
]);

/** A guest that opens `path` under fd `dirFd` and copies it to stdout; its exit code is the open errno. */
function catModule(
  path: string,
  opts: { oflags?: number; rights?: bigint; dirFd?: number } = {},
): WebAssembly.Module {
  const { oflags = 0, rights = Rights.FD_READ, dirFd = 3 } = opts;
  return compile(`(module ${IMPORTS}
    (data (i32.const 256) ${JSON.stringify(path)})
    (func (export "_start") (local $errno i32) (local $n i32)
      (local.set $errno (call $path_open (i32.const ${dirFd}) (i32.const 1) (i32.const 256)
        (i32.const ${encoder.encode(path).length}) (i32.const ${oflags}) (i64.const ${rights}) (i64.const 0)
        (i32.const 0) (i32.const 40)))
      (if (local.get $errno) (then (call $proc_exit (local.get $errno))))
      (i32.store (i32.const 32) (i32.const 1024))
      (i32.store (i32.const 36) (i32.const 4))
      (block $done (loop $copy
        (drop (call $fd_read (i32.load (i32.const 40)) (i32.const 32) (i32.const 1) (i32.const 44)))
        (local.set $n (i32.load (i32.const 44)))
        (br_if $done (i32.eqz (local.get $n)))
        (call $emit (i32.const 1) (i32.const 1024) (local.get $n))
        (br $copy)))
      (drop (call $fd_close (i32.load (i32.const 40))))))`);
}

void describe("createPreview1Host", () => {
  void it("provides every preview 1 function, so any wasi-libc module links", () => {
    const functions = createPreview1Host().imports["wasi_snapshot_preview1"] ?? {};
    assert.deepEqual(Object.keys(functions).sort(), [...PREVIEW1_FUNCTIONS].sort());
    for (const fn of Object.values(functions)) assert.equal(typeof fn, "function");
  });

  void it("round-trips args and environment through *_sizes_get and *_get", () => {
    const module = compile(`(module ${IMPORTS}
      (func (export "_start")
        (drop (call $args_sizes_get (i32.const 0) (i32.const 4)))
        (drop (call $args_get (i32.const 1024) (i32.const 2048)))
        (call $emit (i32.const 1) (i32.const 2048) (i32.load (i32.const 4)))
        (i32.store (i32.const 8) (i32.load (i32.const 0)))
        (drop (call $environ_sizes_get (i32.const 0) (i32.const 4)))
        (drop (call $environ_get (i32.const 1536) (i32.const 4096)))
        (call $emit (i32.const 2) (i32.const 4096) (i32.load (i32.const 4)))))`);
    const result = run(module, {
      args: ["/app", "a=1", ""],
      env: [
        ["A", "1"],
        ["URL", "x=y"],
        ["UTF", "é"],
        ["Z", "🦀"],
      ],
    });
    assert.equal(result.stdout, "/app\0a=1\0\0");
    assert.equal(result.stderr, "A=1\0URL=x=y\0UTF=é\0Z=🦀\0");
    assert.equal(result.memory.getUint32(8, true), 3, "argc");
    assert.equal(result.memory.getUint32(0, true), 4, "environ count");
    const pointers = [0, 1, 2].map((i) => result.memory.getUint32(1024 + i * 4, true));
    assert.deepEqual(pointers, [2048, 2053, 2057]);
    const environ = [0, 1, 2, 3].map((i) => result.memory.getUint32(1536 + i * 4, true));
    assert.deepEqual(environ, [4096, 4100, 4108, 4115], "UTF-8 lengths, not string lengths");
  });

  void it("gathers all iovecs of one fd_write into one stdout chunk", () => {
    const module = compile(`(module ${IMPORTS}
      (data (i32.const 100) "hello, world")
      (func (export "_start")
        (i32.store (i32.const 200) (i32.const 100)) (i32.store (i32.const 204) (i32.const 5))
        (i32.store (i32.const 208) (i32.const 105)) (i32.store (i32.const 212) (i32.const 7))
        (drop (call $fd_write (i32.const 1) (i32.const 200) (i32.const 2) (i32.const 300)))))`);
    const result = run(module);
    assert.equal(result.stdout, "hello, world");
    assert.equal(result.stdoutWrites, 1);
    assert.equal(result.memory.getUint32(300, true), 12, "nwritten");
  });

  void it("feeds stdin from the given bytes until it is exhausted", () => {
    const module = compile(`(module ${IMPORTS}
      (func (export "_start")
        (i32.store (i32.const 32) (i32.const 1024)) (i32.store (i32.const 36) (i32.const 4))
        (i32.store (i32.const 40) (i32.const 1028)) (i32.store (i32.const 44) (i32.const 100))
        (drop (call $fd_read (i32.const 0) (i32.const 32) (i32.const 2) (i32.const 48)))
        (call $emit (i32.const 1) (i32.const 1024) (i32.load (i32.const 48)))
        (drop (call $fd_read (i32.const 0) (i32.const 32) (i32.const 2) (i32.const 52)))))`);
    const result = run(module, { stdin: encoder.encode("request body") });
    assert.equal(result.stdout, "request body");
    assert.equal(result.memory.getUint32(52, true), 0, "second read is at end of input");
  });

  void it("ends the run at proc_exit with its code; nothing after it runs", () => {
    const module = compile(`(module ${IMPORTS}
      (data (i32.const 100) "after")
      (func (export "_start") (call $proc_exit (i32.const 7)) (call $emit (i32.const 1) (i32.const 100) (i32.const 5))))`);
    const result = run(module);
    assert.equal(result.exitCode, 7);
    assert.equal(result.stdout, "");
  });

  void it("reports exit code 0 when _start returns, and rethrows a trap", () => {
    assert.equal(run(compile(`(module ${IMPORTS} (func (export "_start")))`)).exitCode, 0);
    const trapping = compile(`(module ${IMPORTS} (func (export "_start") unreachable))`);
    assert.throws(() => run(trapping), WebAssembly.RuntimeError);
  });

  void it("refuses a second run", () => {
    const module = compile(`(module ${IMPORTS} (func (export "_start")))`);
    const host = createPreview1Host();
    const instance = new WebAssembly.Instance(module, host.imports);
    host.run(instance);
    assert.throws(() => host.run(instance), /once/);
  });
});

void describe("the read-only file tree", () => {
  void it("reads a mapped file through path_open", () => {
    const result = run(catModule("static/a.txt"), { files });
    assert.deepEqual([result.exitCode, result.stdout], [0, "alpha file\n"]);
  });

  void it("resolves '.' and '..' that stay inside the tree", () => {
    assert.equal(run(catModule("./static/../static/a.txt"), { files }).stdout, "alpha file\n");
  });

  void it("refuses to climb above / with '..' or to use absolute paths", () => {
    for (const path of [
      "..",
      "../etc/passwd",
      "static/../../a.txt",
      `../..${dir}/secret.txt`,
      "/static/a.txt",
    ]) {
      assert.equal(run(catModule(path), { files }).exitCode, Errno.NOTCAPABLE, path);
    }
  });

  void it("does not see host files that are not mapped", () => {
    assert.equal(run(catModule("static/secret.txt"), { files }).exitCode, Errno.NOENT);
    assert.equal(run(catModule("etc/passwd"), { files }).exitCode, Errno.NOENT);
  });

  void it("reports a mapped file missing on the host as not found", () => {
    assert.equal(run(catModule("static/gone.txt"), { files }).exitCode, Errno.NOENT);
  });

  void it("refuses to open for writing, creating or truncating", () => {
    const cases: [string, Parameters<typeof catModule>[1]][] = [
      ["static/a.txt", { rights: Rights.FD_READ | Rights.FD_WRITE }],
      ["static/a.txt", { oflags: Oflags.TRUNC }],
      ["static/new.txt", { oflags: Oflags.CREAT, rights: Rights.FD_WRITE }],
      ["static/a.txt", { oflags: Oflags.CREAT | Oflags.EXCL }],
    ];
    for (const [path, opts] of cases) {
      assert.equal(
        run(catModule(path, opts), { files }).exitCode,
        Errno.PERM,
        JSON.stringify(opts, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v)),
      );
    }
  });

  void it("refuses O_DIRECTORY on a file and treats a file as no directory", () => {
    assert.equal(
      run(catModule("static/a.txt", { oflags: Oflags.DIRECTORY }), { files }).exitCode,
      Errno.NOTDIR,
    );
    assert.equal(run(catModule("static/a.txt/x"), { files }).exitCode, Errno.NOTDIR);
  });

  void it("has no preopen without files", () => {
    assert.equal(run(catModule("static/a.txt")).exitCode, Errno.BADF);
    assert.equal(run(catModule("static/a.txt"), { files: new Map() }).exitCode, Errno.BADF);
  });

  void it(
    "closes every host file the guest left open when the run ends",
    { skip: process.platform !== "linux" },
    () => {
      const leaky = compile(`(module ${IMPORTS}
      (data (i32.const 256) "static/a.txt")
      (func (export "_start")
        (drop (call $path_open (i32.const 3) (i32.const 0) (i32.const 256) (i32.const 12) (i32.const 0)
          (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 40)))
        (drop (call $path_open (i32.const 3) (i32.const 0) (i32.const 256) (i32.const 12) (i32.const 0)
          (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 44)))))`);
      const before = readdirSync("/proc/self/fd").length;
      const result = run(leaky, { files });
      assert.deepEqual([result.memory.getUint32(40, true), result.memory.getUint32(44, true)], [4, 5]);
      assert.equal(readdirSync("/proc/self/fd").length, before);
    },
  );
});
