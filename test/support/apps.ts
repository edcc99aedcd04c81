/**
 * Builds throw-away apps for end-to-end tests: a temp directory with a spin.toml, extra files, and guest
 * modules compiled from `test/guests/*.c` (each compiled once per source version and cached in the OS temp
 * directory, so the suites stay fast and share the work).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Scope } from "./scope.ts";

const GUESTS = fileURLToPath(new URL("../guests/", import.meta.url));

/** Path of the compiled guest `name` (a file in test/guests without `.c`). */
export function guestWasm(name: string): string {
  const source = join(GUESTS, `${name}.c`);
  const hash = createHash("sha256").update(readFileSync(source)).digest("hex").slice(0, 16);
  const cacheDir = join(tmpdir(), "spindle-test-guests");
  const target = join(cacheDir, `${name}-${hash}.wasm`);
  if (existsSync(target)) return target;
  mkdirSync(cacheDir, { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  execFileSync("clang", ["--target=wasm32-wasi", "-O2", "-Wl,--strip-all", "-o", partial, source]);
  renameSync(partial, target);
  return target;
}

export interface AppSpec {
  readonly manifest: string;
  /** Extra files, by path relative to the app directory. */
  readonly files?: Readonly<Record<string, string | Uint8Array>>;
  /** Guest modules to place in the app, by path relative to the app directory → guest name. */
  readonly guests?: Readonly<Record<string, string>>;
}

/** Creates the app in a new temp directory, removed when the test ends. */
export function makeApp(t: Scope, spec: AppSpec): string {
  const dir = mkdtempSync(join(tmpdir(), "spindle-app-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "spin.toml"), spec.manifest);
  for (const [path, content] of Object.entries(spec.files ?? {})) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  for (const [path, guest] of Object.entries(spec.guests ?? {})) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    copyFileSync(guestWasm(guest), join(dir, path));
  }
  return dir;
}

/** Parses the `NAME=value` lines the echo-env guest prints into a map (argv lines keyed `argv[i]`). */
export function parseEcho(body: string): { env: Map<string, string>; body: string } {
  const [head = "", rest = ""] = body.split("--- body ---\n");
  const env = new Map<string, string>();
  for (const line of head.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) env.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return { env, body: rest };
}

/**
 * A one-component WAGI app whose guest (`greet.wasm`, built from the `greet-var` guest) answers with the
 * environment variable the query names: `GET /?GREETING` returns `greeting`.
 */
export function greetManifest(name: string, greeting: string): string {
  return `spin_manifest_version = 2
[application]
name = "${name}"

[[trigger.http]]
route = "/..."
component = "greet"
executor = { type = "wagi" }

[component.greet]
source = "greet.wasm"
environment = { GREETING = "${greeting}" }
`;
}

/**
 * A Redis-trigger app: component `worker` (the probe component, `probe.wasm`) handles channel `jobs` of
 * the Redis at `address`, and may reach it with outbound Redis too.
 */
export function redisSubscriberManifest(name: string, address: string): string {
  return `spin_manifest_version = 2
[application]
name = "${name}"

[application.trigger.redis]
address = "${address}"

[[trigger.redis]]
channel = "jobs"
component = "worker"

[component.worker]
source = "probe.wasm"
allowed_outbound_hosts = ["${address}"]
`;
}
