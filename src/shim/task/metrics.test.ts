import { test } from "node:test";
import assert from "node:assert/strict";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { NO_MEMORY_LIMIT, cgroupsV1Metrics } from "./metrics.ts";

/** Any message as field number → value, nested messages as trees: read with no schema at all. */
type Tree = Map<number, bigint | Tree>;
function tree(bytes: Uint8Array): Tree {
  const reader = new BinaryReader(bytes);
  const out: Tree = new Map();
  while (reader.pos < bytes.length) {
    const [no, wireType] = reader.tag();
    if (wireType === WireType.Varint) out.set(no, BigInt(reader.uint64()));
    else if (wireType === WireType.LengthDelimited) out.set(no, tree(reader.bytes()));
    else assert.fail(`field ${no} has wire type ${wireType}`);
  }
  return out;
}

test("usage is written at the field numbers of containerd/cgroups stats/v1/metrics.proto", () => {
  const any = cgroupsV1Metrics({
    cpu: { userNanos: 7_000n, kernelNanos: 5_000n },
    memoryBytes: 40_960n,
  });
  assert.equal(any.typeUrl, "io.containerd.cgroups.v1.Metrics");
  const metrics = tree(any.value!);
  // Metrics.cpu = 3 → CPUStat.usage = 1 → CPUUsage { total = 1, kernel = 2, user = 3 }
  const cpuUsage = new Map([
    [1, 12_000n],
    [2, 5_000n],
    [3, 7_000n],
  ]);
  // Metrics.memory = 4 → MemoryStat { rss = 2, total_rss = 19, usage = 33 → MemoryEntry { limit = 1, usage = 2 } }
  const memory = new Map<number, bigint | Tree>([
    [2, 40_960n],
    [19, 40_960n],
    [
      33,
      new Map([
        [1, NO_MEMORY_LIMIT],
        [2, 40_960n],
      ]),
    ],
  ]);
  assert.deepEqual(
    metrics,
    new Map<number, Tree>([
      [3, new Map([[1, cpuUsage]])],
      [4, memory],
    ]),
  );
});

test("with no CPU time measured there is no CPU stat, and memory is there even when it is zero", () => {
  const metrics = tree(cgroupsV1Metrics({ cpu: undefined, memoryBytes: 0n }).value!);
  assert.deepEqual([...metrics.keys()], [4]);
  assert.deepEqual(metrics.get(4), new Map([[33, new Map([[1, NO_MEMORY_LIMIT]])]]));
});
