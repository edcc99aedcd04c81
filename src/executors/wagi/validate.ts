/**
 * Load-time checks that a component's binary can run under the WAGI executor: a WebAssembly core module
 * (not a component) that is a WASI preview 1 command, importing nothing but the preview 1 functions
 * Spindle's host provides. Run once per component when the app loads, so a bad binary fails `spindle up`
 * with a message naming the component instead of failing every request.
 */
import { PREVIEW1_FUNCTIONS } from "../../capabilities/wasi/preview1/abi.ts";
import { MEMORY_IMPORT } from "../../engine/memory-import.ts";
import { SpindleError } from "../../errors.ts";

const PROVIDED = new Set<string>(PREVIEW1_FUNCTIONS);
const COMMAND_HINT =
  "A WAGI component must be a WASI preview 1 command module, for example built with " +
  "`clang --target=wasm32-wasi` or `rustc --target wasm32-wasi`.";

/**
 * Checks the binary's preamble: `\0asm` followed by version 1 for a core module. A component-model binary
 * (layer 1) is refused with a message saying WAGI needs a core module.
 */
export function checkWagiBinary(componentId: string, bytes: Uint8Array): void {
  const magic = bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d;
  if (!magic) {
    throw new SpindleError(`Component '${componentId}' is not a WebAssembly binary`, {
      hint: "Check the component's `source`; run its build command if the file is stale.",
    });
  }
  if (bytes[6] === 1 && bytes[7] === 0) {
    throw new SpindleError(
      `Component '${componentId}' is a WebAssembly component, but the WAGI executor runs core modules`,
      { hint: `Build a core module instead. ${COMMAND_HINT}` },
    );
  }
}

/** Checks a compiled module's exports (`_start`, `memory`) and imports against what the host provides. */
export function validateWagiModule(componentId: string, module: WebAssembly.Module): void {
  const exports = new Map(WebAssembly.Module.exports(module).map(({ name, kind }) => [name, kind]));
  for (const [name, kind] of [
    ["_start", "function"],
    ["memory", "memory"],
  ] as const) {
    if (exports.get(name) !== kind) {
      throw new SpindleError(
        `Component '${componentId}' does not export the ${kind} \`${name}\` a WASI command has`,
        {
          hint: COMMAND_HINT,
        },
      );
    }
  }
  for (const { module: namespace, name, kind } of WebAssembly.Module.imports(module)) {
    if (namespace === MEMORY_IMPORT.module) continue; // the engine's own, for recycled memories
    if (namespace !== "wasi_snapshot_preview1" || kind !== "function" || !PROVIDED.has(name)) {
      throw new SpindleError(
        `Component '${componentId}' imports ${kind} '${namespace}.${name}', which the WAGI executor does not provide`,
        { hint: `${COMMAND_HINT} It may import only \`wasi_snapshot_preview1\` functions.` },
      );
    }
  }
}
