/**
 * The part of cgroups v1 `Metrics` (package `io.containerd.cgroups.v1`, containerd/cgroups
 * `stats/v1/metrics.proto`) that the shim's Stats fills in, as codec schemas (see `codec.ts`): CPU time and
 * memory. Field numbers are the wire contract; the fields left out (hugetlb, pids, blkio, rdma, network, the
 * other memory counters) decode as absent, which containerd's CRI plugin and `ctr` read as zero.
 */
import type { Schema } from "./codec.ts";

const schema = <S extends Schema>(s: S): S => s;

/** The `Any` type URL containerd 1.6 and 1.7 register this message under. */
export const CGROUPS_V1_METRICS = "io.containerd.cgroups.v1.Metrics";

/** Nanoseconds. */
const CpuUsage = schema({ total: [1, "uint64"], kernel: [2, "uint64"], user: [3, "uint64"] });
const CpuStat = schema({ usage: [1, { message: CpuUsage }] });
const MemoryEntry = schema({ limit: [1, "uint64"], usage: [2, "uint64"] });
const MemoryStat = schema({
  rss: [2, "uint64"],
  totalRss: [19, "uint64"],
  totalInactiveFile: [30, "uint64"],
  usage: [33, { message: MemoryEntry }],
});
export const CgroupsV1Metrics = schema({
  cpu: [3, { message: CpuStat }],
  memory: [4, { message: MemoryStat }],
});
