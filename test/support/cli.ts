/**
 * Runs the real `spindle` command for end-to-end tests: `runSpindle` for commands that finish, `startApp`
 * for `spindle up` (waits for the `Serving <url>` line, as Spin's own test harness does, and stops the
 * process when the test ends).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Scope } from "./scope.ts";

export const BIN = fileURLToPath(new URL("../../bin/spindle.js", import.meta.url));

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The serving command to start (default `up`). */
  readonly command?: "up" | "watch";
  /** How long `startApp` waits for the `Serving` line (default 20 s; builds and transpiles need more). */
  readonly startTimeoutMs?: number;
  /**
   * The stdout line that says the app runs, its first group the URL (default `Serving <url>`); an app with
   * only Redis triggers announces `Active Channels on …` instead and has no URL.
   */
  readonly ready?: RegExp;
}

/** Runs `spindle ...args` to completion. */
export function runSpindle(args: readonly string[], options: RunOptions = {}): Promise<Finished> {
  const child = spawnSpindle(args, options);
  const out = collect(child);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, ...out() }));
  });
}

export interface RunningApp {
  /** The HTTP base URL; "" when the app serves no HTTP. */
  readonly url: string;
  readonly process: ChildProcess;
  /** Output so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves with the first stderr line containing `text`, waiting for it up to `timeoutMs`, 5 s by default (output is a pipe). */
  stderrLine(text: string, timeoutMs?: number): Promise<string>;
  /** Sends SIGTERM and waits for the exit. */
  stop(): Promise<Finished>;
}

/** Starts `spindle up --listen 127.0.0.1:0 ...args` (or `watch`) and resolves once it serves. */
export async function startApp(
  t: Scope,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunningApp> {
  const child = spawnSpindle([options.command ?? "up", "--listen", "127.0.0.1:0", ...args], options);
  const out = collect(child);
  const exited = new Promise<Finished>((resolve) =>
    child.once("close", (code) => resolve({ code, ...out() })),
  );
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    return exited;
  };
  // Registered before waiting, so a start that times out still leaves no process behind.
  t.after(async () => {
    await stop();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`spindle up did not start:\n${out().stderr}`)),
      options.startTimeoutMs ?? 20_000,
    );
    child.stdout?.on("data", () => {
      const match = (options.ready ?? /^Serving (http:\/\/\S+)$/m).exec(out().stdout);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1] ?? "");
      }
    });
    void exited.then((f) => {
      clearTimeout(timer);
      reject(new Error(`spindle up exited with ${f.code}:\n${f.stdout}\n${f.stderr}`));
    });
  });
  const stderrLine = async (text: string, timeoutMs = 5_000) => {
    for (let waited = 0; waited < timeoutMs; waited += 20) {
      const line = out()
        .stderr.split("\n")
        .find((l) => l.includes(text));
      if (line !== undefined) return line;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no stderr line contains ${JSON.stringify(text)}:\n${out().stderr}`);
  };
  return { url, process: child, output: out, stderrLine, stop };
}

function spawnSpindle(args: readonly string[], options: RunOptions): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function collect(child: ChildProcess): () => { stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  return () => ({ stdout, stderr });
}
