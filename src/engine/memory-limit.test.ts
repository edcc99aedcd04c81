import assert from "node:assert/strict";
import { describe, it } from "node:test";
import wabtInit from "wabt";
import { SpindleError } from "../errors.ts";
import {
  capModuleMemory,
  exportedMemories,
  memoryCapNote,
  WASM_PAGE_BYTES,
  withMemoryCap,
} from "./memory-limit.ts";

const wabt = await wabtInit();

function wasm(source: string): Uint8Array {
  const parsed = wabt.parseWat("test.wat", source);
  try {
    return new Uint8Array(parsed.toBinary({}).buffer);
  } finally {
    parsed.destroy();
  }
}

/** A module with one memory and a `grow` export answering memory.grow's result. */
const growable = (limits: string) =>
  wasm(`(module (memory (export "memory") ${limits})
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (data (i32.const 0) "kept"))`);

const instantiate = (bytes: Uint8Array<ArrayBuffer>) =>
  new WebAssembly.Instance(new WebAssembly.Module(bytes));
const grow = (instance: WebAssembly.Instance, pages: number) =>
  (instance.exports["grow"] as (pages: number) => number)(pages);
const cap = (pages: number) => ({ maxBytes: pages * WASM_PAGE_BYTES, what: 'component "x"' });

void describe("capModuleMemory", () => {
  void it("gives a memory without a maximum the cap, so growing past it fails", () => {
    const instance = instantiate(capModuleMemory(growable("1"), cap(4)));
    assert.equal(grow(instance, 3), 1);
    assert.equal(grow(instance, 1), -1);
    const [memory] = exportedMemories(instance);
    assert.equal(memory?.buffer.byteLength, 4 * WASM_PAGE_BYTES);
    assert.equal(
      new TextDecoder().decode(new Uint8Array(memory?.buffer ?? new ArrayBuffer(0), 0, 4)),
      "kept",
    );
  });

  void it("keeps a declared maximum below the cap and lowers one above it", () => {
    assert.equal(grow(instantiate(capModuleMemory(growable("1 2"), cap(8))), 2), -1);
    assert.equal(grow(instantiate(capModuleMemory(growable("1 100"), cap(3))), 3), -1);
  });

  void it("refuses a module that starts with more memory than the cap, naming it and the sizes", () => {
    assert.throws(
      () => capModuleMemory(growable("5"), cap(4)),
      (error: unknown) =>
        error instanceof SpindleError &&
        error.message.includes('component "x" starts with 327680 bytes') &&
        /at least 327680/.test(error.hint ?? ""),
    );
  });

  void it("leaves a module without a memory section as it was", () => {
    const bytes = wasm(`(module (func (export "f")))`);
    assert.deepEqual(capModuleMemory(bytes, cap(1)), bytes);
  });

  void it("reports malformed bytes as an invalid module", () => {
    assert.throws(
      () => capModuleMemory(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 5, 0xff]), cap(1)),
      SpindleError,
    );
  });
});

void describe("withMemoryCap", () => {
  void it("caps the memory when there is a cap and returns the same bytes when there is none", () => {
    const bytes = new Uint8Array(growable("1"));
    assert.equal(withMemoryCap(bytes, 'component "x"', undefined), bytes);
    assert.equal(grow(instantiate(withMemoryCap(bytes, 'component "x"', 2 * WASM_PAGE_BYTES)), 2), -1);
    assert.throws(
      () => withMemoryCap(new Uint8Array(growable("5")), 'component "y"', 4 * WASM_PAGE_BYTES),
      (error: unknown) => error instanceof SpindleError && error.message.includes('component "y"'),
    );
  });
});

void describe("memoryCapNote", () => {
  void it("gives the largest memory and the cap, and nothing without a cap", () => {
    const memories = [new WebAssembly.Memory({ initial: 3 }), new WebAssembly.Memory({ initial: 1 })];
    assert.equal(memoryCapNote(memories, undefined), "");
    assert.equal(
      memoryCapNote(memories, 1_000_000),
      " (linear memory 196608 bytes; instance memory cap 1000000 bytes)",
    );
  });
});
