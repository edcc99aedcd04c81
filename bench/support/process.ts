/**
 * Child processes for the benchmarks: pinning to a CPU (servers on CPU 0, load generators on CPU 1, where
 * `taskset` exists), starting a server and waiting for its ready line, stopping it with every process it
 * forked, and reading its resident memory (and, from `smaps_rollup`, its proportional share). Each child runs
 * in its own process group, so `stop` also ends the process `jco serve` forks; `stopAll` ends whatever is
 * still running when the benchmark is cut short.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";

export const SERVER_CPU = 0;
export const LOAD_CPU = 1;

export const hasTaskset = commandExists("taskset");

const running = new Set<ChildProcess>();

export function commandExists(command: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** `command args` run on `cpu` only, when `taskset` exists (it execs, so the pid stays the server's). */
export function pinned(cpu: number, command: string, args: readonly string[]): [string, string[]] {
  return hasTaskset ? ["taskset", ["-c", String(cpu), command, ...args]] : [command, [...args]];
}

export interface Started {
  readonly child: ChildProcess;
  /** The ready line's match. */
  readonly match: RegExpExecArray;
  /** From spawning to the ready line. */
  readonly ms: number;
  /** Everything it has written to stdout and stderr so far. */
  readonly output: () => string;
}

export interface StartOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly timeoutMs?: number;
}

/** Spawns `[command, args]` and resolves once a line of its stdout or stderr matches `ready`. */
export function start(
  [command, args]: readonly [string, readonly string[]],
  ready: RegExp,
  options: StartOptions = {},
): Promise<Started> {
  const started = performance.now();
  const child = spawn(command, args, {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
    env: options.env ?? process.env,
    cwd: options.cwd,
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  let out = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`${command} did not start in time:\n${out}`)),
      options.timeoutMs ?? 120_000,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      void stop(child);
      reject(error);
    };
    const read = (chunk: string) => {
      out += chunk;
      const match = ready.exec(out);
      if (match === null) return;
      clearTimeout(timer);
      resolve({ child, match, ms: performance.now() - started, output: () => out });
    };
    child.stdout?.setEncoding("utf8").on("data", read);
    child.stderr?.setEncoding("utf8").on("data", read);
    child.once("exit", (code) =>
      fail(new Error(`${command} ${args.join(" ")} exited with ${code}:\n${out}`)),
    );
  });
}

/** Signals the child's process group (SIGTERM: a graceful stop) and waits for the child to exit. */
export async function stop(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    process.kill(-child.pid, signal);
  } catch {
    return;
  }
  await exited;
}

/** Kills every child still running, at once (for an interrupted benchmark). */
export function stopAll(): void {
  for (const child of running) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

/** Resident set size of process `pid`, in bytes (Linux `/proc`). */
export function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kib) * 1024;
}

/**
 * Resident and proportional set size of process `pid`, in KiB (Linux `/proc/<pid>/smaps_rollup`): PSS
 * divides shared pages among the processes sharing them. `undefined` for a process that has exited.
 */
export function smapsRollup(pid: number): { rss: number; pss: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  } catch {
    return undefined;
  }
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? NaN);
  return { rss: kib("Rss"), pss: kib("Pss") };
}
