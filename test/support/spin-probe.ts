/**
 * Builds a probe guest that imports Spin host interfaces: `test/components/<name>.js` against
 * `wit/<name>.wit` (package `spindle:<name>@0.1.0`, world `<name>-imports`), whose dependency package
 * `fermyon:spin@2.0.0` is `wit/<spinWit>`. Uses the Spin JS SDK's `j2w`, once per source version, cached in
 * the OS temp directory like the other test components. Separate from `components.ts` because that builder
 * takes a single WIT file.
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

/** Path of the built probe component `name`, whose Spin interfaces are declared in `wit/<spinWit>`. */
export function spinProbeWasm(name: string, spinWit: string): string {
  const source = readFileSync(join(COMPONENTS, `${name}.js`));
  const world = readFileSync(join(COMPONENTS, `wit/${name}.wit`));
  const spin = readFileSync(join(COMPONENTS, "wit", spinWit));
  const tool = readFileSync(join(BUILD_TOOLS, "package.json"));
  const hash = createHash("sha256").update(source).update(world).update(spin).update(tool).digest("hex");
  const cacheDir = join(tmpdir(), "spindle-test-components");
  const target = join(cacheDir, `${name}-${hash.slice(0, 16)}.wasm`);
  if (existsSync(target)) return target;
  mkdirSync(cacheDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), "spindle-component-build-"));
  try {
    writeFileSync(join(work, "index.js"), source);
    mkdirSync(join(work, "wit/deps/fermyon-spin"), { recursive: true });
    writeFileSync(join(work, `wit/${name}.wit`), world);
    writeFileSync(join(work, "wit/deps/fermyon-spin/spin.wit"), spin);
    symlinkSync(join(PROXY_WIT, "wasi-http@0.2.3.wit"), join(work, "wit/deps/wasi-http.wit"));
    writeFileSync(join(work, "package.json"), JSON.stringify(buildPackage(name)));
    // j2w exits 0 even when componentizing failed, so success is judged by the output file.
    const log = execFileSync(
      process.execPath,
      [join(BUILD_TOOLS, "dist/index.js"), "-i", "index.js", "-o", "out.wasm"],
      { cwd: work, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    if (!existsSync(join(work, "out.wasm"))) throw new Error(`building ${name} failed:\n${log}`);
    renameSync(join(work, "out.wasm"), target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return target;
}

function buildPackage(name: string): object {
  return {
    name: "spindle-test-guest",
    private: true,
    type: "module",
    config: {
      witDependencies: [
        { witPath: PROXY_WIT, package: "spinframework:http-trigger@0.2.3", world: "http-trigger" },
        { witPath: "./wit", package: `spindle:${name}@0.1.0`, world: `${name}-imports` },
      ],
    },
  };
}
