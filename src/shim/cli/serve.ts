/**
 * The shim daemon: serves `containerd.task.v2.Task` on the socket `start` chose, runs each container's app
 * in this process, publishes task events through containerd's publish binary, and exits when containerd
 * sends Shutdown with no task left, removing its socket. Tells the `start` process it is listening over
 * the IPC channel it was spawned with.
 */
import { rmSync } from "node:fs";
import { SpindleError } from "../../errors.ts";
import { createLogger } from "../../observe/logger.ts";
import { noEvents, publishBinaryPublisher } from "../events.ts";
import type { ContainerdClient } from "../containerd/client.ts";
import { containerdImageApps } from "../container/image-app.ts";
import { spinAppRunner } from "../container/run.ts";
import { taskService, TASK_SERVICE } from "../task/service.ts";
import { TaskManager } from "../task/tasks.ts";
import { TtrpcServer } from "../ttrpc/server.ts";
import type { ShimArgs } from "./args.ts";
import { socketPathOf } from "./socket.ts";

export async function serveShim(args: ShimArgs): Promise<void> {
  if (args.socket === "") throw new SpindleError("the shim daemon needs -socket");
  const logger = createLogger(process.stderr).child({ shim: "spindle", namespace: args.namespace });
  const events =
    args.publishBinary === ""
      ? noEvents
      : publishBinaryPublisher({
          binary: args.publishBinary,
          address: args.address,
          namespace: args.namespace,
          onError: (error) => logger.warn("cannot publish a task event", { error: error.message }),
        });
  // Without containerd's address (a shim run by hand) apps can only come from `/spin.toml`.
  // The gRPC client loads only when a container is created, so the shim answers containerd sooner.
  let containerd: ContainerdClient | undefined;
  const connect = async () => {
    const { ContainerdClient } = await import("../containerd/client.ts");
    return (containerd = new ContainerdClient(args.address, args.namespace));
  };
  const images = args.address === "" ? undefined : containerdImageApps(connect);
  const tasks = new TaskManager({ events, runner: spinAppRunner(images) });
  const server = new TtrpcServer();
  let shutdown: () => void = () => undefined;
  const idle = new Promise<void>((resolve) => (shutdown = resolve));
  server.register(
    TASK_SERVICE,
    taskService(tasks, () => shutdown()),
  );
  const path = socketPathOf(args.socket);
  try {
    await server.listen(path);
  } catch (error) {
    process.send?.({ error: (error as Error).message });
    throw error;
  }
  process.send?.({ ready: true });
  process.disconnect?.();
  // Load the runtime (and the gRPC client a container's image is looked up with) while containerd goes
  // on to Create and Start; a failure here is reported by the import the first container makes.
  void import("../container/spin-app.ts").catch(() => undefined);
  if (images !== undefined) void import("../containerd/client.ts").catch(() => undefined);
  await idle;
  // Let the Shutdown response reach containerd before the connection closes.
  await new Promise((resolve) => setImmediate(resolve));
  await events.flush();
  await server.close();
  containerd?.close();
  rmSync(path, { force: true });
}
