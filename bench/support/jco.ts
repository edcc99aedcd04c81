/**
 * `jco serve`, the peer for the JS component: the same component transpiled by jco and served by its
 * preview2-shim HTTP server in a child Node process (one instance for every request unless the installed
 * jco offers `--isolate-requests`). It transpiles on every start, into `outDir`.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { freePort } from "../../test/support/ports.ts";
import { pinned, SERVER_CPU, start, type Started } from "./process.ts";
import { ROOT } from "./spindle.ts";

const JCO = join(ROOT, "node_modules/@bytecodealliance/jco/src/jco.js");

/** Whether the installed jco's `serve` has `--isolate-requests` (a fresh instance per request). */
export function jcoCanIsolate(): boolean {
  const help = execFileSync(process.execPath, [JCO, "serve", "--help"], { encoding: "utf8" });
  return help.includes("--isolate-requests");
}

export interface RunningJco extends Started {
  readonly url: string;
}

export async function startJcoServe(
  wasm: string,
  outDir: string,
  flags: readonly string[],
): Promise<RunningJco> {
  const port = await freePort();
  const args = [
    JCO,
    "serve",
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
    "--jco-dir",
    outDir,
    ...flags,
    wasm,
  ];
  const started = await start(pinned(SERVER_CPU, process.execPath, args), /Server listening @/);
  return { ...started, url: `http://127.0.0.1:${port}` };
}
