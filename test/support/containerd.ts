/**
 * A real containerd for end-to-end tests: Debian's containerd 1.6 with its root, state and sockets in a
 * temp directory, the CRI plugin off, and `containerd-shim-spindle-v2` on its PATH (with the pinned Node
 * first, so the shim starts without re-running itself). `ctr` runs against it in namespace `spindle`.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Scope } from "./scope.ts";

const SHIM = fileURLToPath(new URL("../../bin/containerd-shim-spindle-v2.js", import.meta.url));

/** Why containerd tests cannot run here, or `undefined` when they can. */
export function containerdUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "containerd tests need root (the shim mounts root filesystems)";
  for (const tool of ["containerd", "ctr"]) {
    const found = (process.env["PATH"] ?? "").split(delimiter).some((dir) => existsSync(join(dir, tool)));
    if (!found) return `${tool} is not installed (scripts/setup.sh installs it)`;
  }
  return undefined;
}

export interface CtrResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Containerd {
  readonly dir: string;
  /** Runs `ctr` against this containerd; resolves with the exit code and output, never rejects. */
  ctr(...args: string[]): Promise<CtrResult>;
}

/** `env` is added to containerd's environment, which the shims it starts inherit. */
export async function startContainerd(scope: Scope, env: Record<string, string> = {}): Promise<Containerd> {
  // Short path: unix socket paths are limited to 108 bytes.
  const dir = mkdtempSync("/tmp/ctrd-");
  const bin = join(dir, "bin");
  mkdirSync(bin);
  symlinkSync(SHIM, join(bin, "containerd-shim-spindle-v2"));
  writeFileSync(join(dir, "config.toml"), config(dir));
  const daemon: ChildProcess = spawn("containerd", ["--config", join(dir, "config.toml")], {
    stdio: ["ignore", "ignore", "ignore"],
    env: {
      ...process.env,
      ...env,
      PATH: [bin, dirname(process.execPath), process.env["PATH"]].join(delimiter),
    },
  });
  const ctr = (...args: string[]) =>
    runCtr(["--address", join(dir, "containerd.sock"), "--namespace", "spindle", ...args]);
  scope.after(async () => {
    // A test that failed half-way leaves its containers: a shim serving them would outlive containerd.
    await removeEverything(ctr);
    daemon.kill("SIGTERM");
    await new Promise((resolve) => daemon.once("exit", resolve));
    rmSync(dir, { recursive: true, force: true });
  });
  for (let i = 0; (await ctr("version")).code !== 0; i++) {
    if (i > 200) throw new Error("containerd did not start within 10 s");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { dir, ctr };
}

/** Force-deletes every task, then every container, of the namespace. */
async function removeEverything(ctr: Containerd["ctr"]): Promise<void> {
  const ids = async (kind: "task" | "container") =>
    (await ctr(kind, "ls", "-q")).stdout.split("\n").filter((id) => id.trim() !== "");
  for (const id of await ids("task")) await ctr("task", "delete", "--force", id);
  for (const id of await ids("container")) await ctr("container", "rm", id);
}

function runCtr(args: string[]): Promise<CtrResult> {
  return new Promise((resolve) => {
    execFile("ctr", args, { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

function config(dir: string): string {
  return `version = 2
root = "${dir}/root"
state = "${dir}/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "${dir}/containerd.sock"
[ttrpc]
  address = "${dir}/containerd.sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "${dir}/opt"
`;
}

/** Resolves with `probe()`'s first value that is not `undefined` (a throw counts as none), polling for 30 s. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Whether a process is still there. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
