import assert from "node:assert/strict";
import { describe, it } from "node:test";
import wabtInit from "wabt";
import { importDefinedMemory, MEMORY_IMPORT } from "./memory-import.ts";
import { capModuleMemory, WASM_PAGE_BYTES } from "./memory-limit.ts";
import { IDLE_MEMORIES, instantiate, MemoryRecycler } from "./memory-recycler.ts";
import { compileRecyclable } from "./module-cache.ts";

const wabt = await wabtInit();

function wasm(source: string, features: Record<string, boolean> = {}): Uint8Array<ArrayBuffer> {
  const parsed = wabt.parseWat("test.wat", source, features);
  try {
    return new Uint8Array(parsed.toBinary({}).buffer);
  } finally {
    parsed.destroy();
  }
}

/** Reads a byte, writes a byte, grows: enough to see what an instance's memory holds and does. */
const GUEST = `
  (import "host" "seen" (func $seen (param i32)))
  (memory (export "memory") 2 6)
  (data (i32.const 16) "data")
  (func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "poke") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "report") (call $seen (i32.const 1)))`;

const hostImports = (seen: number[] = []) => ({ host: { seen: (value: number) => seen.push(value) } });

interface Guest {
  peek(at: number): number;
  poke(at: number, value: number): void;
  grow(pages: number): number;
  report(): void;
}
const guest = (instance: WebAssembly.Instance) => instance.exports as unknown as Guest;

void describe("importDefinedMemory", () => {
  void it("imports the memory with the limits it was defined with, keeping data, exports and imports", () => {
    const rewritten = importDefinedMemory(wasm(`(module ${GUEST})`));
    assert.ok(rewritten !== undefined);
    assert.deepEqual(rewritten.memory, { initial: 2, maximum: 6 });
    const module = new WebAssembly.Module(rewritten.bytes);
    assert.deepEqual(
      WebAssembly.Module.imports(module).map(({ module: from, name, kind }) => `${from}.${name}:${kind}`),
      ["host.seen:function", `${MEMORY_IMPORT.module}.${MEMORY_IMPORT.name}:memory`],
    );
    const memory = new WebAssembly.Memory(rewritten.memory);
    const seen: number[] = [];
    const instance = new WebAssembly.Instance(module, {
      ...hostImports(seen),
      [MEMORY_IMPORT.module]: { [MEMORY_IMPORT.name]: memory },
    });
    assert.equal(instance.exports["memory"], memory, "the export is the memory the engine gave");
    assert.equal(new TextDecoder().decode(new Uint8Array(memory.buffer, 16, 4)), "data");
    guest(instance).report();
    assert.deepEqual(seen, [1]);
    assert.equal(guest(instance).grow(4), 2);
    assert.equal(guest(instance).grow(1), -1, "the declared maximum still holds");
  });

  void it("adds an import section to a module that had none", () => {
    const rewritten = importDefinedMemory(wasm(`(module (type (func)) (memory 1) (func (export "f")))`));
    assert.ok(rewritten !== undefined);
    assert.deepEqual(rewritten.memory, { initial: 1 });
    const module = new WebAssembly.Module(rewritten.bytes);
    assert.deepEqual(WebAssembly.Module.imports(module), [
      { module: MEMORY_IMPORT.module, name: MEMORY_IMPORT.name, kind: "memory" },
    ]);
  });

  void it("keeps the memory cap written by capModuleMemory", () => {
    const capped = capModuleMemory(wasm(`(module ${GUEST})`), { maxBytes: 3 * WASM_PAGE_BYTES, what: "x" });
    assert.deepEqual(importDefinedMemory(capped)?.memory, { initial: 2, maximum: 3 });
  });

  void it("leaves alone modules it cannot rewrite exactly", () => {
    const cases = {
      "no memory": wasm(`(module (func (export "f")))`),
      "an imported memory": wasm(`(module (import "env" "memory" (memory 1)))`),
      "a shared memory": wasm(`(module (memory 1 2 shared))`, { threads: true }),
      "two memories": wasm(`(module (memory 1) (memory 1))`, { multi_memory: true }),
    };
    for (const [what, bytes] of Object.entries(cases)) {
      assert.equal(importDefinedMemory(bytes), undefined, what);
    }
  });
});

void describe("MemoryRecycler and instantiate", () => {
  void it("gives the next instance a zeroed memory with the data segments written again", async () => {
    const compiled = await compileRecyclable(wasm(`(module ${GUEST})`));
    assert.ok(compiled.memories !== undefined);
    const first = instantiate(compiled, hostImports());
    guest(first.instance).poke(1000, 42);
    guest(first.instance).poke(16, 0);
    const memory = first.instance.exports["memory"];
    first.recycle();
    assert.equal(compiled.memories.idle, 1);
    const second = instantiate(compiled, hostImports());
    assert.equal(second.instance.exports["memory"], memory, "the same memory, reused");
    assert.equal(guest(second.instance).peek(1000), 0, "nothing left from the previous instance");
    assert.equal(guest(second.instance).peek(16), "d".charCodeAt(0), "data segments applied again");
  });

  void it("drops a memory that grew, so no guest starts with more memory than its module declares", async () => {
    const compiled = await compileRecyclable(wasm(`(module ${GUEST})`));
    const grown = instantiate(compiled, hostImports());
    guest(grown.instance).grow(1);
    grown.recycle();
    assert.equal(compiled.memories?.idle, 0);
    const next = instantiate(compiled, hostImports());
    assert.equal(guest(next.instance).grow(0), 2, "a fresh memory of the initial size");
  });

  void it(`keeps at most ${IDLE_MEMORIES} idle memories`, () => {
    const recycler = new MemoryRecycler({ initial: 1 });
    const taken = Array.from({ length: IDLE_MEMORIES + 3 }, () => recycler.take());
    for (const memory of taken) recycler.give(memory);
    assert.equal(recycler.idle, IDLE_MEMORIES);
  });

  void it("instantiates a module it could not rewrite as it is", async () => {
    const compiled = await compileRecyclable(
      wasm(`(module (import "env" "memory" (memory 1)) (func (export "f")))`),
    );
    assert.equal(compiled.memories, undefined);
    const created = instantiate(compiled, { env: { memory: new WebAssembly.Memory({ initial: 1 }) } });
    assert.equal(typeof created.instance.exports["f"], "function");
    created.recycle();
  });
});
