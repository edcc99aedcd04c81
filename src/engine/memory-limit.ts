/**
 * The per-instance memory cap (`--max-instance-memory`, `SPIN_MAX_INSTANCE_MEMORY`), enforced by
 * WebAssembly itself: before a core module is compiled, every memory it defines gets a declared maximum
 * of at most the cap, so `memory.grow` past it fails (returns -1) in V8 as it would under wasmtime's
 * limiter, and the guest's allocator reports out-of-memory (a C guest typically aborts: a trap, a 500).
 * Only the memory section's limits change; imported memories are left alone, since whoever defines them
 * is capped. A module whose initial memory is already beyond the cap is refused at load time. Pure; runs
 * once per module and cap, before compilation (the compile caches key on the cap).
 */
import { SpindleError } from "../errors.ts";
import { concat, encodeU32, readU32, SECTION, sections } from "./wasm-binary.ts";

export const WASM_PAGE_BYTES = 65_536;

/** Where a cap applies, for messages: `component "x" (path)` and the cap in bytes. */
export interface MemoryCap {
  readonly maxBytes: number;
  readonly what: string;
}

/** `bytes` with every defined memory's maximum lowered to the cap; the same bytes when nothing changes. */
export function capModuleMemory(bytes: Uint8Array, cap: MemoryCap): Uint8Array<ArrayBuffer> {
  try {
    return rewrite(bytes, cap);
  } catch (cause) {
    if (cause instanceof SpindleError) throw cause;
    throw new SpindleError(`${cap.what} is not a valid WebAssembly module: ${String(cause)}`, {
      cause,
      hint: "rebuild it, and check that `source` points at the build output",
    });
  }
}

/** `bytes` capped at `maxBytes` as `capModuleMemory` does, or as they are when there is no cap. */
export function withMemoryCap(
  bytes: Uint8Array<ArrayBuffer>,
  what: string,
  maxBytes: number | undefined,
): Uint8Array<ArrayBuffer> {
  return maxBytes === undefined ? bytes : capModuleMemory(bytes, { maxBytes, what });
}

function rewrite(bytes: Uint8Array, cap: MemoryCap): Uint8Array<ArrayBuffer> {
  const maxPages = Math.floor(cap.maxBytes / WASM_PAGE_BYTES);
  const memory = sections(bytes).find((section) => section.id === SECTION.memory);
  if (memory === undefined) return new Uint8Array(bytes);
  const content = capMemorySection(bytes.subarray(memory.contentStart, memory.end), maxPages, cap);
  return concat([
    bytes.subarray(0, memory.start),
    [SECTION.memory],
    encodeU32(content.length),
    content,
    bytes.subarray(memory.end),
  ]);
}

function capMemorySection(section: Uint8Array, maxPages: number, cap: MemoryCap): Uint8Array {
  const count = readU32(section, 0);
  const out: (Uint8Array | number[])[] = [encodeU32(count.value)];
  let offset = count.length;
  for (let i = 0; i < count.value; i++) {
    const flags = section[offset] as number;
    if ((flags & 0x04) !== 0) throw unsupported(cap, "a 64-bit memory");
    const min = readU32(section, offset + 1);
    offset += 1 + min.length;
    let max = maxPages;
    if ((flags & 0x01) !== 0) {
      const declared = readU32(section, offset);
      offset += declared.length;
      max = Math.min(declared.value, maxPages);
    }
    if (min.value > maxPages) throw tooSmall(cap, min.value);
    out.push([flags | 0x01], encodeU32(min.value), encodeU32(max));
  }
  return concat(out);
}

function tooSmall(cap: MemoryCap, initialPages: number): SpindleError {
  const needs = initialPages * WASM_PAGE_BYTES;
  return new SpindleError(
    `${cap.what} starts with ${needs} bytes of linear memory, more than the instance memory cap of ${cap.maxBytes} bytes`,
    { hint: `raise --max-instance-memory (or SPIN_MAX_INSTANCE_MEMORY) to at least ${needs}` },
  );
}

function unsupported(cap: MemoryCap, what: string): SpindleError {
  return new SpindleError(`${cap.what} defines ${what}, which the instance memory cap cannot limit`, {
    hint: "run it without --max-instance-memory (and without SPIN_MAX_INSTANCE_MEMORY)",
  });
}

/** The memories an instance exports (where its guest's heap lives). */
export function exportedMemories(instance: WebAssembly.Instance): WebAssembly.Memory[] {
  return Object.values(instance.exports).filter((value) => value instanceof WebAssembly.Memory);
}

/**
 * A note for the log line of a guest that failed while a memory cap is set: how much memory it had
 * against the cap. A failed `memory.grow` leaves no trace of its own (a large allocation can fail with
 * the memory still far below the cap), so the note gives the figures rather than a verdict. Empty
 * without a cap.
 */
export function memoryCapNote(memories: Iterable<WebAssembly.Memory>, maxBytes: number | undefined): string {
  if (maxBytes === undefined) return "";
  let used = 0;
  for (const memory of memories) used = Math.max(used, memory.buffer.byteLength);
  return ` (linear memory ${used} bytes; instance memory cap ${maxBytes} bytes)`;
}
