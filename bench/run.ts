/**
 * `npm run bench`: HTTP throughput and latency of Spindle against the peer a user would otherwise pick (a
 * plain node:http server doing the same JSON work), measured in the same run on the same machine, and
 * start-up time. The server is pinned to CPU 0 and wrk to CPU 1 where `taskset` exists. Each figure is the
 * median of several wrk runs, with p99 latency. Writes bench/results/results.{json,md} and throughput.svg.
 * Not part of `npm test`.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, copyFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { componentWasm, TEST_CACHE_HOME } from "../test/support/components.ts";
import { renderMarkdown, renderSvg, type Row } from "./report.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const RESULTS = join(ROOT, "bench/results");
const RUNS = Number(process.env["BENCH_RUNS"] ?? 3);
const DURATION = process.env["BENCH_DURATION"] ?? "5s";
const CONNECTIONS = 10;
const hasTaskset = commandExists("taskset");

interface Target {
  readonly name: string;
  readonly start: () => ChildProcess;
  readonly path: string;
  /** Start and stop once before measuring, so start-up is measured with a warm cache. */
  readonly warm?: boolean;
}

function commandExists(command: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function pinned(cpu: number, command: string, args: readonly string[]): [string, string[]] {
  return hasTaskset ? ["taskset", ["-c", String(cpu), command, ...args]] : [command, [...args]];
}

function spindleApp(dir: string, manifest: string, flags: readonly string[] = []): () => ChildProcess {
  writeFileSync(join(dir, "spin.toml"), manifest);
  const [command, args] = pinned(0, process.execPath, [
    join(ROOT, "bin/spindle.js"),
    "up",
    "--quiet",
    "--listen",
    "127.0.0.1:0",
    "-f",
    dir,
    ...flags,
  ]);
  // A cache shared across runs: start-up is measured warm (the one-off transpile of a component is not).
  const env = { ...process.env, XDG_CACHE_HOME: TEST_CACHE_HOME };
  return () => spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env });
}

function targets(work: string): Target[] {
  const wagi = join(work, "wagi");
  const component = join(work, "component");
  mkdirSync(wagi);
  mkdirSync(component);
  execFileSync("clang", [
    "--target=wasm32-wasi",
    "-O2",
    "-Wl,--strip-all",
    "-o",
    join(wagi, "json.wasm"),
    join(ROOT, "bench/guests/json.c"),
  ]);
  copyFileSync(componentWasm("http-probe"), join(component, "probe.wasm"));
  const app = (source: string, executor: string) =>
    `spin_manifest_version = 2\n[application]\nname = "bench"\n[[trigger.http]]\nroute = "/..."\ncomponent = "app"\n${executor}\n[component.app]\nsource = "${source}"\n`;
  const [nodeCommand, nodeArgs] = pinned(0, process.execPath, [join(ROOT, "bench/node-baseline.ts")]);
  return [
    {
      name: "node:http (baseline)",
      start: () => spawn(nodeCommand, nodeArgs, { stdio: ["ignore", "pipe", "pipe"] }),
      path: "/json?x=1",
    },
    {
      name: "Spindle WAGI (C), fresh instance",
      start: spindleApp(wagi, app("json.wasm", 'executor = { type = "wagi" }')),
      path: "/json?x=1",
    },
    {
      // What the per-request deadline (a timer, and the watchdog's slot) costs: the same app without it.
      name: "Spindle WAGI (C), fresh instance, no deadline",
      start: spindleApp(wagi, app("json.wasm", 'executor = { type = "wagi" }'), ["--request-timeout", "0"]),
      path: "/json?x=1",
    },
    {
      name: "Spindle component (JS SDK), fresh instance",
      start: spindleApp(component, app("probe.wasm", "")),
      path: "/counter",
      warm: true,
    },
  ];
}

async function serving(child: ChildProcess): Promise<{ url: string; startupMs: number }> {
  const started = performance.now();
  let out = "";
  return new Promise((resolve, reject) => {
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      const match = /^Serving (http:\/\/\S+)$/m.exec(out);
      if (match?.[1] !== undefined) resolve({ url: match[1], startupMs: performance.now() - started });
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

function wrk(url: string): { rps: number; p50: number; p99: number } {
  const [command, args] = pinned(1, "wrk", ["-t1", `-c${CONNECTIONS}`, `-d${DURATION}`, "--latency", url]);
  const text = execFileSync(command, args, { encoding: "utf8" });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1]);
  const latency = (p: string) => toMs(new RegExp(`^\\s+${p}%\\s+(\\S+)`, "m").exec(text)?.[1] ?? "NaN");
  if (/Non-2xx/.test(text)) throw new Error(`non-2xx responses from ${url}:\n${text}`);
  return { rps, p50: latency("50"), p99: latency("99") };
}

function toMs(value: string): number {
  const match = /^([\d.]+)(us|ms|s)$/.exec(value);
  if (match === null) return Number.NaN;
  const n = Number(match[1]);
  return match[2] === "us" ? n / 1000 : match[2] === "s" ? n * 1000 : n;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

async function measure(target: Target): Promise<Row> {
  if (target.warm === true) {
    const first = target.start();
    await serving(first).finally(() => first.kill("SIGTERM"));
  }
  const child = target.start();
  try {
    const { url, startupMs } = await serving(child);
    wrk(`${url}${target.path}`); // warm-up: lazy compilation and tier-up
    const runs = Array.from({ length: RUNS }, () => wrk(`${url}${target.path}`));
    return {
      name: target.name,
      rps: median(runs.map((r) => r.rps)),
      p50: median(runs.map((r) => r.p50)),
      p99: median(runs.map((r) => r.p99)),
      startupMs,
    };
  } finally {
    child.kill("SIGTERM");
  }
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "spindle-bench-"));
  try {
    const rows: Row[] = [];
    for (const target of targets(work)) rows.push(await measure(target));
    if (!existsSync(RESULTS)) mkdirSync(RESULTS, { recursive: true });
    const meta = {
      date: new Date().toISOString(),
      runs: RUNS,
      duration: DURATION,
      connections: CONNECTIONS,
      pinned: hasTaskset,
      node: process.version,
    };
    writeFileSync(join(RESULTS, "results.json"), `${JSON.stringify({ meta, rows }, null, 2)}\n`);
    writeFileSync(join(RESULTS, "results.md"), renderMarkdown(rows, meta));
    writeFileSync(join(RESULTS, "throughput.svg"), renderSvg(rows));
    process.stdout.write(renderMarkdown(rows, meta));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
