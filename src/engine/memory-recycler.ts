/**
 * Linear memories handed from one finished instance to the next one of the same module, so that a fresh
 * instance per request stops paying for a brand-new memory: V8 reserves address space and guard pages for
 * every memory, the kernel faults in and zeroes each page the guest or its data segments touch, and the
 * garbage collector has to notice every dead memory (for a 9 MB JS guest that is most of the cost of an
 * instance). A memory comes back only from an instance that finished cleanly and never grew; it is zeroed
 * then, off the next request's path, and the module's data segments fill it again at instantiation
 * (memory-import.ts), so the next instance sees exactly what a fresh memory would show. A grown memory
 * cannot shrink, so it is dropped: a guest never sees more memory than its module declares. Only memories
 * no code can reach any more may be given back: a core instance's guest code and the host functions it
 * calls run only while the instance is being called, so "the call returned" is enough.
 */
import { MEMORY_IMPORT } from "./memory-import.ts";
import { WASM_PAGE_BYTES } from "./memory-limit.ts";

/**
 * How many idle memories one module keeps: enough for a server whose requests overlap a little, while an
 * idle host holds at most this many memories per module (about 10 MB each for a JS guest).
 */
export const IDLE_MEMORIES = 4;

export class MemoryRecycler {
  readonly #descriptor: WebAssembly.MemoryDescriptor;
  readonly #initialBytes: number;
  readonly #idle: WebAssembly.Memory[] = [];

  constructor(descriptor: WebAssembly.MemoryDescriptor) {
    this.#descriptor = descriptor;
    this.#initialBytes = descriptor.initial * WASM_PAGE_BYTES;
  }

  /** How many memories are waiting to be reused. */
  get idle(): number {
    return this.#idle.length;
  }

  /** A zeroed memory of the module's initial size: a recycled one when there is one. */
  take(): WebAssembly.Memory {
    return this.#idle.pop() ?? new WebAssembly.Memory(this.#descriptor);
  }

  /** `imports` plus the memory import of a rewritten module. */
  withMemory(imports: WebAssembly.Imports | undefined, memory: WebAssembly.Memory): WebAssembly.Imports {
    return { ...imports, [MEMORY_IMPORT.module]: { [MEMORY_IMPORT.name]: memory } };
  }

  /** Takes back the memory of an instance that finished cleanly; drops one that grew, or one too many. */
  give(memory: WebAssembly.Memory): void {
    if (memory.buffer.byteLength !== this.#initialBytes || this.#idle.length >= IDLE_MEMORIES) return;
    new Uint8Array(memory.buffer).fill(0);
    this.#idle.push(memory);
  }
}

/** A compiled core module and, when its memory was made an import, where its memories come from. */
export interface EngineModule {
  readonly module: WebAssembly.Module;
  readonly memories?: MemoryRecycler | undefined;
}

export interface EngineInstance {
  readonly instance: WebAssembly.Instance;
  /** Hands the instance's memory on to a later instance; call once, only after a clean finish. */
  readonly recycle: () => void;
}

/** A new instance of `compiled`, on a recycled memory when the module imports its memory from the engine. */
export function instantiate(compiled: EngineModule, imports: WebAssembly.Imports): EngineInstance {
  const { memories } = compiled;
  if (memories === undefined) {
    return { instance: new WebAssembly.Instance(compiled.module, imports), recycle: () => undefined };
  }
  const memory = memories.take();
  const instance = new WebAssembly.Instance(compiled.module, memories.withMemory(imports, memory));
  return { instance, recycle: () => memories.give(memory) };
}
