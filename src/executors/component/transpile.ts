/**
 * Turns a component into what V8 can run: jco splits it into core Wasm modules and generates the JS glue
 * that lifts and lowers component values. Options fixed here: `instantiation: 'async'` (the glue takes our
 * own per-instance import object, no shims) and JSPI (`asyncMode: 'jspi'`), with the handler exports
 * async and the WASI and capability functions that wait listed as suspending imports. jco is loaded only when a
 * component is not in the disk cache. Seconds per component; the result is cached (cache.ts).
 */
import { CAPABILITY_SUSPENDING_IMPORTS } from "../../capabilities/capability.ts";
import { WASI_SUSPENDING_IMPORTS } from "../../capabilities/wasi/p2/host.ts";

/** The jco release the glue comes from; part of the cache key. Pinned in package.json. */
export const JCO_VERSION = "1.16.1";

/** The glue's file name; `.mjs` so Node loads it as ES module wherever the cache lives. */
export const GLUE_FILE = "component.mjs";

export interface Transpiled {
  /** The ES module source of the glue. */
  readonly glue: Uint8Array;
  /** Core module file name (as the glue asks for it) → bytes. */
  readonly coreModules: ReadonlyMap<string, Uint8Array>;
}

interface JcoTranspile {
  transpile(
    bytes: Uint8Array,
    options: Record<string, unknown>,
  ): Promise<{ files: Record<string, Uint8Array> }>;
}

/** `asyncExports`: the handler functions, as `interface#function` (world.ts `entryPoints`). */
export function transpileOptions(asyncExports: readonly string[]): Record<string, unknown> {
  return {
    name: "component",
    instantiation: "async",
    noTypescript: true,
    asyncMode: "jspi",
    asyncImports: [...WASI_SUSPENDING_IMPORTS, ...CAPABILITY_SUSPENDING_IMPORTS],
    asyncExports: [...asyncExports],
  };
}

export async function transpileComponent(
  bytes: Uint8Array,
  asyncExports: readonly string[],
): Promise<Transpiled> {
  const jco = (await import("@bytecodealliance/jco")) as unknown as JcoTranspile;
  const { files } = await jco.transpile(bytes, transpileOptions(asyncExports));
  const coreModules = new Map<string, Uint8Array>();
  let glue: Uint8Array | undefined;
  for (const [name, content] of Object.entries(files)) {
    if (name === "component.js") glue = content;
    else if (name.endsWith(".wasm")) coreModules.set(name, content);
  }
  if (glue === undefined) throw new Error("jco produced no component.js");
  return { glue, coreModules };
}
