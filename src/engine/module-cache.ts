/**
 * Compiled core modules, one per content digest and memory cap (memory-limit.ts rewrites the module
 * first when there is a cap), shared by every instance and every app in the process.
 * Compiling is the expensive step (validation, Liftoff); instantiating a compiled module costs microseconds,
 * which is what makes a fresh instance per request affordable.
 */
import { SpindleError } from "../errors.ts";
import { capModuleMemory } from "./memory-limit.ts";

const compiled = new Map<string, Promise<WebAssembly.Module>>();

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
): Promise<WebAssembly.Module> {
  const key = maxMemoryBytes === undefined ? digest : `${digest} max-memory=${maxMemoryBytes}`;
  let module = compiled.get(key);
  if (module === undefined) {
    const source =
      maxMemoryBytes === undefined ? bytes : capModuleMemory(bytes, { maxBytes: maxMemoryBytes, what });
    module = WebAssembly.compile(source).catch((cause: unknown) => {
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
