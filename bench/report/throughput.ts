/** The throughput table and chart: requests per second and latency, each server against the baseline. Pure. */
import type { ThroughputResult } from "../throughput.ts";
import { barChart, fixed, markdownTable, ratio } from "./chart.ts";
import type { Section } from "./section.ts";

export function renderThroughput(result: ThroughputResult): Section {
  const base = result.rows[0]?.rps ?? Number.NaN;
  const table = markdownTable(
    ["server", "req/s", "vs baseline", "p50 ms", "p99 ms", "start-up ms"],
    result.rows.map((r) => [
      r.name,
      fixed(r.rps, 0),
      ratio(r.rps, base),
      r.failure === undefined ? fixed(r.p50, 2) : "n/a",
      r.failure === undefined ? fixed(r.p99, 2) : "n/a",
      fixed(r.startupMs, 0),
    ]),
  );
  const jco = result.jcoIsolates
    ? "`jco serve` runs twice: as it comes (one instance for every request) and with `--isolate-requests instance`."
    : "This jco has no `serve --isolate-requests` flag, so `jco serve` runs only as it comes: one instance serves every request (state survives between requests), which is not what Spin or Spindle do.";
  const failed = result.rows.flatMap((r) =>
    r.failure === undefined
      ? []
      : [
          `${r.name} answered no request under this load${r.failure === "" ? "." : `; it said: \`${r.failure}\`.`}`,
        ],
  );
  const markdown = [
    "## Throughput",
    "",
    `wrk -t1 -c${result.connections} -d${result.duration}, median of ${result.runs} runs after a warm-up run. Start-up is from process start to the ready line; Spindle's with a warm component cache, jco's including its transpile (it has no cache).`,
    "",
    table,
    "",
    jco,
    "",
    ...failed.flatMap((line) => [line, ""]),
  ].join("\n");
  const svg = barChart({
    title: "Throughput (req/s, higher is better)",
    bars: result.rows.map((r) => ({ label: r.name, value: r.rps, text: `${fixed(r.rps, 0)} req/s` })),
  });
  return { id: "throughput", markdown, svg };
}
