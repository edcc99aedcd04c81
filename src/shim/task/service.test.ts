import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EventPublisher } from "../events.ts";
import type { ContainerRun, Runner } from "../container/run.ts";
import type { ContainerUsage } from "../container/usage.ts";
import { CGROUPS_V1_METRICS, CgroupsV1Metrics } from "../proto/cgroups.ts";
import { decode, encode, type MessageInit, type Schema } from "../proto/codec.ts";
import {
  CreateTaskRequest,
  DeleteResponse,
  Empty,
  KillRequest,
  PidResponse,
  ShutdownRequest,
  StateResponse,
  StatsResponse,
  TaskIdRequest,
  WaitResponse,
} from "../proto/messages.ts";
import { TtrpcClient, TtrpcStatusError } from "../ttrpc/client.ts";
import { TtrpcServer } from "../ttrpc/server.ts";
import { NO_MEMORY_LIMIT } from "./metrics.ts";
import { TASK_SERVICE, taskService } from "./service.ts";
import { TaskManager } from "./tasks.ts";

/** Containers the fake runner discarded before they started. */
const discarded: string[] = [];

/** What the fake runner's containers use while they run: 3 ms user and 1 ms kernel CPU time, 12 MiB. */
const fakeUsage: ContainerUsage = {
  cpu: { userNanos: 3_000_000n, kernelNanos: 1_000_000n },
  memoryBytes: 12n * 1024n * 1024n,
};

/**
 * A runner whose app "serves" until killed, then exits with what its signal calls for; a sandbox has a
 * process of its own, pid 7000, which is gone once it has exited.
 */
const fakeRunner: Runner = (container) => {
  let finish: (status: number) => void = () => undefined;
  let gone = false;
  const exited = new Promise<number>((resolve) => (finish = resolve));
  const kill = (signal: number) => ((gone = container.sandbox), finish(signal === 15 ? 0 : 128 + signal));
  const run: ContainerRun = { exited, kill };
  const pid = container.sandbox ? 7000 : undefined;
  const usage = () => (gone ? undefined : fakeUsage);
  return { pid, start: () => run, discard: () => void discarded.push(container.id), usage };
};

async function setup(t: { after(fn: () => unknown): void }) {
  const dir = mkdtempSync(join(tmpdir(), "shim-task-"));
  mkdirSync(join(dir, "rootfs"));
  writeFileSync(join(dir, "config.json"), JSON.stringify({ root: { path: "rootfs" }, process: { env: [] } }));
  const sandbox = join(dir, "sandbox");
  mkdirSync(join(sandbox, "rootfs"), { recursive: true });
  const annotations = { "io.kubernetes.cri.container-type": "sandbox" };
  writeFileSync(join(sandbox, "config.json"), JSON.stringify({ root: { path: "rootfs" }, annotations }));
  const topics: string[] = [];
  const events: EventPublisher = {
    publish: (topic) => void topics.push(topic),
    flush: () => Promise.resolve(),
  };
  let shutdowns = 0;
  const tasks = new TaskManager({
    events,
    runner: fakeRunner,
    now: () => 1_700_000_000_123_456_789n,
    pid: 4242,
  });
  const server = new TtrpcServer();
  server.register(
    TASK_SERVICE,
    taskService(tasks, () => shutdowns++),
  );
  await server.listen(join(dir, "sock"));
  const client = await TtrpcClient.connect(join(dir, "sock"));
  t.after(async () => {
    client.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const call = async <Req extends Schema, Res extends Schema>(
    method: string,
    req: Req,
    message: MessageInit<Req>,
    res: Res,
  ) => decode(res, await client.call(TASK_SERVICE, method, encode(req, message)));
  const code = (promise: Promise<unknown>) =>
    promise.then(
      () => 0,
      (error: unknown) => (error instanceof TtrpcStatusError ? error.code : -1),
    );
  return { dir, sandbox, topics, call, code, shutdowns: () => shutdowns };
}

test("a task goes created → running → stopped → deleted, with its events in order", async (t) => {
  const { dir, topics, call } = await setup(t);
  const created = await call("Create", CreateTaskRequest, { id: "c1", bundle: dir }, PidResponse);
  assert.equal(created.pid, 4242);
  assert.equal((await call("State", TaskIdRequest, { id: "c1" }, StateResponse)).status, 1);
  await call("Start", TaskIdRequest, { id: "c1" }, PidResponse);
  assert.equal((await call("State", TaskIdRequest, { id: "c1" }, StateResponse)).status, 2);

  const waiting = call("Wait", TaskIdRequest, { id: "c1" }, WaitResponse);
  await call("Kill", KillRequest, { id: "c1", signal: 9 }, Empty);
  const exit = await waiting;
  assert.equal(exit.exitStatus, 137);
  assert.deepEqual({ ...exit.exitedAt }, { seconds: 1_700_000_000n, nanos: 123_456_789 });

  const state = await call("State", TaskIdRequest, { id: "c1" }, StateResponse);
  assert.deepEqual([state.status, state.exitStatus, state.bundle], [3, 137, dir]);
  const deleted = await call("Delete", TaskIdRequest, { id: "c1" }, DeleteResponse);
  assert.deepEqual([deleted.pid, deleted.exitStatus, deleted.exitedAt?.nanos], [4242, 137, 123_456_789]);
  assert.deepEqual(topics, ["/tasks/create", "/tasks/start", "/tasks/exit", "/tasks/delete"]);
});

test("errors carry containerd's codes", async (t) => {
  const { dir, call, code } = await setup(t);
  await call("Create", CreateTaskRequest, { id: "c1", bundle: dir }, PidResponse);
  const create = (message: MessageInit<typeof CreateTaskRequest>) =>
    code(call("Create", CreateTaskRequest, message, PidResponse));
  assert.equal(await create({ id: "c1", bundle: dir }), 6, "AlreadyExists");
  assert.equal(await create({ id: "c2", bundle: dir, terminal: true }), 3, "InvalidArgument");
  assert.equal(await create({ id: "c2", bundle: dir, checkpoint: "x" }), 12, "Unimplemented");
  assert.equal(await code(call("State", TaskIdRequest, { id: "nope" }, StateResponse)), 5, "NotFound");
  assert.equal(await code(call("Start", TaskIdRequest, { id: "c1", execId: "e1" }, PidResponse)), 5);
  for (const method of ["Pause", "Resume", "Checkpoint", "Exec"]) {
    assert.equal(await code(call(method, TaskIdRequest, { id: "c1" }, PidResponse)), 12, method);
  }
  await call("Start", TaskIdRequest, { id: "c1" }, PidResponse);
  assert.equal(
    await code(call("Delete", TaskIdRequest, { id: "c1" }, DeleteResponse)),
    9,
    "FailedPrecondition",
  );
  await call("Kill", KillRequest, { id: "c1", signal: 15 }, Empty);
  await call("Wait", TaskIdRequest, { id: "c1" }, WaitResponse);
  assert.equal(await code(call("Kill", KillRequest, { id: "c1", signal: 15 }, Empty)), 5);
});

test("Shutdown ends the shim only once no task is left", async (t) => {
  const { dir, call, shutdowns } = await setup(t);
  await call("Create", CreateTaskRequest, { id: "c1", bundle: dir }, PidResponse);
  await call("Shutdown", ShutdownRequest, { id: "c1" }, Empty);
  assert.equal(shutdowns(), 0);
  const deleted = await call("Delete", TaskIdRequest, { id: "c1" }, DeleteResponse);
  assert.deepEqual([deleted.exitStatus, deleted.exitedAt], [0, undefined]);
  await call("Shutdown", ShutdownRequest, { id: "c1" }, Empty);
  assert.equal(shutdowns(), 1);
});

test("a pod's sandbox reports its own process's pid; app containers report the shim's", async (t) => {
  const { dir, sandbox, call } = await setup(t);
  assert.equal(
    (await call("Create", CreateTaskRequest, { id: "pod", bundle: sandbox }, PidResponse)).pid,
    7000,
  );
  assert.equal((await call("Start", TaskIdRequest, { id: "pod" }, PidResponse)).pid, 7000);
  assert.equal((await call("State", TaskIdRequest, { id: "pod" }, StateResponse)).pid, 7000);
  assert.equal((await call("Create", CreateTaskRequest, { id: "app", bundle: dir }, PidResponse)).pid, 4242);
  const deleted = await call("Delete", TaskIdRequest, { id: "app" }, DeleteResponse);
  assert.equal(deleted.pid, 4242);
  assert.equal(discarded.at(-1), "app", "a container deleted before Start has what Create made stopped");
});

test("Stats answers a task's CPU time and memory as cgroups v1 Metrics, and after its exit only the CPU time it used", async (t) => {
  const { sandbox, call, code } = await setup(t);
  const stats = async (id: string) => {
    const { stats } = await call("Stats", TaskIdRequest, { id }, StatsResponse);
    assert.equal(stats?.typeUrl, CGROUPS_V1_METRICS);
    return decode(CgroupsV1Metrics, stats.value);
  };
  await call("Create", CreateTaskRequest, { id: "pod", bundle: sandbox }, PidResponse);
  await call("Start", TaskIdRequest, { id: "pod" }, PidResponse);
  const running = await stats("pod");
  assert.deepEqual({ ...running.cpu?.usage }, { total: 4_000_000n, user: 3_000_000n, kernel: 1_000_000n });
  assert.deepEqual({ ...running.memory?.usage }, { usage: 12_582_912n, limit: NO_MEMORY_LIMIT });
  assert.deepEqual([running.memory?.rss, running.memory?.totalInactiveFile], [12_582_912n, 0n]);

  await call("Kill", KillRequest, { id: "pod", signal: 9 }, Empty);
  await call("Wait", TaskIdRequest, { id: "pod" }, WaitResponse);
  const exited = await stats("pod");
  assert.equal(exited.cpu?.usage?.total, 4_000_000n, "CPU time never goes back");
  assert.equal(exited.memory?.usage?.usage, 0n);
  assert.equal(await code(call("Stats", TaskIdRequest, { id: "nope" }, StatsResponse)), 5, "NotFound");
});
