/**
 * One container's run: starts its app in the background and turns signals into an exit status. The
 * statuses follow containerd-shim-spin: SIGTERM or SIGINT drains in-flight requests and exits 0; any other
 * signal stops at once with 128 + the signal number (SIGKILL: 137); an app that cannot be loaded writes
 * the error to the container's stderr and exits 137, runwasi's status for a failed run. Signal 0 only
 * checks that the container is alive. Per container, lives from Start to exit.
 */
import { constants } from "node:os";
import { SpindleError } from "../../errors.ts";
import type { ImageApps } from "./image-app.ts";
import type { ContainerApp, ServingApp } from "./spin-app.ts";

export const LOAD_FAILED_STATUS = 137;

export interface ContainerRun {
  /** Resolves with the exit status once the app has stopped; never rejects. */
  readonly exited: Promise<number>;
  kill(signal: number): void;
}

export type Runner = (container: ContainerApp) => ContainerRun;

/** The real runner, finding apps in image layers with `images`; tests of the task service inject their own. */
export const spinAppRunner =
  (images?: ImageApps): Runner =>
  (container) => {
    let finish: (status: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => (finish = resolve));
    // The runtime loads with the first app, so the shim daemon answers containerd before it is loaded.
    const serving: Promise<ServingApp | undefined> = import("./spin-app.ts")
      .then(({ serveSpinApp }) => serveSpinApp(container, images))
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
  };

/** 0 for the signals that ask for a clean shutdown, otherwise the shell's 128 + signal. */
export function exitStatusForSignal(signal: number): number {
  return signal === constants.signals.SIGTERM || signal === constants.signals.SIGINT ? 0 : 128 + signal;
}

function describe(error: unknown): string {
  if (!(error instanceof SpindleError))
    return `Error: ${error instanceof Error ? error.stack : String(error)}\n`;
  return `Error: ${error.message}\n${error.hint === undefined ? "" : `  hint: ${error.hint}\n`}`;
}
