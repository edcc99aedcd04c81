/**
 * Compiled core modules, one per content digest and memory cap (memory-limit.ts rewrites the module
 * first when there is a cap), shared by every instance and every app in the process. Each module's
 * memory is made an import (memory-import.ts) where that is exact, so its instances run on recycled
 * memories (memory-recycler.ts).
 * Compiling is the expensive step (validation, Liftoff); instantiating a compiled module costs microseconds,
 * which is what makes a fresh instance per request affordable. `CompileCache` is the keying shared with the
 * compiled-component cache (executors/component/cache.ts).
 */
import { SpindleError } from "../errors.ts";
import { importDefinedMemory } from "./memory-import.ts";
import { withMemoryCap } from "./memory-limit.ts";
import { MemoryRecycler, type EngineModule } from "./memory-recycler.ts";

/**
 * Compilations shared by the whole process, one per content digest and memory cap (the cap rewrites the
 * module, so each cap is its own compilation). A compilation that fails is forgotten, so a later call
 * tries again.
 */
export class CompileCache<T> {
  readonly #entries = new Map<string, Promise<T>>();

  /** The compilation of `digest` under `maxMemoryBytes`, started with `compile` unless one exists. */
  get(digest: string, maxMemoryBytes: number | undefined, compile: () => Promise<T>): Promise<T> {
    const key = maxMemoryBytes === undefined ? digest : `${digest} max-memory=${maxMemoryBytes}`;
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = compile();
      entry.catch(() => this.#entries.delete(key));
      this.#entries.set(key, entry);
    }
    return entry;
  }
}

const compiled = new CompileCache<EngineModule>();

/**
 * Returns the compiled module for `bytes`, compiling at most once per `digest` and cap. `what` names the
 * component in the error when the bytes are not valid WebAssembly, or start with more memory than
 * `maxMemoryBytes` allows (thrown synchronously, as a load-time error).
 */
export function compileModule(
  digest: string,
  bytes: Uint8Array<ArrayBuffer>,
  what: string,
  maxMemoryBytes?: number,
): Promise<EngineModule> {
  return compiled.get(digest, maxMemoryBytes, () =>
    compileRecyclable(withMemoryCap(bytes, what, maxMemoryBytes)).catch((cause: unknown) => {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new SpindleError(`${what} is not a valid WebAssembly module: ${reason}`, {
        cause,
        hint: "rebuild it, and check that `source` points at the build output",
      });
    }),
  );
}

/** Compiles `bytes`, with its memory imported from the engine when that rewrite applies. */
export async function compileRecyclable(bytes: Uint8Array<ArrayBuffer>): Promise<EngineModule> {
  const rewritten = safely(() => importDefinedMemory(bytes));
  if (rewritten === undefined) return { module: await WebAssembly.compile(bytes) };
  return {
    module: await WebAssembly.compile(rewritten.bytes),
    memories: new MemoryRecycler(rewritten.memory),
  };
}

/** A module too malformed to rewrite is compiled as it is, so that V8 reports what is wrong with it. */
function safely<T>(rewrite: () => T): T | undefined {
  try {
    return rewrite();
  } catch {
    return undefined;
  }
}
