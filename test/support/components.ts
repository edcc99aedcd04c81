/**
 * Builds the JavaScript component guests in `test/components/` with the Spin JS SDK's build tool (`j2w`,
 * StarlingMonkey inside), each once per source version: the result is cached in the OS temp directory by a
 * hash of the guest, its WIT and the tool version, since one build takes seconds. Also assembles tiny
 * components from WAT text, for load-time checks that need a component of a given shape and nothing else.
 */
import { execFileSync } from "node:child_process";
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

/** Path of the built component for `test/components/<name>.js`. */
export function componentWasm(name: string): string {
  const source = readFileSync(join(COMPONENTS, `${name}.js`));
  const wit = readFileSync(join(COMPONENTS, "wit/probe.wit"));
  const tool = readFileSync(join(BUILD_TOOLS, "package.json"));
  const hash = createHash("sha256").update(source).update(wit).update(tool).digest("hex").slice(0, 16);
  const cacheDir = join(tmpdir(), "spindle-test-components");
  const target = join(cacheDir, `${name}-${hash}.wasm`);
  if (existsSync(target)) return target;
  mkdirSync(cacheDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), "spindle-component-build-"));
  try {
    writeFileSync(join(work, "index.js"), source);
    mkdirSync(join(work, "wit/deps"), { recursive: true });
    writeFileSync(join(work, "wit/probe.wit"), wit);
    symlinkSync(join(PROXY_WIT, "wasi-http@0.2.3.wit"), join(work, "wit/deps/wasi-http.wit"));
    writeFileSync(join(work, "package.json"), JSON.stringify(buildPackage()));
    // j2w exits 0 even when componentizing failed, so success is judged by the output file.
    const log = execFileSync(
      process.execPath,
      [join(BUILD_TOOLS, "dist/index.js"), "-i", "index.js", "-o", "out.wasm"],
      {
        cwd: work,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    if (!existsSync(join(work, "out.wasm"))) throw new Error(`building ${name} failed:\n${log}`);
    renameSync(join(work, "out.wasm"), target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return target;
}

function buildPackage(): object {
  return {
    name: "spindle-test-guest",
    private: true,
    type: "module",
    config: {
      witDependencies: [
        { witPath: PROXY_WIT, package: "spinframework:http-trigger@0.2.3", world: "http-trigger" },
        { witPath: "./wit", package: "spindle:probe@0.1.0", world: "probe-imports" },
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
