/** The instantiation table and chart: Spindle's executors against a raw `new WebAssembly.Instance`. Pure. */
import type { InstantiationResult } from "../instantiation.ts";
import { barChart, fixed, markdownTable, ratio } from "./chart.ts";
import type { Section } from "./section.ts";

export function renderInstantiation(result: InstantiationResult): Section {
  const table = markdownTable(
    [
      "guest",
      "Spindle p50 µs",
      "Spindle p99 µs",
      "raw p50 µs",
      "raw p99 µs",
      "p50 vs raw",
      "instances per request",
    ],
    result.rows.map((r) => [
      r.guest,
      fixed(r.spindle.p50, 0),
      fixed(r.spindle.p99, 0),
      fixed(r.raw.p50, 0),
      fixed(r.raw.p99, 0),
      ratio(r.spindle.p50, r.raw.p50),
      fixed(r.perRequest, 2),
    ]),
  );
  const markdown = [
    "## Per-request instantiation",
    "",
    `In process, through the executors' library API (\`createWagiHandler\`, \`createComponentHandler\`), ${result.requests} requests one at a time with a turn of the event loop between them, after 10 warm-up requests; the time is what the executor's \`onInstantiated\` reports. "Raw" is \`new WebAssembly.Instance\` of the same guest's core module (for a component, its largest one) with no-op imports. Each figure is the median over ${result.runs} runs of that run's p50 or p99.`,
    "",
    table,
    "",
  ].join("\n");
  const svg = barChart({
    title: "Instantiation p50 (µs, lower is better)",
    bars: result.rows.flatMap((r) => [
      { label: `${r.guest}, Spindle`, value: r.spindle.p50, text: `${fixed(r.spindle.p50, 0)} µs` },
      { label: `${r.guest}, raw`, value: r.raw.p50, text: `${fixed(r.raw.p50, 0)} µs` },
    ]),
  });
  return { id: "instantiation", markdown, svg };
}
