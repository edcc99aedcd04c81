/**
 * The containers one shim process runs, and their life cycle in containerd's terms: created (root
 * filesystem mounted, stdio open, app not yet loaded) → running (the app loading or serving inside this
 * process) → stopped (exit status and time recorded) → deleted. Every transition that containerd watches
 * publishes its event, in order: create, start, exit, delete. An app runs inside the shim, so the pid
 * containerd sees for it is the shim's own; a pod's sandbox has a process, and its pid, of its own. One
 * per shim process.
 */
import type { EventPublisher } from "../events.ts";
import type { Message } from "../proto/codec.ts";
import {
  CreateTaskRequest,
  TaskCreate,
  TaskDelete,
  TaskExit,
  TaskStart,
  TaskStatus,
  timestamp,
  type TimestampMessage,
} from "../proto/messages.ts";
import { isSandbox, readBundleSpec } from "../container/bundle.ts";
import { forgetProcess, recordProcess } from "../container/process-record.ts";
import { mountRootfs, type MountedRootfs } from "../container/rootfs.ts";
import {
  exitStatusForSignal,
  type ContainerRun,
  type PreparedContainer,
  type Runner,
} from "../container/run.ts";
import { openOutput, type OutputStream } from "../container/stdio.ts";
import type { ContainerUsage, CpuTime } from "../container/usage.ts";
import { ShimError } from "../ttrpc/status.ts";

export interface Exit {
  readonly status: number;
  readonly at: TimestampMessage;
}

interface Task {
  readonly request: Message<typeof CreateTaskRequest>;
  readonly rootfs: MountedRootfs;
  readonly prepared: PreparedContainer;
  readonly pid: number;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly exited: Promise<Exit>;
  readonly recordExit: (status: number) => void;
  run: ContainerRun | undefined;
  exit: Exit | undefined;
  /** The CPU time last measured, which an exited task goes on reporting. */
  cpu: CpuTime | undefined;
}

export interface TaskManagerOptions {
  readonly events: EventPublisher;
  readonly runner: Runner;
  /** Nanoseconds since the epoch; injected so tests can fix exit times. */
  readonly now?: () => bigint;
  readonly pid?: number;
}

export type TaskState = Readonly<{
  status: number;
  pid: number;
  exit: Exit | undefined;
  request: Message<typeof CreateTaskRequest>;
}>;

export class TaskManager {
  readonly pid: number;
  readonly #tasks = new Map<string, Task>();
  readonly #options: TaskManagerOptions;
  readonly #now: () => bigint;

  constructor(options: TaskManagerOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => BigInt(Date.now()) * 1_000_000n);
    this.pid = options.pid ?? process.pid;
  }

  get size(): number {
    return this.#tasks.size;
  }

  async create(request: Message<typeof CreateTaskRequest>): Promise<number> {
    if (request.checkpoint !== "")
      throw new ShimError("unimplemented", "checkpoint restore is not supported");
    if (request.terminal)
      throw new ShimError("invalid-argument", "a terminal is not supported: the app has no tty");
    if (this.#tasks.has(request.id))
      throw new ShimError("already-exists", `task ${request.id} already exists`);
    const spec = readBundleSpec(request.bundle);
    const rootfs = await mountRootfs(spec.rootPath, request.rootfs);
    const stdout = openOutput(request.stdout);
    const stderr = openOutput(request.stderr);
    let prepared: PreparedContainer;
    try {
      prepared = this.#options.runner({
        id: request.id,
        annotations: spec.annotations,
        root: rootfs.dir,
        env: spec.env,
        args: spec.args,
        cwd: spec.cwd,
        networkNamespace: spec.networkNamespace,
        nameFiles: spec.nameFiles,
        sandbox: isSandbox(spec),
        stdout,
        stderr,
      });
    } catch (error) {
      stdout.close();
      stderr.close();
      await rootfs.unmount();
      throw error;
    }
    let recordExit: (status: number) => void = () => undefined;
    const exited = new Promise<Exit>((resolve) => {
      let recorded = false;
      recordExit = (status) => {
        if (!recorded) resolve(this.#exit(request.id, status));
        recorded = true;
      };
    });
    if (prepared.pid !== undefined) recordProcess(request.bundle, prepared.pid);
    const pid = prepared.pid ?? this.pid;
    const task: Task = {
      request,
      rootfs,
      prepared,
      pid,
      stdout,
      stderr,
      exited,
      recordExit,
      run: undefined,
      exit: undefined,
      cpu: undefined,
    };
    this.#tasks.set(request.id, task);
    this.#options.events.publish("/tasks/create", "TaskCreate", TaskCreate, {
      containerId: request.id,
      bundle: request.bundle,
      rootfs: request.rootfs,
      io: {
        stdin: request.stdin,
        stdout: request.stdout,
        stderr: request.stderr,
        terminal: request.terminal,
      },
      pid,
    });
    return pid;
  }

  start(id: string, execId: string): number {
    const task = this.#get(id, execId);
    if (task.run !== undefined || task.exit !== undefined) {
      throw new ShimError("failed-precondition", `task ${id} has already been started`);
    }
    const run = task.prepared.start();
    task.run = run;
    this.#options.events.publish("/tasks/start", "TaskStart", TaskStart, { containerId: id, pid: task.pid });
    void run.exited.then((status) => task.recordExit(status));
    return task.pid;
  }

  kill(id: string, execId: string, signal: number): void {
    const task = this.#get(id, execId);
    if (task.exit !== undefined) throw new ShimError("not-found", `process of task ${id} already finished`);
    if (task.run !== undefined) task.run.kill(signal);
    else if (signal !== 0) {
      task.prepared.discard();
      task.recordExit(exitStatusForSignal(signal));
    }
  }

  wait(id: string, execId: string): Promise<Exit> {
    return this.#get(id, execId).exited;
  }

  state(id: string, execId: string): TaskState {
    const task = this.#get(id, execId);
    const status =
      task.exit !== undefined
        ? TaskStatus.stopped
        : task.run !== undefined
          ? TaskStatus.running
          : TaskStatus.created;
    return { status, pid: task.pid, exit: task.exit, request: task.request };
  }

  async delete(id: string, execId: string): Promise<Exit | undefined> {
    const task = this.#get(id, execId);
    if (task.run !== undefined && task.exit === undefined) {
      throw new ShimError("failed-precondition", `cannot delete task ${id}: it is running`);
    }
    if (task.run === undefined) task.prepared.discard();
    if (task.prepared.pid !== undefined) forgetProcess(task.request.bundle);
    this.#tasks.delete(id);
    task.stdout.close();
    task.stderr.close();
    await task.rootfs.unmount();
    this.#options.events.publish("/tasks/delete", "TaskDelete", TaskDelete, {
      containerId: id,
      id,
      pid: task.pid,
      exitStatus: task.exit?.status ?? 0,
      exitedAt: task.exit?.at,
    });
    return task.exit;
  }

  /**
   * What the task uses now. Once it has exited, as runc's shim answers from the cgroup that outlives its
   * process: the CPU time it had used (the last measured), and no memory.
   */
  usage(id: string): ContainerUsage {
    const task = this.#get(id, "");
    const usage = task.exit === undefined ? task.prepared.usage() : undefined;
    if (usage === undefined) return { cpu: task.cpu, memoryBytes: 0n };
    task.cpu = usage.cpu;
    return usage;
  }

  has(id: string): boolean {
    return this.#tasks.has(id);
  }

  /** The task's pid; throws NotFound unless `id` names a task, as the shim serves no exec processes. */
  pidOf(id: string, execId = ""): number {
    return this.#get(id, execId).pid;
  }

  #get(id: string, execId: string): Task {
    const task = this.#tasks.get(id);
    if (task === undefined) throw new ShimError("not-found", `task ${id} not found`);
    if (execId !== "" && execId !== id)
      throw new ShimError("not-found", `exec ${execId} not found in task ${id}`);
    return task;
  }

  #exit(id: string, status: number): Exit {
    const exit = { status, at: timestamp(this.#now()) };
    const task = this.#tasks.get(id);
    if (task !== undefined) {
      task.exit = exit;
      task.stdout.close();
      task.stderr.close();
    }
    this.#options.events.publish("/tasks/exit", "TaskExit", TaskExit, {
      containerId: id,
      id,
      pid: task?.pid ?? this.pid,
      exitStatus: status,
      exitedAt: exit.at,
    });
    return exit;
  }
}
