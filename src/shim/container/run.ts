/**
 * One container's run. An app container's app starts in the background at Start, and signals turn into an
 * exit status as containerd-shim-spin's do: SIGTERM or SIGINT drains in-flight requests and exits 0; any
 * other signal stops at once with 128 + the signal number (SIGKILL: 137); an app that cannot be loaded
 * writes the error to the container's stderr and exits 137, runwasi's status for a failed run. Signal 0
 * only checks that the container is alive. A pod's sandbox container is a process instead (see
 * `sandbox-process.ts`), made at Create as runc makes it. Per container, lives from Create to exit.
 */
import { constants } from "node:os";
import { SpindleError } from "../../errors.ts";
import type { ImageApps } from "./image-app.ts";
import { startSandboxProcess } from "./sandbox-process.ts";
import type { ContainerApp, ServingApp } from "./spin-app.ts";
import { ownProcessUsage, type ContainerUsage } from "./usage.ts";

export const LOAD_FAILED_STATUS = 137;

export interface ContainerRun {
  /** Resolves with the exit status once the app has stopped; never rejects. */
  readonly exited: Promise<number>;
  kill(signal: number): void;
}

/** A container as the task manager hands it to a runner at Create. */
export interface Container extends ContainerApp {
  /** Whether this is the pod's sandbox (the CRI plugin's `pause` container). */
  readonly sandbox: boolean;
  /** The spec's `process.args` and `process.cwd`. */
  readonly args: readonly string[];
  readonly cwd: string;
}

/** What Create made of a container. */
export interface PreparedContainer {
  /** The container's own process, when it has one; else containerd sees the shim's pid. */
  readonly pid: number | undefined;
  start(): ContainerRun;
  /** What it uses now; undefined once its process is gone. */
  usage(): ContainerUsage | undefined;
  /** Stops what Create started, for a container that is stopped or deleted before Start. */
  discard(): void;
}

export type Runner = (container: Container) => PreparedContainer;

/**
 * The real runner: sandboxes as processes, apps served in this process, found in image layers with
 * `images`; tests of the task service inject their own. `onePod`: this process serves one pod only.
 */
export const containerRunner =
  (images: ImageApps | undefined, onePod: boolean): Runner =>
  (container) =>
    container.sandbox ? startSandboxProcess(container) : preparedApp(container, images, onePod);

/**
 * A shim that serves one pod is that pod's app, so the whole process is what the app uses; in the node's
 * shim, only the memory the app's instances hold is its own, and CPU time is not told apart per app.
 */
function preparedApp(
  container: ContainerApp,
  images: ImageApps | undefined,
  onePod: boolean,
): PreparedContainer {
  let app: ServingApp | undefined;
  const instancesUsage = () => ({ cpu: undefined, memoryBytes: BigInt(app?.instanceMemoryBytes() ?? 0) });
  return {
    pid: undefined,
    start: () => runApp(container, images, (serving) => (app = serving)),
    discard: () => undefined,
    usage: onePod ? ownProcessUsage : instancesUsage,
  };
}

function runApp(
  container: ContainerApp,
  images: ImageApps | undefined,
  onServing: (app: ServingApp) => void,
): ContainerRun {
  let finish: (status: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (finish = resolve));
  // The runtime loads with the first app, so the shim daemon answers containerd before it is loaded.
  const serving: Promise<ServingApp | undefined> = import("./spin-app.ts")
    .then(({ serveSpinApp }) => serveSpinApp(container, images))
    .then((app) => (onServing(app), app))
    .catch((error: unknown) => {
      container.stderr.write(describe(error));
      finish(LOAD_FAILED_STATUS);
      return undefined;
    });
  return {
    exited,
    kill(signal) {
      if (signal === 0) return;
      const status = exitStatusForSignal(signal);
      if (status === 0) {
        void serving.then((app) => app?.close()).finally(() => finish(0));
        return;
      }
      finish(status);
      void serving.then((app) => app?.close());
    },
  };
}

/** 0 for the signals that ask for a clean shutdown, otherwise the shell's 128 + signal. */
export function exitStatusForSignal(signal: number): number {
  return signal === constants.signals.SIGTERM || signal === constants.signals.SIGINT ? 0 : 128 + signal;
}

function describe(error: unknown): string {
  if (!(error instanceof SpindleError))
    return `Error: ${error instanceof Error ? error.stack : String(error)}\n`;
  return `Error: ${error.message}\n${error.hint === undefined ? "" : `  hint: ${error.hint}\n`}`;
}
