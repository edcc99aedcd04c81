/**
 * Compiled core modules, one per content digest, shared by every instance and every app in the process.
 * Compiling is the expensive step (validation, Liftoff); instantiating a compiled module costs microseconds,
 * which is what makes a fresh instance per request affordable.
 */
import { SpindleError } from "../errors.ts";

const compiled = new Map<string, Promise<WebAssembly.Module>>();

/**
 * Returns the compiled module for `bytes`, compiling at most once per `digest`. `what` names the component
 * in the error when the bytes are not valid WebAssembly.
 */
export function compileModule(
  digest: string,
  bytes: Uint8Array<ArrayBuffer>,
  what: string,
): Promise<WebAssembly.Module> {
  let module = compiled.get(digest);
  if (module === undefined) {
    module = WebAssembly.compile(bytes).catch((cause: unknown) => {
      compiled.delete(digest);
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new SpindleError(`${what} is not a valid WebAssembly module: ${reason}`, {
        cause,
        hint: "rebuild it, and check that `source` points at the build output",
      });
    });
    compiled.set(digest, module);
  }
  return module;
}
