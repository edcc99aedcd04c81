/**
 * Builds the JavaScript component guests in `test/components/` with the Spin JS SDK's build tool (`j2w`,
 * StarlingMonkey inside), each once per source version: the result is cached in the OS temp directory by a
 * hash of the guest, its WIT and the tool version, since one build takes seconds. Also assembles tiny
 * components from WAT text, for load-time checks that need a component of a given shape and nothing else.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const COMPONENTS = fileURLToPath(new URL("../components/", import.meta.url));
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BUILD_TOOLS = join(ROOT, "node_modules/@spinframework/build-tools");
const PROXY_WIT = join(ROOT, "node_modules/@spinframework/wasi-http-proxy/wit");

/** Shared by every suite and run: a transpiled component is cached by digest, and guests build the same. */
export const TEST_CACHE_HOME = join(tmpdir(), "spindle-test-cache");

/** Path of the built component for `test/components/<name>.js`, against the shared `wit/probe.wit`. */
export function componentWasm(name: string): string {
  return buildGuest(name, { file: "probe.wit", pkg: "spindle:probe@0.1.0", world: "probe-imports" });
}

/**
 * Path of a probe that imports Spin host interfaces: `test/components/<name>.js` against `wit/<name>.wit`
 * (package `spindle:<name>@0.1.0`, world `<name>-imports`), whose dependency packages (`fermyon:spin@2.0.0`,
 * `spin:postgres@3.0.0`, …) are the files `wit/<depWits>`, one package each.
 */
export function spinProbeWasm(name: string, ...depWits: string[]): string {
  const world = { file: `${name}.wit`, pkg: `spindle:${name}@0.1.0`, world: `${name}-imports` };
  return buildGuest(name, world, depWits);
}

interface GuestWorld {
  /** The world's WIT file in `test/components/wit/`. */
  readonly file: string;
  readonly pkg: string;
  readonly world: string;
}

function buildGuest(name: string, world: GuestWorld, depWits: readonly string[] = []): string {
  const inputs = [`${name}.js`, `wit/${world.file}`, ...depWits.map((file) => `wit/${file}`)];
  const hash = createHash("sha256");
  for (const input of inputs) hash.update(readFileSync(join(COMPONENTS, input)));
  hash.update(readFileSync(join(BUILD_TOOLS, "package.json")));
  const cacheDir = join(tmpdir(), "spindle-test-components");
  const target = join(cacheDir, `${name}-${hash.digest("hex").slice(0, 16)}.wasm`);
  if (existsSync(target)) return target;
  mkdirSync(cacheDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), "spindle-component-build-"));
  try {
    writeFileSync(join(work, "index.js"), readFileSync(join(COMPONENTS, `${name}.js`)));
    // An empty folder under wit/deps fails the build, so a package's folder exists only when used.
    mkdirSync(join(work, "wit/deps"), { recursive: true });
    writeFileSync(join(work, `wit/${world.file}`), readFileSync(join(COMPONENTS, "wit", world.file)));
    for (const file of depWits) {
      const folder = join(work, "wit/deps", file.replace(/\.wit$/, ""));
      mkdirSync(folder);
      writeFileSync(join(folder, "package.wit"), readFileSync(join(COMPONENTS, "wit", file)));
    }
    symlinkSync(join(PROXY_WIT, "wasi-http@0.2.3.wit"), join(work, "wit/deps/wasi-http.wit"));
    writeFileSync(join(work, "package.json"), JSON.stringify(buildPackage(world)));
    // j2w exits 0 even when componentizing failed, so success is judged by the output file.
    const log = spawnSync(
      process.execPath,
      [join(BUILD_TOOLS, "dist/index.js"), "-i", "index.js", "-o", "out.wasm"],
      { cwd: work, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    if (!existsSync(join(work, "out.wasm")))
      throw new Error(`building ${name} failed:\n${log.stdout}${log.stderr}`);
    renameSync(join(work, "out.wasm"), target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return target;
}

function buildPackage(world: GuestWorld): object {
  return {
    name: "spindle-test-guest",
    private: true,
    type: "module",
    config: {
      witDependencies: [
        { witPath: PROXY_WIT, package: "spinframework:http-trigger@0.2.3", world: "http-trigger" },
        { witPath: "./wit", package: world.pkg, world: world.world },
      ],
    },
  };
}

/** Binary of a component written in the component-model text format. */
export async function componentFromWat(wat: string): Promise<Uint8Array> {
  const jco = (await import("@bytecodealliance/jco")) as unknown as {
    parse(text: string): Promise<Uint8Array>;
  };
  return jco.parse(wat);
}
