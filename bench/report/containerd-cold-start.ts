/**
 * The containerd cold-start table and chart: the Spindle shim, per pod and per node, against node:http in
 * a runc container, with the ratios against the targets (50× faster, 10× less memory), or a note
 * saying why the table was skipped. Pure.
 */
import { PATH, type ContainerdColdStartResult } from "../containerd-cold-start.ts";
import { barChart, fixed, markdownTable } from "./chart.ts";
import type { Section } from "./section.ts";

const ID = "containerd-cold-start";
const TITLE = "## Cold start under containerd";

export function renderContainerdColdStart(result: ContainerdColdStartResult): Section {
  if (result.skipped !== undefined) {
    const markdown = `${TITLE}\n\nSkipped (it needs root, containerd and runc): ${result.skipped}.\n`;
    return { id: ID, markdown, svg: barChart({ title: "Skipped", bars: [] }) };
  }
  const table = markdownTable(
    [
      "runtime",
      "workload",
      "p50 ms",
      "p99 ms",
      "root fs KiB",
      "RSS MiB",
      "PSS MiB",
      "RSS MiB with runc shim",
    ],
    result.rows.map((r) => [
      r.name,
      r.workload,
      fixed(r.p50Ms, 0),
      fixed(r.p99Ms, 0),
      fixed(r.rootfsKiB, 0),
      fixed(r.rssMiB, 1),
      fixed(r.pssMiB, 1),
      fixed(r.rssWithShimMiB, 1),
    ]),
  );
  const markdown = [
    TITLE,
    "",
    `\`ctr run -d\` to the first HTTP 200 on \`${PATH}\`, p50/p99 of ${result.runs} containers of each after one unmeasured one; both with \`--net-host\` and \`--rootfs\`. Memory of the running instance, median over the runs, read right after its first 200 (RSS counts shared pages in every process; PSS divides them): the shim process for a shim per pod; for the node's long-lived shim (\`SPINDLE_SHIM_SHARING=node\`, started by the unmeasured run) what the container added to it; the container's processes for runc.`,
    "",
    table,
    "",
    ...verdict(result),
  ].join("\n");
  const svg = barChart({
    title: "Cold start under containerd to first 200 (ms, p50, lower is better)",
    bars: result.rows.map((r) => ({ label: r.name, value: r.p50Ms, text: `${fixed(r.p50Ms, 0)} ms` })),
  });
  return { id: ID, markdown, svg };
}

/** Each Spindle row against the container, with the targets; says "slower"/"more" when Spindle loses. */
function verdict(result: ContainerdColdStartResult): string[] {
  const runc = result.rows.at(-1);
  if (runc === undefined) return [];
  const times = (container: number, wasm: number, better: string, worse: string) =>
    wasm === 0
      ? "unmeasurably less (no growth)"
      : container >= wasm
        ? `${fixed(container / wasm, 2)}× ${better}`
        : `${fixed(wasm / container, 2)}× ${worse}`;
  return result.rows
    .slice(0, -1)
    .flatMap((spindle) => [
      `${spindle.name} against the runc container: cold start ${times(runc.p50Ms, spindle.p50Ms, "faster", "slower")} at p50 (target: 50× faster) and ${times(runc.p99Ms, spindle.p99Ms, "faster", "slower")} at p99; memory per instance ${times(runc.rssMiB, spindle.rssMiB, "less", "more")} RSS and ${times(runc.pssMiB, spindle.pssMiB, "less", "more")} PSS (target: 10× less), or ${times(runc.rssWithShimMiB, spindle.rssMiB, "less", "more")} RSS counting the runc shim.`,
      "",
    ]);
}
