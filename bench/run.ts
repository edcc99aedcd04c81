/**
 * `npm run bench`: runs each benchmark in turn against its peers, in the same run on the same machine, and
 * writes bench/results/: results.json, results.md (one table per benchmark) and one SVG chart per table.
 * Servers run on CPU 0 and load generators on CPU 1 where `taskset` exists. Not part of `npm test`.
 *
 * Environment: BENCH_RUNS (runs per figure, default 3), BENCH_DURATION (one wrk run, default 5s),
 * BENCH_COLD_RUNS (starts per app, default 5), BENCH_CONCURRENCY (memory, default 100,1000), BENCH_ONLY
 * (a comma-separated subset of throughput, instantiation, memory, cold-start, containerd-cold-start),
 * BENCH_CONTAINERD_RUNS (containers per runtime, default 20) and BENCH_RESULTS (where to write, default
 * bench/results).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { measureColdStart } from "./cold-start.ts";
import { measureContainerdColdStart } from "./containerd-cold-start.ts";
import { buildGuests, type Guests } from "./guests/build.ts";
import { measureInstantiation } from "./instantiation.ts";
import { measureMemory } from "./memory.ts";
import { renderColdStart } from "./report/cold-start.ts";
import { renderContainerdColdStart } from "./report/containerd-cold-start.ts";
import { renderInstantiation } from "./report/instantiation.ts";
import { renderMemory } from "./report/memory.ts";
import type { Section } from "./report/section.ts";
import { renderThroughput } from "./report/throughput.ts";
import { hasTaskset, stopAll } from "./support/process.ts";
import { ROOT } from "./support/spindle.ts";
import { measureThroughput } from "./throughput.ts";

const env = (name: string, fallback: string) => process.env[name] ?? fallback;
const RUNS = Number(env("BENCH_RUNS", "3"));
const RESULTS = env("BENCH_RESULTS", join(ROOT, "bench/results"));
const ONLY = process.env["BENCH_ONLY"]?.split(",");

interface Benchmark {
  readonly id: string;
  readonly run: (guests: Guests, work: string) => Promise<{ data: unknown; section: Section }>;
}

const benchmarks: Benchmark[] = [
  {
    id: "throughput",
    run: async (guests, work) => {
      const load = { connections: 10, duration: env("BENCH_DURATION", "5s") };
      const data = await measureThroughput(guests, { ...load, runs: RUNS, work });
      return { data, section: renderThroughput(data) };
    },
  },
  {
    id: "instantiation",
    run: async (guests) => {
      const data = await measureInstantiation(guests, { runs: RUNS, requests: 200 });
      return { data, section: renderInstantiation(data) };
    },
  },
  {
    id: "memory",
    run: async (guests, work) => {
      const concurrency = env("BENCH_CONCURRENCY", "100,1000").split(",").map(Number);
      const data = await measureMemory(guests, { runs: RUNS, work, concurrency });
      return { data, section: renderMemory(data) };
    },
  },
  {
    id: "cold-start",
    run: async () => {
      const data = await measureColdStart({ runs: Number(env("BENCH_COLD_RUNS", "5")) });
      return { data, section: renderColdStart(data) };
    },
  },
  {
    // Needs root, containerd and runc; without them its section says why it was skipped.
    id: "containerd-cold-start",
    run: async (guests) => {
      const data = await measureContainerdColdStart(guests, {
        runs: Number(env("BENCH_CONTAINERD_RUNS", "20")),
      });
      return { data, section: renderContainerdColdStart(data) };
    },
  },
];

/** The benchmarks BENCH_ONLY names (all without it); an id no benchmark has is an error, not an empty run. */
function selected(): Benchmark[] {
  if (ONLY === undefined) return benchmarks;
  const unknown = ONLY.filter((id) => !benchmarks.some((b) => b.id === id));
  if (unknown.length > 0) {
    throw new Error(
      `BENCH_ONLY names ${unknown.join(", ")}, which is no benchmark; the benchmarks are ${benchmarks.map((b) => b.id).join(", ")}`,
    );
  }
  return benchmarks.filter((b) => ONLY.includes(b.id));
}

async function main(): Promise<void> {
  const chosen = selected();
  const work = mkdtempSync(join(tmpdir(), "spindle-bench-"));
  const began = performance.now();
  try {
    const guests = buildGuests(work);
    const meta = { date: new Date().toISOString(), node: process.version, pinned: hasTaskset, runs: RUNS };
    const json: Record<string, unknown> = { meta };
    const sections: Section[] = [];
    for (const benchmark of chosen) {
      process.stderr.write(`bench: ${benchmark.id}…\n`);
      const { data, section } = await benchmark.run(guests, work);
      json[benchmark.id] = data;
      sections.push(section);
    }
    const header = `Measured ${meta.date} on Node ${meta.node}${meta.pinned ? "; servers on CPU 0, load generators on CPU 1" : ""}.`;
    const markdown = [header, ...sections.map((s) => `${s.markdown}\n![${s.id}](${s.id}.svg)\n`)].join(
      "\n\n",
    );
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(join(RESULTS, "results.json"), `${JSON.stringify(json, null, 2)}\n`);
    writeFileSync(join(RESULTS, "results.md"), markdown);
    for (const section of sections) writeFileSync(join(RESULTS, `${section.id}.svg`), section.svg);
    process.stdout.write(markdown);
    process.stderr.write(`bench: done in ${((performance.now() - began) / 1000).toFixed(0)} s\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

process.once("SIGINT", () => {
  stopAll();
  process.exit(130);
});
await main();
