/**
 * What a container uses right now, CPU time and memory, measured the way its kind allows: a process of its
 * own (a pod's sandbox) from `/proc/<pid>`, the shim's own process for the one pod a per-pod shim serves,
 * and for an app in the node's shim only the linear memory its Wasm instances hold. Cheap: one read of a
 * few counters per Stats call.
 */
import { readFileSync } from "node:fs";
import { procStatFields } from "./proc-stat.ts";

/** CPU time, in nanoseconds. */
export interface CpuTime {
  readonly userNanos: bigint;
  readonly kernelNanos: bigint;
}

export interface ContainerUsage {
  /** Absent when no CPU time can be told apart as the container's own. */
  readonly cpu: CpuTime | undefined;
  readonly memoryBytes: bigint;
}

/** This process: its CPU time since it started and its resident memory. */
export function ownProcessUsage(): ContainerUsage {
  const { user, system } = process.cpuUsage();
  return {
    cpu: { userNanos: BigInt(user) * 1000n, kernelNanos: BigInt(system) * 1000n },
    memoryBytes: BigInt(process.memoryUsage.rss()),
  };
}

/**
 * /proc counts CPU time in USER_HZ ticks, which the kernel fixes at 100 a second for user space on every
 * architecture Kubernetes nodes run (x86-64, arm64, ppc64le, s390x).
 */
const NANOS_PER_TICK = 10_000_000n;

/** Process `pid`'s CPU time and resident memory; undefined once it is gone. */
export function processUsage(pid: number): ContainerUsage | undefined {
  const fields = procStatFields(pid);
  if (fields === undefined) return undefined;
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  // Fields 14 and 15: utime and stime.
  const ticks = (index: number) => BigInt(fields[index] ?? "0");
  const rssKib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? "0";
  return {
    cpu: { userNanos: ticks(11) * NANOS_PER_TICK, kernelNanos: ticks(12) * NANOS_PER_TICK },
    memoryBytes: BigInt(rssKib) * 1024n,
  };
}
