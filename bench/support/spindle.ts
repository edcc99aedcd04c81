/**
 * `spindle up` for one benchmark app, pinned to the server CPU, with the component cache shared across runs
 * (so start-up is measured warm: the one-off transpile of a component is not part of any figure).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { TEST_CACHE_HOME } from "../../test/support/components.ts";
import { pinned, SERVER_CPU, start, type Started } from "./process.ts";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const SPINDLE = join(ROOT, "bin/spindle.js");
/** `XDG_CACHE_HOME` for every Spindle the benchmarks start. */
export const CACHE_HOME = TEST_CACHE_HOME;

/** A one-component app serving every path with `source`; `executor` is a trigger line such as WAGI's. */
export function singleComponentManifest(source: string, executor = ""): string {
  return [
    "spin_manifest_version = 2",
    "[application]",
    'name = "bench"',
    "[[trigger.http]]",
    'route = "/..."',
    'component = "app"',
    executor,
    "[component.app]",
    `source = "${source}"`,
    "",
  ].join("\n");
}

export function writeManifest(dir: string, manifest: string): void {
  writeFileSync(join(dir, "spin.toml"), manifest);
}

export interface RunningSpindle extends Started {
  readonly url: string;
  /** Set when started with `--admin-listen`. */
  readonly adminUrl: string | undefined;
}

/** The pinned `spindle up -f dir` command line, listening on a free port. */
export function spindleUpCommand(dir: string, flags: readonly string[] = []): [string, string[]] {
  const args = [SPINDLE, "up", "--quiet", "--listen", "127.0.0.1:0", "-f", dir, ...flags];
  return pinned(SERVER_CPU, process.execPath, args);
}

export const spindleEnv = (): NodeJS.ProcessEnv => ({ ...process.env, XDG_CACHE_HOME: CACHE_HOME });

/** Starts `spindle up` for the app in `dir`; resolves once it serves (and its admin endpoint, if asked). */
export async function startSpindle(dir: string, flags: readonly string[] = []): Promise<RunningSpindle> {
  const admin = flags.includes("--admin-listen");
  const ready = admin ? /^Admin endpoint: (http:\/\/\S+)/m : /^Serving (http:\/\/\S+)$/m;
  const started = await start(spindleUpCommand(dir, flags), ready, { env: spindleEnv() });
  const stdout = started.match.input;
  return {
    ...started,
    url: /^Serving (http:\/\/\S+)$/m.exec(stdout)?.[1] ?? "",
    adminUrl: admin ? started.match[1] : undefined,
  };
}
