/**
 * The checks `spindle doctor` runs: the Node.js runtime and the two features Spindle builds on (JSPI and
 * `node:sqlite`), the C → WebAssembly toolchain that builds C guests, the cache directory, and — when given
 * its URL — a running Spindle's admin endpoint. Each check reports instead of throwing.
 */
import { execFile } from "node:child_process";
import { accessSync, constants, existsSync, readdirSync } from "node:fs";
import { promisify } from "node:util";
import type { CheckResult } from "./report.ts";

const run = promisify(execFile);
const SETUP_HINT = "run `bash scripts/setup.sh` (Debian), or install clang, lld and wasi-libc";

export function checkNode(version: string = process.versions.node): CheckResult {
  const major = Number(version.split(".")[0]);
  return major >= 24
    ? { name: "Node.js", status: "ok", detail: `v${version} (Spindle needs 24 or later)` }
    : {
        name: "Node.js",
        status: "fail",
        detail: `v${version} is too old: Spindle needs 24 or later`,
        hint: "run Spindle through `npx spindle`, which uses the Node.js 26 that `npm ci` installs",
      };
}

export function checkJspi(): CheckResult {
  const wasm = WebAssembly as unknown as Record<string, unknown>;
  const ok = typeof wasm["Suspending"] === "function" && typeof wasm["promising"] === "function";
  return ok
    ? { name: "JSPI", status: "ok", detail: "WebAssembly.Suspending and WebAssembly.promising are available" }
    : { name: "JSPI", status: "fail", detail: "this Node.js has no JSPI", hint: "use Node.js 24 or later" };
}

export async function checkSqlite(): Promise<CheckResult> {
  try {
    await import("node:sqlite");
    return { name: "node:sqlite", status: "ok", detail: "available" };
  } catch (error) {
    return { name: "node:sqlite", status: "fail", detail: String(error), hint: "use Node.js 24 or later" };
  }
}

export async function checkToolchain(): Promise<CheckResult> {
  const name = "C toolchain";
  try {
    const { stdout } = await run("clang", ["--version"]);
    const version = stdout.split("\n", 1)[0] ?? "clang";
    const { stdout: libc } = await run("clang", ["--target=wasm32-wasi", "--print-file-name=libc.a"]);
    if (!existsSync(libc.trim())) {
      return {
        name,
        status: "warn",
        detail: `${version}, but no wasi-libc for wasm32-wasi`,
        hint: SETUP_HINT,
      };
    }
    return { name, status: "ok", detail: `${version}, with wasi-libc (only needed to build C guests)` };
  } catch {
    return {
      name,
      status: "warn",
      detail: "clang not found (only needed to build C guests)",
      hint: SETUP_HINT,
    };
  }
}

export function checkCacheDir(dir: string): CheckResult {
  const name = "cache directory";
  if (!existsSync(dir)) return { name, status: "ok", detail: `${dir} (not created yet)` };
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    return {
      name,
      status: "fail",
      detail: `${dir} is not writable`,
      hint: "fix its permissions or set XDG_CACHE_HOME",
    };
  }
  const components = existsSync(`${dir}/components`) ? readdirSync(`${dir}/components`).length : 0;
  return { name, status: "ok", detail: `${dir} (writable; ${components} prepared components cached)` };
}

/** `token` is the admin endpoint's (`SPINDLE_ADMIN_TOKEN`), sent as a bearer token when given. */
export async function checkAdmin(url: string | undefined, token?: string): Promise<CheckResult> {
  const name = "admin endpoint";
  if (url === undefined) {
    return { name, status: "skip", detail: "not checked (pass --admin URL to check a running spindle)" };
  }
  const metrics = `${url.replace(/\/+$/, "")}/metrics`;
  try {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const response = await fetch(metrics, { headers, signal: AbortSignal.timeout(3000) });
    const text = await response.text();
    if (response.status === 401) {
      const hint = "set SPINDLE_ADMIN_TOKEN to the token given to --admin-token";
      return { name, status: "fail", detail: `${metrics} asks for a token`, hint };
    }
    if (!response.ok || !text.includes("spindle_http_requests_total")) {
      const hint = "is this the address given to --admin-listen?";
      return {
        name,
        status: "fail",
        detail: `${metrics} answered ${response.status} without Spindle's metrics`,
        hint,
      };
    }
    return { name, status: "ok", detail: `${metrics} answered with Spindle's metrics` };
  } catch (error) {
    const reason =
      error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    const hint = "start the app with `spindle up --admin-listen HOST:PORT` and pass that address";
    return { name, status: "fail", detail: `${metrics} is unreachable: ${reason}`, hint };
  }
}
