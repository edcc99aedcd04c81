/**
 * `containerd.task.v2.Task` over ttrpc: decodes each request, calls the task manager, encodes the
 * response. Pause, Resume, Checkpoint and Exec have no meaning for an app served inside the shim and
 * answer Unimplemented, as runwasi's shims do. CloseIO, Update and ResizePty check the task exists and do
 * nothing: there is no stdin to close, no cgroup of its own to resize and no terminal.
 */
import { decode, encode, type MessageInit, type Schema } from "../proto/codec.ts";
import {
  ConnectResponse,
  CreateTaskRequest,
  DeleteResponse,
  Empty,
  KillRequest,
  PidResponse,
  PidsResponse,
  ShutdownRequest,
  StateResponse,
  StatsResponse,
  TaskIdRequest,
  WaitResponse,
} from "../proto/messages.ts";
import type { Handler, Service } from "../ttrpc/server.ts";
import { ShimError } from "../ttrpc/status.ts";
import { cgroupsV1Metrics } from "./metrics.ts";
import type { TaskManager } from "./tasks.ts";

export const TASK_SERVICE = "containerd.task.v2.Task";

/** Reported by Connect; the shim's protocol version is containerd's task API v2. */
const SHIM_VERSION = "2";

function rpc<Req extends Schema, Res extends Schema>(
  request: Req,
  response: Res,
  call: (req: ReturnType<typeof decode<Req>>) => MessageInit<Res> | Promise<MessageInit<Res>>,
): Handler {
  return async (payload) => encode(response, await call(decode(request, payload)));
}

const IdRequest = { id: [1, "string"] } as const satisfies Schema;

function unimplemented(what: string): Handler {
  return () => Promise.reject(new ShimError("unimplemented", `${what} is not supported by the spindle shim`));
}

/** The service; `onShutdown` is called when containerd asks the shim to exit and no task remains. */
export function taskService(tasks: TaskManager, onShutdown: () => void): Service {
  const exists = (id: string) => (tasks.pidOf(id), {});
  return new Map<string, Handler>([
    ["Create", rpc(CreateTaskRequest, PidResponse, async (req) => ({ pid: await tasks.create(req) }))],
    ["Start", rpc(TaskIdRequest, PidResponse, (req) => ({ pid: tasks.start(req.id, req.execId) }))],
    ["State", rpc(TaskIdRequest, StateResponse, (req) => stateOf(tasks, req.id, req.execId))],
    ["Kill", rpc(KillRequest, Empty, (req) => (tasks.kill(req.id, req.execId, req.signal), {}))],
    ["Wait", rpc(TaskIdRequest, WaitResponse, async (req) => exitOf(await tasks.wait(req.id, req.execId)))],
    ["Delete", rpc(TaskIdRequest, DeleteResponse, async (req) => deleted(tasks, req.id, req.execId))],
    ["Pids", rpc(IdRequest, PidsResponse, (req) => ({ processes: [{ pid: tasks.pidOf(req.id) }] }))],
    [
      "Connect",
      rpc(IdRequest, ConnectResponse, (req) => ({
        shimPid: tasks.pid,
        taskPid: tasks.has(req.id) ? tasks.pidOf(req.id) : tasks.pid,
        version: SHIM_VERSION,
      })),
    ],
    ["Stats", rpc(IdRequest, StatsResponse, (req) => ({ stats: cgroupsV1Metrics(tasks.usage(req.id)) }))],
    ["CloseIO", rpc(IdRequest, Empty, (req) => exists(req.id))],
    ["Update", rpc(IdRequest, Empty, (req) => exists(req.id))],
    ["ResizePty", rpc(IdRequest, Empty, (req) => exists(req.id))],
    ["Shutdown", rpc(ShutdownRequest, Empty, () => (tasks.size === 0 && onShutdown(), {}))],
    ["Pause", unimplemented("pause")],
    ["Resume", unimplemented("resume")],
    ["Checkpoint", unimplemented("checkpoint")],
    ["Exec", unimplemented("exec")],
  ]);
}

function stateOf(tasks: TaskManager, id: string, execId: string): MessageInit<typeof StateResponse> {
  const { status, pid, exit, request } = tasks.state(id, execId);
  return {
    id,
    execId,
    bundle: request.bundle,
    pid,
    status,
    stdin: request.stdin,
    stdout: request.stdout,
    stderr: request.stderr,
    terminal: request.terminal,
    exitStatus: exit?.status,
    exitedAt: exit?.at,
  };
}

function exitOf(exit: { status: number; at: MessageInit<typeof WaitResponse>["exitedAt"] }) {
  return { exitStatus: exit.status, exitedAt: exit.at };
}

async function deleted(
  tasks: TaskManager,
  id: string,
  execId: string,
): Promise<MessageInit<typeof DeleteResponse>> {
  const pid = tasks.pidOf(id, execId);
  const exit = await tasks.delete(id, execId);
  return { pid, exitStatus: exit?.status, exitedAt: exit?.at };
}
