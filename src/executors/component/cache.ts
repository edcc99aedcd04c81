/**
 * Transpiled components on disk and compiled components in memory, both keyed by the component's digest.
 * On disk, `<cache dir>/components/<digest>/` holds the glue, the core modules and a `meta.json` naming
 * the jco release and options they came from (written last, and the folder renamed into place, so a
 * crash never leaves a half-written entry): a restart only compiles. In memory, each digest is compiled
 * once per process (about 30 ms for a 12 MB JS component) and shared by every handler and instance; a
 * core module's memory is made an import where that is exact, so instances run on recycled memories
 * (memory-recycler.ts: for a JS guest the fresh 9 MB memory is most of what an instance costs).
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { withMemoryCap } from "../../engine/memory-limit.ts";
import type { EngineModule } from "../../engine/memory-recycler.ts";
import { CompileCache, compileRecyclable } from "../../engine/module-cache.ts";
import { SpindleError } from "../../errors.ts";
import {
  GLUE_FILE,
  JCO_VERSION,
  transpileComponent,
  transpileOptions,
  type Transpiled,
} from "./transpile.ts";

/** The glue's entry point: builds one instance from compiled core modules and an import object. */
export type Instantiate = (
  getCoreModule: (name: string) => WebAssembly.Module,
  imports: Record<string, object>,
  instantiateCore: (module: WebAssembly.Module, imports?: WebAssembly.Imports) => WebAssembly.Instance,
) => unknown;

export interface CompiledComponent {
  readonly instantiate: Instantiate;
  /** The core modules by the glue's names for them. */
  readonly coreModules: ReadonlyMap<string, WebAssembly.Module>;
  /** The same modules with where their memories come from, by module (what the glue hands back). */
  readonly engineModules: ReadonlyMap<WebAssembly.Module, EngineModule>;
}

interface Meta {
  readonly key: string;
  readonly modules: readonly string[];
}

const compiled = new CompileCache<CompiledComponent>();

export interface ComponentSource {
  readonly digest: string;
  readonly bytes: Uint8Array;
  /** Names the component in errors: `component "x" (path)`. */
  readonly what: string;
  /** The handler functions the glue runs as async exports (world.ts `entryPoints`). */
  readonly asyncExports: readonly string[];
  /** The cap on each core module's memory, in bytes (memory-limit.ts); none when absent. */
  readonly maxMemoryBytes?: number | undefined;
}

/** The compiled component for `source`, transpiling only when the disk cache has no entry for it. */
export function compiledComponent(source: ComponentSource, cacheDir: string): Promise<CompiledComponent> {
  return compiled.get(source.digest, source.maxMemoryBytes, () => compile(source, cacheDir));
}

async function compile(source: ComponentSource, cacheDir: string): Promise<CompiledComponent> {
  const dir = join(cacheDir, "components", source.digest.replace(":", "-"));
  const key = `jco ${JCO_VERSION} ${JSON.stringify(transpileOptions(source.asyncExports))}`;
  const modules = readEntry(dir, key) ?? (await writeEntry(dir, key, source));
  const coreModules = new Map<string, WebAssembly.Module>();
  const engineModules = new Map<WebAssembly.Module, EngineModule>();
  const { maxMemoryBytes, what } = source;
  const sources = [...modules].map(
    ([name, bytes]) => [name, withMemoryCap(bytes, what, maxMemoryBytes)] as const,
  );
  try {
    for (const [name, bytes] of sources) {
      const compiledModule = await compileRecyclable(bytes);
      coreModules.set(name, compiledModule.module);
      engineModules.set(compiledModule.module, compiledModule);
    }
  } catch (cause) {
    throw new SpindleError(`${source.what} cannot be compiled: ${messageOf(cause)}`, {
      cause,
      hint: "rebuild it; if it still fails, clear the component cache (" + dir + ")",
    });
  }
  const glue = (await import(pathToFileURL(join(dir, GLUE_FILE)).href)) as { instantiate: Instantiate };
  return { instantiate: glue.instantiate, coreModules, engineModules };
}

function readEntry(dir: string, key: string): Map<string, Uint8Array<ArrayBuffer>> | undefined {
  try {
    const meta = JSON.parse(readFileSync(join(dir, "meta.json"), "utf8")) as Meta;
    if (meta.key !== key || !existsSync(join(dir, GLUE_FILE))) return undefined;
    return new Map(meta.modules.map((name) => [name, readFileSync(join(dir, name))]));
  } catch {
    return undefined;
  }
}

async function writeEntry(dir: string, key: string, source: ComponentSource) {
  let transpiled: Transpiled;
  try {
    transpiled = await transpileComponent(source.bytes, source.asyncExports);
  } catch (cause) {
    throw new SpindleError(`${source.what} cannot be prepared to run: ${messageOf(cause)}`, {
      cause,
      hint: "check that it is a valid WebAssembly component (rebuild it)",
    });
  }
  const partial = `${dir}.${process.pid}.${randomBytes(4).toString("hex")}.partial`;
  try {
    mkdirSync(partial, { recursive: true });
    writeFileSync(join(partial, GLUE_FILE), transpiled.glue);
    for (const [name, bytes] of transpiled.coreModules) writeFileSync(join(partial, name), bytes);
    const meta: Meta = { key, modules: [...transpiled.coreModules.keys()] };
    writeFileSync(join(partial, "meta.json"), JSON.stringify(meta));
    // Another process may have written the same entry meanwhile; either copy will do.
    if (readEntry(dir, key) === undefined) {
      rmSync(dir, { recursive: true, force: true });
      renameSync(partial, dir);
    } else {
      rmSync(partial, { recursive: true, force: true });
    }
  } catch (cause) {
    rmSync(partial, { recursive: true, force: true });
    throw new SpindleError(`cannot write the component cache at ${dir}: ${messageOf(cause)}`, {
      cause,
      hint: "make the cache directory writable, or point XDG_CACHE_HOME at a writable directory",
    });
  }
  return new Map([...transpiled.coreModules].map(([name, bytes]) => [name, new Uint8Array(bytes)]));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
