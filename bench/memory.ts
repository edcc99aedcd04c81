/**
 * Memory per live instance: the resident memory of a server holding `n` requests in flight against a slow
 * handler, less its resident memory just before, divided by the requests in flight at that moment. Every
 * run starts a fresh server, warms it with a few quick requests, samples its RSS, sends `n` requests at
 * once and samples RSS until all `n` are in flight (Spindle's `spindle_instances_in_flight` gauge on the
 * admin endpoint, the baseline's own count); the server is then killed. The admission limits are lifted.
 * WAGI is not measured: a WAGI guest runs to completion on the server's thread, so only one is ever live.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Guests } from "./guests/build.ts";
import { sleeperComponent } from "./guests/sleeper.ts";
import { get } from "./support/http.ts";
import { pinned, residentBytes, SERVER_CPU, start, stop, type Started } from "./support/process.ts";
import { ROOT, startSpindle, writeManifest } from "./support/spindle.ts";
import { median } from "./support/stats.ts";

/** How long the slow handler takes: longer than the sampling may last, so none answers meanwhile. */
const DELAY_MS = 25_000;
/** How long a run waits for every request to be in flight before it takes what it has. */
const SAMPLING_MS = 12_000;
const MB = 1024 * 1024;

export interface MemoryRow {
  readonly server: string;
  readonly concurrent: number;
  /** Medians of the runs: requests in flight when sampled, and resident memory before and then. */
  readonly inFlight: number;
  readonly baselineMb: number;
  readonly loadedMb: number;
  readonly perInstanceMb: number;
  /** The target for this guest, in MB per live instance. */
  readonly targetMb: number | undefined;
  /** The server died in at least one run before all requests were in flight. */
  readonly crashed: boolean;
}

export interface MemoryResult {
  readonly runs: number;
  readonly delayMs: number;
  readonly rows: readonly MemoryRow[];
}

interface Server {
  readonly started: Started;
  readonly url: string;
  /** Requests in flight as the server counts them; undefined when it does not answer within a second. */
  inFlight(): Promise<number | undefined>;
}

interface Target {
  readonly server: string;
  readonly start: () => Promise<Server>;
  readonly warmPath: string;
  readonly slowPath: string;
  readonly targetMb?: number;
  /**
   * Count requests in flight from the client side, as responses whose headers have arrived: right for a
   * handler that answers at once and streams its body late, and needed when the server is too busy
   * creating instances to answer its own metrics endpoint.
   */
  readonly countHeaders?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function spindleServer(dir: string): Promise<Server> {
  const flags = [
    "--admin-listen",
    "127.0.0.1:0",
    "--max-concurrent-requests",
    "0",
    "--request-timeout",
    "60s",
  ];
  const started = await startSpindle(dir, flags);
  const metrics = `${started.adminUrl ?? ""}/metrics`;
  return {
    started,
    url: started.url,
    inFlight: async () => {
      const text = (await get(metrics, { timeoutMs: 1000 }).catch(() => undefined))?.body;
      if (text === undefined) return undefined;
      const values = [...text.matchAll(/^spindle_instances_in_flight(?:\{[^}]*\})? (\S+)$/gm)];
      return values.reduce((sum, match) => sum + Number(match[1]), 0);
    },
  };
}

async function baselineServer(): Promise<Server> {
  const command = pinned(SERVER_CPU, process.execPath, [join(ROOT, "bench/node-baseline.ts")]);
  const started = await start(command, /^Serving (http:\/\/\S+)$/m);
  const url = started.match[1] ?? "";
  const inFlight = async () => {
    const answer = await get(`${url}/in-flight`, { timeoutMs: 1000 }).catch(() => undefined);
    return answer === undefined ? undefined : Number(answer.body);
  };
  return { started, url, inFlight };
}

async function targets(guests: Guests, work: string): Promise<Target[]> {
  const small = join(work, "memory-small");
  mkdirSync(small, { recursive: true });
  writeFileSync(join(small, "slow.wasm"), await sleeperComponent(DELAY_MS));
  writeFileSync(join(small, "warm.wasm"), await sleeperComponent(0));
  writeManifest(small, twoRouteManifest("slow.wasm", "warm.wasm"));
  const js = join(work, "memory-js");
  mkdirSync(js, { recursive: true });
  writeManifest(js, twoRouteManifest(guests.jsComponent, guests.jsComponent));
  return [
    {
      server: "node:http (baseline), pending request",
      start: baselineServer,
      warmPath: "/slow?ms=0",
      slowPath: `/slow?ms=${DELAY_MS}`,
    },
    {
      server: "Spindle, small WAT component",
      start: () => spindleServer(small),
      warmPath: "/warm",
      slowPath: "/slow",
      targetMb: 0.2,
    },
    {
      server: "Spindle, JS SDK component",
      start: () => spindleServer(js),
      warmPath: "/warm/stream?chunks=2&delay=0",
      slowPath: `/slow/stream?chunks=2&delay=${DELAY_MS}`,
      targetMb: 5,
      countHeaders: true,
    },
  ];
}

function twoRouteManifest(slow: string, warm: string): string {
  return `spin_manifest_version = 2
[application]
name = "bench-memory"
[[trigger.http]]
route = "/slow/..."
component = "slow"
[[trigger.http]]
route = "/warm/..."
component = "warm"
[component.slow]
source = "${slow}"
[component.warm]
source = "${warm}"
`;
}

interface Sample {
  readonly inFlight: number;
  readonly rss: number;
  /** The server exited while the requests were in flight. */
  readonly crashed: boolean;
}

/**
 * Samples until `n` requests are in flight (three samples then), `SAMPLING_MS` have passed, or the server
 * died; returns the sample with the most in flight.
 */
async function peak(server: Server, n: number, inFlight: () => Promise<number | undefined>): Promise<Sample> {
  const { child } = server.started;
  let best: Sample = { inFlight: 0, rss: 0, crashed: false };
  let full = 0;
  for (
    const until = performance.now() + SAMPLING_MS;
    full < 3 && performance.now() < until;
    await sleep(100)
  ) {
    const count = await inFlight();
    if (child.exitCode !== null || child.signalCode !== null) return { ...best, crashed: true };
    if (count === undefined) continue;
    const sample = { inFlight: count, rss: residentBytes(child.pid ?? 0), crashed: false };
    if (count > best.inFlight || (count === best.inFlight && sample.rss > best.rss)) best = sample;
    if (count >= n) full += 1;
  }
  return best;
}

async function once(target: Target, n: number): Promise<{ baseline: number; loaded: Sample }> {
  const server = await target.start();
  const abort = new AbortController();
  try {
    await Promise.all(Array.from({ length: 10 }, () => get(`${server.url}${target.warmPath}`)));
    await sleep(500);
    const pid = server.started.child.pid ?? 0;
    const baseline = median([
      residentBytes(pid),
      (await sleep(100), residentBytes(pid)),
      (await sleep(100), residentBytes(pid)),
    ]);
    let answering = 0;
    const options = { signal: abort.signal, onHeaders: () => (answering += 1) };
    const pending = Array.from({ length: n }, () =>
      get(`${server.url}${target.slowPath}`, options).catch(() => undefined),
    );
    const counted = target.countHeaders === true ? () => Promise.resolve(answering) : () => server.inFlight();
    const loaded = await peak(server, n, counted);
    abort.abort();
    await Promise.all(pending);
    return { baseline, loaded };
  } finally {
    abort.abort();
    await stop(server.started.child, "SIGKILL");
  }
}

export async function measureMemory(
  guests: Guests,
  options: { readonly runs: number; readonly work: string; readonly concurrency: readonly number[] },
): Promise<MemoryResult> {
  const rows: MemoryRow[] = [];
  for (const target of await targets(guests, options.work)) {
    // A first start fills the component cache, so no run's baseline includes a transpile's garbage.
    await stop((await target.start()).started.child);
    for (const n of options.concurrency) {
      const runs = [];
      for (let run = 0; run < options.runs; run++) runs.push(await once(target, n));
      rows.push({
        server: target.server,
        concurrent: n,
        inFlight: median(runs.map((r) => r.loaded.inFlight)),
        baselineMb: median(runs.map((r) => r.baseline)) / MB,
        loadedMb: median(runs.map((r) => r.loaded.rss)) / MB,
        perInstanceMb: median(runs.map((r) => (r.loaded.rss - r.baseline) / r.loaded.inFlight)) / MB,
        targetMb: target.targetMb,
        crashed: runs.some((r) => r.loaded.crashed),
      });
    }
  }
  return { runs: options.runs, delayMs: DELAY_MS, rows };
}
