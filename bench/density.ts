/**
 * `node bench/density.ts`: memory of pods hosted by `containerd-shim-spindle-v2` under a real containerd,
 * for 1, 10 and 50 pods (`BENCH_DENSITY_PODS=1,10,50`), in the two ways the shim can host them
 * (`SPINDLE_SHIM_SHARING`): one shim process per pod, and one long-lived shim process for every pod of the
 * node. Each pod is made as the CRI plugin makes one (test/support/pods.ts): its own network namespace, a
 * sandbox process holding it, and one app container serving the same WAGI app on port 80 inside it, which
 * answers one request before memory is read from `/proc/<pid>/smaps_rollup` of every process the pods
 * cost — shims and sandboxes: RSS (shared pages counted in every process) and PSS (shared pages divided
 * among the processes sharing them, the honest sum). Needs root, containerd and `ip netns`, as the shim
 * tests do. Writes bench/results/density.{json,md}. Not part of `npm test` or `npm run bench`.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { greetManifest, makeApp } from "../test/support/apps.ts";
import { startContainerd, type Containerd } from "../test/support/containerd.ts";
import {
  fetchIn,
  pauseRoot,
  podNetwork,
  podsUnavailable,
  runPod,
  type RunningPod,
} from "../test/support/pods.ts";
import { removeTasks, taskPids } from "./support/containerd.ts";
import { firstOk } from "./support/http.ts";
import { smapsRollup } from "./support/process.ts";

const RESULTS = fileURLToPath(new URL("results/", import.meta.url));
const PODS = (process.env["BENCH_DENSITY_PODS"] ?? "1,10,50").split(",").map(Number);
const MANIFEST = greetManifest("density", "hello");

const MODES = { "shim per pod": "pod", "one shim per node": "node" } as const;
type Mode = keyof typeof MODES;

interface Row {
  readonly mode: Mode;
  readonly pods: number;
  readonly shims: number;
  /** Every process the pods cost: shims and sandboxes. */
  readonly rssMiB: number;
  readonly pssMiB: number;
  /** The sandboxes' share of `rssMiB`. */
  readonly sandboxRssMiB: number;
}

type Scope = { after(cleanup: () => unknown): void };

async function main(): Promise<void> {
  const why = podsUnavailable();
  if (why !== undefined) throw new Error(`cannot measure density: ${why}`);
  const cleanups: (() => unknown)[] = [];
  const scope: Scope = { after: (cleanup) => cleanups.push(cleanup) };
  try {
    const app = makeApp(scope, { manifest: MANIFEST, guests: { "greet.wasm": "greet-var" } });
    const pause = pauseRoot(scope);
    const rows: Row[] = [];
    for (const mode of Object.keys(MODES) as Mode[]) {
      const containerd = await startContainerd(scope, { SPINDLE_SHIM_SHARING: MODES[mode] });
      for (const pods of PODS) {
        rows.push(await measure(containerd, { app, pause }, mode, pods));
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

async function measure(
  containerd: Containerd,
  roots: { app: string; pause: string },
  mode: Mode,
  pods: number,
): Promise<Row> {
  const cleanups: (() => unknown)[] = [];
  const scope: Scope = { after: (cleanup) => cleanups.push(cleanup) };
  const work = mkdtempSync(join(tmpdir(), "spindle-density-"));
  const names = Array.from({ length: pods }, (_, i) => `${MODES[mode]}-${pods}-${i}`);
  const running: RunningPod[] = [];
  try {
    for (const pod of names) {
      const network = podNetwork(scope, `spindle-density-${process.pid}-${pod}`);
      const appFlags = ["--log-uri", `file://${join(work, pod)}`];
      running.push(
        await runPod(containerd, { pod, network, pauseRoot: roots.pause, appRoot: roots.app, appFlags }),
      );
    }
    for (const pod of names) await answered(`spindle-density-${process.pid}-${pod}`, join(work, pod));
    const shims = new Set(
      (
        await taskPids(
          containerd,
          running.map((p) => p.appId),
        )
      ).values(),
    );
    const measured = (pids: Iterable<number>) =>
      [...pids].map((pid) => {
        const rollup = smapsRollup(pid);
        if (rollup === undefined) throw new Error(`process ${pid} exited while it was measured`);
        return rollup;
      });
    const shimMemory = measured(shims);
    const sandboxMemory = measured(running.map((p) => p.sandboxPid));
    const sum = (memory: { rss: number; pss: number }[], key: "rss" | "pss") =>
      memory.reduce((total, m) => total + m[key], 0) / 1024;
    const all = [...shimMemory, ...sandboxMemory];
    return {
      mode,
      pods,
      shims: shims.size,
      rssMiB: sum(all, "rss"),
      pssMiB: sum(all, "pss"),
      sandboxRssMiB: sum(sandboxMemory, "rss"),
    };
  } finally {
    await removeTasks(containerd, [...running.map((p) => p.appId), ...names]);
    for (const cleanup of cleanups.reverse()) await cleanup();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Waits for the pod's app to answer inside its namespace, for up to 60 s. */
function answered(network: string, log: string): Promise<void> {
  const url = "http://127.0.0.1:80/?GREETING";
  return firstOk(`${url} in ${network}`, {
    intervalMs: 100,
    log: () => readFileSync(log, "utf8"),
    probe: () => fetchIn(network, url).then((response) => response.status),
  });
}

function format(row: Row): string {
  const per = (mib: number) => (mib / row.pods).toFixed(1);
  return `${row.mode}, ${row.pods} pods: ${row.shims} shims, RSS ${row.rssMiB.toFixed(1)} MiB (${per(row.rssMiB)}/pod, sandboxes ${row.sandboxRssMiB.toFixed(1)}), PSS ${row.pssMiB.toFixed(1)} MiB (${per(row.pssMiB)}/pod)`;
}

function renderMarkdown(rows: readonly Row[], date: string): string {
  const lines = [
    `Measured ${date} on Node ${process.version}: pods of one WAGI app under containerd, each in its own network namespace with its sandbox process, after one request. Memory is that of every shim and sandbox process.`,
    "",
    "| hosting | pods | shim processes | RSS MiB | of which sandboxes | RSS MiB / pod | PSS MiB | PSS MiB / pod |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map(
      (r) =>
        `| ${r.mode} | ${r.pods} | ${r.shims} | ${r.rssMiB.toFixed(1)} | ${r.sandboxRssMiB.toFixed(1)} | ${(r.rssMiB / r.pods).toFixed(1)} | ${r.pssMiB.toFixed(1)} | ${(r.pssMiB / r.pods).toFixed(1)} |`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}

await main();
