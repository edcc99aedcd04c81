/** The cold-start table and chart: each example app against the node:http baseline. Pure. */
import type { ColdStartResult } from "../cold-start.ts";
import { barChart, fixed, markdownTable, ratio } from "./chart.ts";
import type { Section } from "./section.ts";

export function renderColdStart(result: ColdStartResult): Section {
  const base = result.rows[0]?.p50 ?? Number.NaN;
  const table = markdownTable(
    ["app", "p50 ms", "p99 ms", "p50 vs baseline", "target ms"],
    result.rows.map((r) => [
      r.app,
      fixed(r.p50, 0),
      fixed(r.p99, 0),
      ratio(r.p50, base),
      r.targetMs === undefined ? "" : `≤ ${r.targetMs}`,
    ]),
  );
  const markdown = [
    "## App cold start",
    "",
    `From spawning the server to the first HTTP 200, the request sent as soon as it prints \`Serving\`. Each example is built with \`spindle build\` first and started once unmeasured, so the component cache is warm; median and p99 of ${result.runs} starts. notes-ts keeps its SQLite files in a scratch \`--state-dir\`.`,
    "",
    table,
    "",
  ].join("\n");
  const svg = barChart({
    title: "Cold start to first 200 (ms, p50, lower is better)",
    bars: result.rows.map((r) => ({ label: r.app, value: r.p50, text: `${fixed(r.p50, 0)} ms` })),
  });
  return { id: "cold-start", markdown, svg };
}
