/**
 * The shim daemon: serves `containerd.task.v2.Task` on the socket `start` chose, runs each container's app
 * in this process, publishes task events through containerd's publish binary, and exits, removing its
 * socket: a pod's daemon when containerd sends Shutdown with no task left; the node's once it has had no
 * task and no connection for the idle time (see `sharing.ts`), since Shutdown concerns one pod only. Tells
 * the `start` process it is listening over the IPC channel it was spawned with.
 */
import { rmSync, statSync } from "node:fs";
import { SpindleError } from "../../errors.ts";
import { createLogger } from "../../observe/logger.ts";
import { noEvents, publishBinaryPublisher, type EventPublisher } from "../events.ts";
import type { ContainerdClient } from "../containerd/client.ts";
import { containerdImageApps } from "../container/image-app.ts";
import { containerRunner } from "../container/run.ts";
import { taskService, TASK_SERVICE } from "../task/service.ts";
import { TaskManager } from "../task/tasks.ts";
import { TtrpcServer } from "../ttrpc/server.ts";
import type { ShimArgs } from "./args.ts";
import { idleExitMs, nodeShimLog, shimSharing } from "./sharing.ts";
import { socketPathOf } from "./socket.ts";

export async function serveShim(args: ShimArgs): Promise<void> {
  if (args.socket === "") throw new SpindleError("the shim daemon needs -socket");
  const events = eventPublisher(args);
  // Without containerd's address (a shim run by hand) apps can only come from `/spin.toml`.
  // The gRPC client loads only when a container is created, so the shim answers containerd sooner.
  let containerd: ContainerdClient | undefined;
  const connect = async () => {
    const { ContainerdClient } = await import("../containerd/client.ts");
    return (containerd = new ContainerdClient(args.address, args.namespace));
  };
  const images = args.address === "" ? undefined : containerdImageApps(connect);
  const nodeWide = shimSharing(process.env) === "node";
  const tasks = new TaskManager({ events, runner: containerRunner(images, !nodeWide) });
  const server = new TtrpcServer();
  let shutdown: () => void = () => undefined;
  const idle = new Promise<void>((resolve) => (shutdown = resolve));
  server.register(
    TASK_SERVICE,
    taskService(tasks, () => (nodeWide ? undefined : shutdown())),
  );
  const path = socketPathOf(args.socket);
  await listenOrTell(server, path);
  const inode = statSync(path, { throwIfNoEntry: false })?.ino;
  const idleTimer = nodeWide ? exitWhenIdle(tasks, server, idleExitMs(process.env), shutdown) : undefined;
  process.send?.({ ready: true });
  process.disconnect?.();
  // Load the runtime (and the gRPC client a container's image is looked up with) while containerd goes
  // on to Create and Start; a failure here is reported by the import the first container makes.
  void import("../container/spin-app.ts").catch(() => undefined);
  if (images !== undefined) void import("../containerd/client.ts").catch(() => undefined);
  await idle;
  clearInterval(idleTimer);
  // From here a `start` finds no shim at this path and starts another. The node's shim's log goes with
  // its socket, unless a newer shim has both.
  if (removeOwnSocket(path, inode) && nodeWide) rmSync(nodeShimLog(path), { force: true });
  // Let the Shutdown response reach containerd before the connection closes.
  await new Promise((resolve) => setImmediate(resolve));
  await events.flush();
  await server.close();
  containerd?.close();
}

/** Task events through containerd's publish binary; none for a shim run by hand without one. */
function eventPublisher(args: ShimArgs): EventPublisher {
  if (args.publishBinary === "") return noEvents;
  const logger = createLogger(process.stderr).child({ shim: "spindle", namespace: args.namespace });
  return publishBinaryPublisher({
    binary: args.publishBinary,
    address: args.address,
    namespace: args.namespace,
    onError: (error) => logger.warn("cannot publish a task event", { error: error.message }),
  });
}

/** Listens on `path`, telling the `start` process that spawned this daemon when it cannot. */
async function listenOrTell(server: TtrpcServer, path: string): Promise<void> {
  try {
    await server.listen(path);
  } catch (error) {
    process.send?.({ error: (error as Error).message });
    throw error;
  }
}

/**
 * Calls `exit` once the shim has had no task, no open connection and no new one for `idleMs`. A `start`
 * that finds this shim connects to it to see it answer, so a pod on its way in keeps it for that long.
 */
function exitWhenIdle(tasks: TaskManager, server: TtrpcServer, idleMs: number, exit: () => void) {
  let idleSince = Date.now();
  let accepted = server.accepted;
  return setInterval(
    () => {
      const busy = tasks.size > 0 || server.connections > 0 || server.accepted !== accepted;
      accepted = server.accepted;
      if (busy) idleSince = Date.now();
      else if (Date.now() - idleSince >= idleMs) exit();
    },
    Math.min(1000, Math.max(idleMs / 4, 10)),
  );
}

/**
 * Removes the socket file this daemon listens on — and not one a newer daemon has since bound at the same
 * path, after a `start` found this one gone. Whether it was this daemon's.
 */
function removeOwnSocket(path: string, inode: number | undefined): boolean {
  const own = inode !== undefined && statSync(path, { throwIfNoEntry: false })?.ino === inode;
  if (own) rmSync(path);
  return own;
}
