/**
 * A task's usage as the `Any` that Stats answers: a cgroups v1 `Metrics`, which containerd's CRI plugin
 * (1.6 and 1.7) decodes as it does v2 and turns into the kubelet's container CPU and memory figures —
 * `cpu.usage.total` for CPU, `memory.usage.usage` minus `total_inactive_file` for the working set — and
 * `ctr task metrics` prints. v1 rather than v2 because it carries CPU time in nanoseconds, as measured,
 * where v2 rounds it to microseconds.
 */
import type { ContainerUsage } from "../container/usage.ts";
import { encode, type MessageInit } from "../proto/codec.ts";
import { CGROUPS_V1_METRICS, CgroupsV1Metrics } from "../proto/cgroups.ts";
import type { Any } from "../proto/messages.ts";

/**
 * The limit a cgroup v1 without one reports. The shim sets no memory limit of its own, and the CRI plugin
 * counts anything above 2^62 as none rather than subtracting the working set from it.
 */
export const NO_MEMORY_LIMIT = 9_223_372_036_854_771_712n;

export function cgroupsV1Metrics(usage: ContainerUsage): MessageInit<typeof Any> {
  const { cpu, memoryBytes } = usage;
  return {
    typeUrl: CGROUPS_V1_METRICS,
    value: encode(CgroupsV1Metrics, {
      // No CPU stat at all when none is measured: the CRI plugin then reports no CPU, rather than zero.
      cpu: cpu && {
        usage: { total: cpu.userNanos + cpu.kernelNanos, user: cpu.userNanos, kernel: cpu.kernelNanos },
      },
      memory: {
        rss: memoryBytes,
        totalRss: memoryBytes,
        usage: { usage: memoryBytes, limit: NO_MEMORY_LIMIT },
      },
    }),
  };
}
