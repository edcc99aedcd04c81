/**
 * App cold start: from spawning `spindle up` for an example app to the first HTTP 200 it answers, with a
 * warm component cache (one unmeasured start first), against the same for the node:http baseline. Each
 * example is built first with `spindle build`, as its README says. The first request is sent as soon as
 * the server prints its `Serving` line. Median and p99 over `runs` starts.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { get } from "./support/http.ts";
import { pinned, SERVER_CPU, start, stop } from "./support/process.ts";
import { ROOT, SPINDLE, spindleEnv, spindleUpCommand } from "./support/spindle.ts";
import { median, percentile } from "./support/stats.ts";

export interface ColdStartRow {
  readonly app: string;
  /** Milliseconds from spawn to the first 200. */
  readonly p50: number;
  readonly p99: number;
  /** The target in milliseconds, for JS apps. */
  readonly targetMs: number | undefined;
}

export interface ColdStartResult {
  readonly runs: number;
  readonly rows: readonly ColdStartRow[];
}

interface App {
  readonly app: string;
  readonly command: () => [string, string[]];
  readonly path: string;
  readonly targetMs?: number;
}

const READY = /^Serving (http:\/\/\S+)$/m;

function example(name: string, path: string, options: { js?: boolean; flags?: () => string[] } = {}): App {
  const dir = join(ROOT, "examples", name);
  return {
    app: `examples/${name}`,
    command: () => spindleUpCommand(dir, options.flags?.() ?? []),
    path,
    ...(options.js === true ? { targetMs: 150 } : {}),
  };
}

function build(app: string): void {
  const dir = join(ROOT, app);
  execFileSync(process.execPath, [SPINDLE, "build", "-f", dir], {
    stdio: ["ignore", "ignore", "inherit"],
    env: spindleEnv(),
  });
}

async function coldStart(app: App): Promise<number> {
  const started = performance.now();
  const { child, match } = await start(app.command(), READY, { env: spindleEnv() });
  try {
    const answer = await get(`${match[1] ?? ""}${app.path}`);
    if (answer.status !== 200)
      throw new Error(`${app.app} answered ${app.path} with ${answer.status}: ${answer.body}`);
    return performance.now() - started;
  } finally {
    await stop(child);
  }
}

export async function measureColdStart(options: { readonly runs: number }): Promise<ColdStartResult> {
  const state = mkdtempSync(join(tmpdir(), "spindle-bench-state-"));
  const apps: App[] = [
    {
      app: "node:http (baseline)",
      command: () => pinned(SERVER_CPU, process.execPath, [join(ROOT, "bench/node-baseline.ts")]),
      path: "/json",
    },
    example("hello-c", "/hello?name=bench"),
    example("hello-wat", "/"),
    example("hello-ts", "/", { js: true }),
    // Its key-value store and database are SQLite files in a scratch state folder.
    example("notes-ts", "/", { js: true, flags: () => ["--state-dir", state] }),
  ];
  try {
    for (const app of apps.slice(1)) build(app.app);
    const rows: ColdStartRow[] = [];
    for (const app of apps) {
      await coldStart(app); // fills the component cache and the OS page cache
      const samples: number[] = [];
      for (let run = 0; run < options.runs; run++) samples.push(await coldStart(app));
      rows.push({ app: app.app, p50: median(samples), p99: percentile(samples, 99), targetMs: app.targetMs });
    }
    return { runs: options.runs, rows };
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
}
