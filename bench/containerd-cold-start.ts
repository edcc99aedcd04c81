/**
 * Cold start under a real containerd: from `ctr run -d` to the first HTTP 200, for the same JSON handler
 * run three ways — a WAGI guest (bench/guests/json.c) through `containerd-shim-spindle-v2` with a shim
 * per pod, the same with one long-lived shim for the node (`SPINDLE_SHIM_SHARING=node`, under a second
 * containerd started so), and a plain node:http server (bench/node-baseline.ts) in a runc container whose
 * root filesystem holds the pinned node binary and its shared libraries. All use the host network and a
 * root filesystem given with `--rootfs`, so none pays for image unpacking. After the first 200 of each
 * run, the memory of the running instance is read from `/proc/<pid>/smaps_rollup` (RSS, and PSS, which
 * divides shared pages among the processes sharing them): for a shim per pod the shim process tree; for
 * the node's shim what the container added to it since just before `ctr run`; for runc the container's
 * processes, and those plus their containerd-shim-runc-v2. p50/p99 over `runs` containers of each. Needs
 * root, containerd and runc; otherwise the result says why it was skipped.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { containerdUnavailable, startContainerd, type Containerd } from "../test/support/containerd.ts";
import { freePort } from "../test/support/ports.ts";
import type { Guests } from "./guests/build.ts";
import { removeTasks, taskPids } from "./support/containerd.ts";
import { firstOk } from "./support/http.ts";
import { smapsRollup } from "./support/process.ts";
import { ROOT, singleComponentManifest, writeManifest } from "./support/spindle.ts";
import { median, percentile } from "./support/stats.ts";

export const PATH = "/json?x=1";

interface Contender {
  readonly name: string;
  readonly workload: string;
  readonly rootfs: string;
  readonly runtime: string;
  /** A Spindle shim for every pod of the node, long-lived: its memory is counted as what a pod adds. */
  readonly nodeShim?: boolean;
  /** The container's command and environment for a server on `port`. */
  readonly command: (port: number) => { args: string[]; env: string[] };
}

interface Sample {
  readonly ms: number;
  readonly memory: Memory;
  /** The task's pid: the shim's for Spindle. */
  readonly pid: number;
}

interface Memory {
  /** KiB, summed over the instance's processes. */
  readonly rss: number;
  readonly pss: number;
  /** Including the runc shim, for runc; the same as rss/pss for Spindle, whose shim is the instance. */
  readonly rssWithShim: number;
  readonly pssWithShim: number;
  readonly processes: number;
}

export interface ContainerdColdStartRow {
  readonly name: string;
  readonly workload: string;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly rootfsKiB: number;
  readonly rssMiB: number;
  readonly pssMiB: number;
  readonly rssWithShimMiB: number;
  readonly pssWithShimMiB: number;
  readonly processes: number;
}

export interface ContainerdColdStartResult {
  readonly runs: number;
  /** Why the table was not measured, when it was not. */
  readonly skipped?: string;
  readonly rows: readonly ContainerdColdStartRow[];
}

/** Why the cold-start table cannot be measured here, or `undefined` when it can. */
export function containerdColdStartUnavailable(): string | undefined {
  const why = containerdUnavailable();
  if (why !== undefined) return why;
  const found = (process.env["PATH"] ?? "").split(delimiter).some((dir) => existsSync(join(dir, "runc")));
  return found ? undefined : "runc is not installed (the container baseline needs it)";
}

/** Measures both contenders under one containerd started for the purpose, and stops it. */
export async function measureContainerdColdStart(
  guests: Guests,
  options: { runs: number },
): Promise<ContainerdColdStartResult> {
  const { runs } = options;
  const skipped = containerdColdStartUnavailable();
  if (skipped !== undefined) return { runs, skipped, rows: [] };
  const cleanups: (() => unknown)[] = [];
  const scope = { after: (cleanup: () => unknown) => cleanups.push(cleanup) };
  try {
    const work = await mkdtemp(join(tmpdir(), "spindle-coldstart-"));
    scope.after(() => rm(work, { recursive: true, force: true }));
    const containerd = await startContainerd(scope);
    const nodeContainerd = await startContainerd(scope, { SPINDLE_SHIM_SHARING: "node" });
    const spindle = spindleContender(guests, work);
    const nodeShim: Contender = { ...spindle, name: "Spindle shim per node (Wasm)", nodeShim: true };
    return {
      runs,
      rows: [
        await measure(containerd, spindle, work, runs),
        await measure(nodeContainerd, nodeShim, work, runs),
        await measure(containerd, runcContender(work), work, runs),
      ],
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

function spindleContender(guests: Guests, work: string): Contender {
  const rootfs = join(work, "spindle-root");
  mkdirSync(rootfs);
  copyFileSync(guests.jsonWagi, join(rootfs, "json.wasm"));
  writeManifest(rootfs, singleComponentManifest("json.wasm", 'executor = { type = "wagi" }'));
  return {
    name: "Spindle shim (Wasm)",
    workload: "WAGI JSON handler (C)",
    rootfs,
    runtime: "io.containerd.spindle.v2",
    command: (port) => ({ args: ["/"], env: [`SPIN_HTTP_LISTEN_ADDR=127.0.0.1:${port}`] }),
  };
}

/** A root filesystem with the pinned node, the shared libraries `ldd` names, and the baseline server. */
function runcContender(work: string): Contender {
  const rootfs = join(work, "runc-root");
  const node = join(ROOT, "node_modules/node/bin/node");
  const libraries = execFileSync("ldd", [node], { encoding: "utf8" })
    .split("\n")
    .map((line) => /(\/\S+) \(0x/.exec(line)?.[1])
    .filter((path): path is string => path !== undefined);
  for (const file of [node, ...libraries]) {
    const target = join(rootfs, file === node ? "/bin/node" : file);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(file, target);
  }
  copyFileSync(join(ROOT, "bench/node-baseline.ts"), join(rootfs, "server.mts"));
  mkdirSync(join(rootfs, "tmp"));
  return {
    name: "runc container (node:http)",
    workload: "node:http JSON handler",
    rootfs,
    runtime: "io.containerd.runc.v2",
    command: (port) => ({ args: ["/bin/node", "/server.mts"], env: [`PORT=${port}`] }),
  };
}

async function measure(
  containerd: Containerd,
  contender: Contender,
  work: string,
  runs: number,
): Promise<ContainerdColdStartRow> {
  // The first run pays for page cache and compile cache, and starts the node's shim.
  const warm = await sample(containerd, contender, work, { name: "warm" });
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    const nodeShimPid = samples.at(-1)?.pid ?? warm.pid;
    samples.push(await sample(containerd, contender, work, { name: `run-${i}`, nodeShimPid }));
  }
  const times = samples.map((s) => s.ms);
  const mib = (key: Exclude<keyof Memory, "processes">) => median(samples.map((s) => s.memory[key])) / 1024;
  return {
    name: contender.name,
    workload: contender.workload,
    p50Ms: percentile(times, 50),
    p99Ms: percentile(times, 99),
    rootfsKiB: duBytes(contender.rootfs) / 1024,
    rssMiB: mib("rss"),
    pssMiB: mib("pss"),
    rssWithShimMiB: mib("rssWithShim"),
    pssWithShimMiB: mib("pssWithShim"),
    processes: median(samples.map((s) => s.memory.processes)),
  };
}

async function sample(
  containerd: Containerd,
  contender: Contender,
  work: string,
  run: { readonly name: string; readonly nodeShimPid?: number | undefined },
): Promise<Sample> {
  const { nodeShimPid } = run;
  const id = `${contender.runtime.split(".")[2]}${contender.nodeShim === true ? "-node" : ""}-${run.name}`;
  const port = await freePort();
  const { args, env } = contender.command(port);
  const log = join(work, `${id}.log`);
  // The node's shim outlives each container by its idle time: the previous run's task pid is still it.
  const before =
    contender.nodeShim === true && nodeShimPid !== undefined
      ? instanceMemory(nodeShimPid, contender.runtime)
      : undefined;
  const started = performance.now();
  const result = await containerd.ctr(
    ...["run", "-d", "--runtime", contender.runtime, "--net-host", "--log-uri", `file://${log}`],
    ...env.flatMap((e) => ["--env", e]),
    ...["--rootfs", contender.rootfs, id, ...args],
  );
  try {
    if (result.code !== 0) throw new Error(`ctr run ${id} failed: ${result.stderr}`);
    await firstOk(`http://127.0.0.1:${port}${PATH}`, { intervalMs: 2, log: () => readFileSync(log, "utf8") });
    const ms = performance.now() - started;
    const pid = (await taskPids(containerd, [id])).get(id);
    if (pid === undefined) throw new Error(`ctr task ls does not list ${id}`);
    const memory = instanceMemory(pid, contender.runtime);
    return { ms, pid, memory: before === undefined ? memory : added(memory, before) };
  } finally {
    await removeTasks(containerd, [id]);
  }
}

/** What a container added to the node's shim: the growth of its RSS and PSS, never below zero. */
function added(after: Memory, before: Memory): Memory {
  const growth = (key: "rss" | "pss") => Math.max(0, after[key] - before[key]);
  return {
    rss: growth("rss"),
    pss: growth("pss"),
    rssWithShim: growth("rss"),
    pssWithShim: growth("pss"),
    processes: 0,
  };
}

/**
 * The task's pid is the shim itself for Spindle and the container's first process for runc, whose parent
 * is containerd-shim-runc-v2.
 */
function instanceMemory(pid: number, runtime: string): Memory {
  const tree = (root: number) => [root, ...descendants(root)];
  const sum = (pids: readonly number[]) => {
    // A short-lived helper (containerd's event publisher) may have gone meanwhile: it counts as nothing.
    const rollups = pids.map((pid) => smapsRollup(pid) ?? { rss: 0, pss: 0 });
    return {
      rss: rollups.reduce((total, m) => total + m.rss, 0),
      pss: rollups.reduce((total, m) => total + m.pss, 0),
    };
  };
  const own = sum(tree(pid));
  if (runtime === "io.containerd.spindle.v2") {
    return { ...own, rssWithShim: own.rss, pssWithShim: own.pss, processes: tree(pid).length };
  }
  const withShim = sum(tree(parentOf(pid)));
  return { ...own, rssWithShim: withShim.rss, pssWithShim: withShim.pss, processes: tree(pid).length };
}

function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
}

function descendants(pid: number): number[] {
  const children = readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((candidate) => {
      try {
        return parentOf(candidate) === pid;
      } catch {
        return false; // exited while we looked
      }
    });
  return children.flatMap((child) => [child, ...descendants(child)]);
}

function duBytes(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((total, entry) => total + duBytes(join(path, entry)), 0);
}
