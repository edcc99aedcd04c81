/**
 * The protobuf messages the shim exchanges, as codec schemas (see `codec.ts`), transcribed field by field
 * from containerd 1.6's `.proto` files: ttrpc's envelope (`github.com/containerd/ttrpc/request.proto`),
 * the task service (`runtime/v2/task/shim.proto`), the task events (`api/events/task.proto`) and the
 * well-known types they use. Field numbers are the wire contract; names follow the `.proto` in camelCase.
 */
import type { Message, Schema } from "./codec.ts";

const schema = <S extends Schema>(s: S): S => s;

export const Timestamp = schema({ seconds: [1, "int64"], nanos: [2, "int32"] });
export const Any = schema({ typeUrl: [1, "string"], value: [2, "bytes"] });
export const Empty = schema({});

// ttrpc envelope
export const KeyValue = schema({ key: [1, "string"], value: [2, "string"] });
export const TtrpcRequest = schema({
  service: [1, "string"],
  method: [2, "string"],
  payload: [3, "bytes"],
  timeoutNano: [4, "int64"],
  metadata: [5, { repeated: KeyValue }],
});
export const RpcStatus = schema({
  code: [1, "int32"],
  message: [2, "string"],
  details: [3, { repeated: Any }],
});
export const TtrpcResponse = schema({ status: [1, { message: RpcStatus }], payload: [2, "bytes"] });

// containerd.task.v2
export const Mount = schema({
  type: [1, "string"],
  source: [2, "string"],
  target: [3, "string"],
  options: [4, "strings"],
});
export const CreateTaskRequest = schema({
  id: [1, "string"],
  bundle: [2, "string"],
  rootfs: [3, { repeated: Mount }],
  terminal: [4, "bool"],
  stdin: [5, "string"],
  stdout: [6, "string"],
  stderr: [7, "string"],
  checkpoint: [8, "string"],
  parentCheckpoint: [9, "string"],
  options: [10, { message: Any }],
});
export const PidResponse = schema({ pid: [1, "uint32"] });
export const TaskIdRequest = schema({ id: [1, "string"], execId: [2, "string"] });
export const DeleteResponse = schema({
  pid: [1, "uint32"],
  exitStatus: [2, "uint32"],
  exitedAt: [3, { message: Timestamp }],
});
export const StateResponse = schema({
  id: [1, "string"],
  bundle: [2, "string"],
  pid: [3, "uint32"],
  status: [4, "int32"],
  stdin: [5, "string"],
  stdout: [6, "string"],
  stderr: [7, "string"],
  terminal: [8, "bool"],
  exitStatus: [9, "uint32"],
  exitedAt: [10, { message: Timestamp }],
  execId: [11, "string"],
});
export const KillRequest = schema({
  id: [1, "string"],
  execId: [2, "string"],
  signal: [3, "uint32"],
  all: [4, "bool"],
});
export const WaitResponse = schema({ exitStatus: [1, "uint32"], exitedAt: [2, { message: Timestamp }] });
export const ProcessInfo = schema({ pid: [1, "uint32"], info: [2, { message: Any }] });
export const PidsResponse = schema({ processes: [1, { repeated: ProcessInfo }] });
export const ConnectResponse = schema({
  shimPid: [1, "uint32"],
  taskPid: [2, "uint32"],
  version: [3, "string"],
});
export const ShutdownRequest = schema({ id: [1, "string"], now: [2, "bool"] });
export const StatsResponse = schema({ stats: [1, { message: Any }] });

/** `containerd.v1.types.Status` as the task service reports it. */
export const TaskStatus = { unknown: 0, created: 1, running: 2, stopped: 3 } as const;

// containerd.events
export const TaskIO = schema({
  stdin: [1, "string"],
  stdout: [2, "string"],
  stderr: [3, "string"],
  terminal: [4, "bool"],
});
export const TaskCreate = schema({
  containerId: [1, "string"],
  bundle: [2, "string"],
  rootfs: [3, { repeated: Mount }],
  io: [4, { message: TaskIO }],
  checkpoint: [5, "string"],
  pid: [6, "uint32"],
});
export const TaskStart = schema({ containerId: [1, "string"], pid: [2, "uint32"] });
export const TaskExit = schema({
  containerId: [1, "string"],
  id: [2, "string"],
  pid: [3, "uint32"],
  exitStatus: [4, "uint32"],
  exitedAt: [5, { message: Timestamp }],
});
export const TaskDelete = schema({
  containerId: [1, "string"],
  pid: [2, "uint32"],
  exitStatus: [3, "uint32"],
  exitedAt: [4, { message: Timestamp }],
  id: [5, "string"],
});

export type MountMessage = Message<typeof Mount>;
export type TimestampMessage = Message<typeof Timestamp>;

/** A protobuf Timestamp for a point in time, to the nanosecond the clock gave. */
export function timestamp(epochNanos: bigint): TimestampMessage {
  return { seconds: epochNanos / 1_000_000_000n, nanos: Number(epochNanos % 1_000_000_000n) };
}
