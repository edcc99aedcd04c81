/** The memory table and chart: resident memory per live instance, against the targets. Pure. */
import type { MemoryResult } from "../memory.ts";
import { barChart, fixed, markdownTable } from "./chart.ts";
import type { Section } from "./section.ts";

export function renderMemory(result: MemoryResult): Section {
  const base = (n: number) => result.rows.find((r) => r.targetMb === undefined && r.concurrent === n);
  const table = markdownTable(
    [
      "server",
      "requests sent",
      "in flight",
      "RSS before MB",
      "RSS then MB",
      "MB per live instance",
      "vs baseline",
      "target MB",
    ],
    result.rows.map((r) => [
      r.server,
      String(r.concurrent),
      r.crashed ? `${r.inFlight} (crashed)` : String(r.inFlight),
      fixed(r.baselineMb, 0),
      fixed(r.loadedMb, 0),
      fixed(r.perInstanceMb, 3),
      `${fixed(r.perInstanceMb / (base(r.concurrent)?.perInstanceMb ?? Number.NaN), 0)}×`,
      r.targetMb === undefined ? "" : `≤ ${r.targetMb}`,
    ]),
  );
  const markdown = [
    "## Memory per live instance",
    "",
    `Each run starts a fresh server, warms it with 10 quick requests, takes its resident memory (RSS), then sends all requests at once to a handler that answers after ${result.delayMs / 1000} s, and takes RSS again once they are all in flight (Spindle's \`spindle_instances_in_flight\` gauge; for the JS component, whose responses start at once, the responses begun), or after 12 s with as many as made it. MB per live instance is the difference divided by the requests in flight; median of ${result.runs} runs. The admission limits are lifted (\`--max-concurrent-requests 0\`). The small component is a few KB of WebAssembly text that waits on a monotonic-clock pollable; the JS component is the Spin JS SDK probe, waiting in \`setTimeout\` between two body chunks. The baseline is node:http holding a pending request. WAGI is not measured: a WAGI guest runs to completion on the server's thread, so at most one instance is ever live.`,
    "",
    table,
    "",
  ].join("\n");
  const svg = barChart({
    title: "Resident memory per live instance (MB, lower is better)",
    bars: result.rows.map((r) => ({
      label: `${r.server}, ${r.concurrent} in flight`,
      value: r.perInstanceMb,
      text: `${fixed(r.perInstanceMb, 3)} MB`,
    })),
  });
  return { id: "memory", markdown, svg };
}
