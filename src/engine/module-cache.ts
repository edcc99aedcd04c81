/**
 * Compiled core modules, one per content digest and memory cap (memory-limit.ts rewrites the module
 * first when there is a cap), shared by every instance and every app in the process. Each module's
 * memory is made an import (memory-import.ts) where that is exact, so its instances run on recycled
 * memories (memory-recycler.ts).
 * Compiling is the expensive step (validation, Liftoff); instantiating a compiled module costs microseconds,
 * which is what makes a fresh instance per request affordable.
 */
import { SpindleError } from "../errors.ts";
import { importDefinedMemory } from "./memory-import.ts";
import { capModuleMemory } from "./memory-limit.ts";
import { MemoryRecycler, type EngineModule } from "./memory-recycler.ts";

const compiled = new Map<string, Promise<EngineModule>>();

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
  const key = maxMemoryBytes === undefined ? digest : `${digest} max-memory=${maxMemoryBytes}`;
  let module = compiled.get(key);
  if (module === undefined) {
    const capped =
      maxMemoryBytes === undefined ? bytes : capModuleMemory(bytes, { maxBytes: maxMemoryBytes, what });
    module = compileRecyclable(capped).catch((cause: unknown) => {
      compiled.delete(key);
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new SpindleError(`${what} is not a valid WebAssembly module: ${reason}`, {
        cause,
        hint: "rebuild it, and check that `source` points at the build output",
      });
    });
    compiled.set(key, module);
  }
  return module;
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
