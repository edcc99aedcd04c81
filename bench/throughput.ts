/**
 * HTTP throughput and latency under wrk: Spindle's WAGI and component executors against the servers a user
 * would otherwise pick, measured in the same run: a plain node:http server doing the same JSON work, and
 * `jco serve` on the same JS component. Each figure is the median of `runs` wrk runs after a warm-up run;
 * start-up is from process start to the ready line (Spindle's with a warm component cache).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Guests } from "./guests/build.ts";
import { jcoCanIsolate, startJcoServe } from "./support/jco.ts";
import { pinned, SERVER_CPU, start, stop, type Started } from "./support/process.ts";
import { ROOT, singleComponentManifest, startSpindle, writeManifest } from "./support/spindle.ts";
import { median } from "./support/stats.ts";
import { wrk, type WrkLoad } from "./support/wrk.ts";

export interface ThroughputRow {
  readonly name: string;
  /** Requests per second, median of the runs. */
  readonly rps: number;
  /** Latency percentiles in milliseconds, medians of the runs. */
  readonly p50: number;
  readonly p99: number;
  /** From process start to its ready line. */
  readonly startupMs: number;
  /** Set when it answered no request: its last output line naming an error, or empty. */
  readonly failure?: string;
}

export interface ThroughputResult {
  readonly connections: number;
  readonly duration: string;
  readonly runs: number;
  /** Whether the installed jco has `serve --isolate-requests`. */
  readonly jcoIsolates: boolean;
  readonly rows: readonly ThroughputRow[];
}

interface Target {
  readonly name: string;
  readonly start: () => Promise<Started & { url: string }>;
  readonly path: string;
  /** Start and stop once before measuring, so start-up is measured with a warm cache. */
  readonly warm?: boolean;
}

export interface ThroughputOptions extends WrkLoad {
  readonly runs: number;
  /** Scratch folder for the apps and jco's transpiled output. */
  readonly work: string;
}

function targets(guests: Guests, work: string, jcoIsolates: boolean): Target[] {
  const app = (name: string, source: string, executor = "") => {
    const dir = join(work, name);
    mkdirSync(dir, { recursive: true });
    writeManifest(dir, singleComponentManifest(source, executor));
    return dir;
  };
  const wagi = app("wagi", guests.jsonWagi, 'executor = { type = "wagi" }');
  const component = app("component", guests.jsComponent);
  const raw = app("raw-component", guests.rawJsComponent);
  const jco = (flags: string[]) => () => startJcoServe(guests.jsComponent, join(work, "jco"), flags);
  const baseline = pinned(SERVER_CPU, process.execPath, [join(ROOT, "bench/node-baseline.ts")]);
  return [
    {
      name: "node:http (baseline)",
      start: () => start(baseline, /^Serving (http:\/\/\S+)$/m).then(withUrl),
      path: "/json?x=1",
    },
    { name: "Spindle WAGI (C), fresh instance", start: () => startSpindle(wagi), path: "/json?x=1" },
    {
      // What the per-request deadline (a timer, and the watchdog's slot) costs: the same app without it.
      name: "Spindle WAGI (C), fresh instance, no deadline",
      start: () => startSpindle(wagi, ["--request-timeout", "0"]),
      path: "/json?x=1",
    },
    {
      name: "Spindle component (JS SDK), fresh instance",
      start: () => startSpindle(component),
      path: "/counter",
      warm: true,
    },
    {
      // The JS SDK's fetch-event guests cannot answer twice on one instance: Spindle notices on the
      // second request and serves every request on a fresh instance, so this row shows that fallback.
      name: "Spindle component (JS SDK), --instance-reuse 10000",
      start: () => startSpindle(component, ["--instance-reuse", "10000"]),
      path: "/counter",
    },
    { name: "jco serve (same component), one shared instance", start: jco([]), path: "/counter" },
    {
      name: "Spindle component (raw wasi:http JS), fresh instance",
      start: () => startSpindle(raw),
      path: "/",
    },
    {
      name: "Spindle component (raw wasi:http JS), --instance-reuse 10000",
      start: () => startSpindle(raw, ["--instance-reuse", "10000"]),
      path: "/",
    },
    ...(jcoIsolates
      ? [
          {
            name: "jco serve --isolate-requests instance",
            start: jco(["--isolate-requests", "instance"]),
            path: "/counter",
          },
        ]
      : []),
  ];
}

function withUrl(started: Started) {
  return { ...started, url: started.match[1] ?? "" };
}

async function measure(target: Target, options: ThroughputOptions): Promise<ThroughputRow> {
  if (target.warm === true) await stop((await target.start()).child);
  const { child, url, ms, output } = await target.start();
  try {
    const warmUp = wrk(`${url}${target.path}`, options); // lazy compilation and tier-up
    // A server that answered nothing while warming up is not run again: its row records the failure.
    const runs =
      warmUp.rps === 0
        ? [warmUp]
        : Array.from({ length: options.runs }, () => wrk(`${url}${target.path}`, options));
    const rps = median(runs.map((r) => r.rps));
    // What the server said about it, if anything: its last line naming an error or exception.
    const complaint =
      output()
        .split("\n")
        .findLast((line) => /error|exception/i.test(line)) ?? "";
    return {
      name: target.name,
      rps,
      ...(rps === 0 ? { failure: complaint.trim() } : {}),
      p50: median(runs.map((r) => r.p50)),
      p99: median(runs.map((r) => r.p99)),
      startupMs: ms,
    };
  } finally {
    await stop(child);
  }
}

export async function measureThroughput(
  guests: Guests,
  options: ThroughputOptions,
): Promise<ThroughputResult> {
  const jcoIsolates = jcoCanIsolate();
  const rows: ThroughputRow[] = [];
  for (const target of targets(guests, options.work, jcoIsolates)) rows.push(await measure(target, options));
  return {
    connections: options.connections,
    duration: options.duration,
    runs: options.runs,
    jcoIsolates,
    rows,
  };
}
