/**
 * `node bench/density.ts`: memory of pods hosted by `containerd-shim-spindle-v2` under a real containerd,
 * for 1, 10 and 50 pods (`BENCH_DENSITY_PODS=1,10,50`), in the two ways the shim can host them: one shim
 * process per pod (each container its own sandbox), and one shim process for all of them (every container
 * in one sandbox, as the shim groups a pod's containers). Spindle has no separate long-lived runtime that
 * hosts the apps of many pods; the shared shim is the nearest thing, and the figure that says what one
 * more app costs inside a process. Each pod serves the same WAGI app and answers one request before
 * memory is read from `/proc/<pid>/smaps_rollup`: RSS (shared pages counted in every process) and PSS
 * (shared pages divided among the processes sharing them, the honest sum). Needs root and containerd, as
 * the shim tests do. Writes bench/results/density.{json,md}. Not part of `npm test` or `npm run bench`.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { greetManifest, makeApp } from "../test/support/apps.ts";
import { containerdUnavailable, startContainerd, type Containerd } from "../test/support/containerd.ts";
import { freePort } from "../test/support/ports.ts";
import { removeTasks, taskPids } from "./support/containerd.ts";
import { firstOk } from "./support/http.ts";
import { smapsRollup } from "./support/process.ts";

const RESULTS = fileURLToPath(new URL("results/", import.meta.url));
const PODS = (process.env["BENCH_DENSITY_PODS"] ?? "1,10,50").split(",").map(Number);
const MANIFEST = greetManifest("density", "hello");

type Mode = "shim per pod" | "one shim for all";

interface Row {
  readonly mode: Mode;
  readonly pods: number;
  readonly processes: number;
  readonly rssMiB: number;
  readonly pssMiB: number;
}

async function main(): Promise<void> {
  const why = containerdUnavailable();
  if (why !== undefined) throw new Error(`cannot measure density: ${why}`);
  const cleanups: (() => unknown)[] = [];
  const scope = { after: (cleanup: () => unknown) => cleanups.push(cleanup) };
  try {
    const containerd = await startContainerd(scope);
    const root = makeApp(scope, { manifest: MANIFEST, guests: { "greet.wasm": "greet-var" } });
    const rows: Row[] = [];
    for (const pods of PODS) {
      for (const mode of ["shim per pod", "one shim for all"] as const) {
        rows.push(await measure(containerd, root, mode, pods));
        console.log(format(rows.at(-1)!));
      }
    }
    mkdirSync(RESULTS, { recursive: true });
    const meta = { date: new Date().toISOString(), node: process.version };
    writeFileSync(join(RESULTS, "density.json"), `${JSON.stringify({ meta, rows }, null, 2)}\n`);
    writeFileSync(join(RESULTS, "density.md"), renderMarkdown(rows, meta.date));
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

async function measure(containerd: Containerd, root: string, mode: Mode, pods: number): Promise<Row> {
  const ids = Array.from(
    { length: pods },
    (_, i) => `${mode === "shim per pod" ? "own" : "shared"}-${pods}-${i}`,
  );
  const work = mkdtempSync(join(tmpdir(), "spindle-density-"));
  try {
    const ports: number[] = [];
    for (const id of ids) {
      const port = await freePort();
      ports.push(port);
      const sandbox = mode === "shim per pod" ? id : `density-${pods}`;
      const result = await containerd.ctr(
        ...["run", "-d", "--runtime", "io.containerd.spindle.v2", "--net-host"],
        ...["--env", `SPIN_HTTP_LISTEN_ADDR=127.0.0.1:${port}`, "--log-uri", `file://${join(work, id)}`],
        ...[`--annotation=io.kubernetes.cri.sandbox-id=${sandbox}`, "--rootfs", root, id, "/"],
      );
      if (result.code !== 0) throw new Error(`ctr run ${id} failed: ${result.stderr}`);
    }
    for (const [i, port] of ports.entries()) {
      const log = () => readFileSync(join(work, ids[i]!), "utf8");
      await firstOk(`http://127.0.0.1:${port}/?GREETING`, { intervalMs: 100, log });
    }
    const pids = new Set((await taskPids(containerd, ids)).values());
    const memory = [...pids].map((pid) => {
      const rollup = smapsRollup(pid);
      if (rollup === undefined) throw new Error(`shim process ${pid} exited while it was measured`);
      return rollup;
    });
    const sum = (key: "rss" | "pss") => memory.reduce((total, m) => total + m[key], 0) / 1024;
    return { mode, pods, processes: pids.size, rssMiB: sum("rss"), pssMiB: sum("pss") };
  } finally {
    await removeTasks(containerd, ids);
    rmSync(work, { recursive: true, force: true });
  }
}

function format(row: Row): string {
  const per = (mib: number) => (mib / row.pods).toFixed(1);
  return `${row.mode}, ${row.pods} pods: ${row.processes} processes, RSS ${row.rssMiB.toFixed(1)} MiB (${per(row.rssMiB)}/pod), PSS ${row.pssMiB.toFixed(1)} MiB (${per(row.pssMiB)}/pod)`;
}

function renderMarkdown(rows: readonly Row[], date: string): string {
  const lines = [
    `Measured ${date} on Node ${process.version}: pods of one WAGI app under containerd, each after one request.`,
    "",
    "| hosting | pods | shim processes | RSS MiB | RSS MiB / pod | PSS MiB | PSS MiB / pod |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map(
      (r) =>
        `| ${r.mode} | ${r.pods} | ${r.processes} | ${r.rssMiB.toFixed(1)} | ${(r.rssMiB / r.pods).toFixed(1)} | ${r.pssMiB.toFixed(1)} | ${(r.pssMiB / r.pods).toFixed(1)} |`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}

await main();
