/**
 * The `start` action: containerd runs it once per container to learn where the shim listens. If the
 * container's sandbox — or, with `SPINDLE_SHIM_SHARING=node`, the node — already has a shim that answers,
 * its address is reused; otherwise the shim re-runs itself as a detached daemon that serves the task API,
 * waits until that daemon is listening (it says so over an IPC channel), records the address in the
 * bundle's `address` file and prints it to stdout without a newline, as containerd 1.6 reads it. A pod's
 * daemon writes its stderr to the bundle's `log` FIFO, which containerd copies into its own log; the
 * node's outlives every bundle, so it writes to a file beside its socket (`<socket>.log`).
 */
import { spawn } from "node:child_process";
import { constants, existsSync, mkdirSync, openSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { SpindleError } from "../../errors.ts";
import { readBundleSpec, SANDBOX_ID_ANNOTATION, type BundleSpec } from "../container/bundle.ts";
import { foreignNetworkNamespace, inNetworkNamespace } from "../container/network-namespace.ts";
import type { ShimArgs } from "./args.ts";
import { NODE_GROUPING, nodeShimLog, shimSharing, type ShimSharing } from "./sharing.ts";
import { answers, socketAddress, socketPath } from "./socket.ts";

export interface StartContext {
  /** The bundle directory containerd runs the shim in. */
  readonly cwd: string;
  /** The script to run as the daemon (this shim's entry point), with `process.execPath`. */
  readonly self: string;
  readonly stdout: { write(text: string): unknown };
  readonly socketDir?: string;
}

export async function startShim(args: ShimArgs, context: StartContext): Promise<void> {
  if (args.namespace === "") throw new SpindleError("shim namespace cannot be empty");
  const sharing = shimSharing(process.env);
  const spec = existsSync(join(context.cwd, "config.json")) ? readBundleSpec(context.cwd) : undefined;
  const grouping = sharing === "node" ? NODE_GROUPING : (spec?.annotations[SANDBOX_ID_ANNOTATION] ?? args.id);
  const path = socketPath(args.address, args.namespace, grouping, context.socketDir);
  if (!(await answers(path))) {
    rmSync(path, { force: true });
    mkdirSync(dirname(path), { recursive: true, mode: 0o711 });
    await startDaemon(args, context, path, { sharing, spec }).catch(async (error: unknown) => {
      // Another start for the same sandbox may have won the race for the socket; its shim will do.
      if (!(await answers(path))) throw error;
    });
  }
  writeFileSync(join(context.cwd, "address"), socketAddress(path));
  context.stdout.write(socketAddress(path));
}

/**
 * Where a pod's daemon runs: in the pod's network namespace when the first container's spec names one
 * (the sandbox's, made by CNI), so the app's outbound connections leave from the pod's address too. The
 * node's daemon stays in the node's, as it serves many pods.
 */
function daemonNamespace(spec: BundleSpec | undefined, sharing: ShimSharing): string | undefined {
  return sharing === "node" ? undefined : foreignNetworkNamespace(spec?.networkNamespace);
}

function startDaemon(
  args: ShimArgs,
  context: StartContext,
  path: string,
  { sharing, spec }: { readonly sharing: ShimSharing; readonly spec: BundleSpec | undefined },
): Promise<void> {
  const flags = ["-namespace", args.namespace, "-id", args.id, "-address", args.address];
  flags.push("-publish-binary", args.publishBinary, "-socket", socketAddress(path));
  if (args.debug) flags.push("-debug");
  const node = sharing === "node";
  const spawnDaemon = () =>
    spawn(process.execPath, [context.self, ...flags], {
      cwd: node ? "/" : context.cwd,
      detached: true,
      stdio: ["ignore", "ignore", node ? openSync(nodeShimLog(path), "a", 0o640) : logFd(context.cwd), "ipc"],
    });
  // A child process starts in the network namespace of the thread that forks it.
  const namespace = daemonNamespace(spec, sharing);
  const child = namespace === undefined ? spawnDaemon() : inNetworkNamespace(namespace, spawnDaemon);
  return new Promise((resolve, reject) => {
    child.once("message", (message: { ready?: boolean; error?: string }) => {
      if (message.ready === true) {
        child.disconnect();
        child.unref();
        resolve();
      } else reject(new SpindleError(`the shim daemon failed to start: ${message.error ?? "unknown error"}`));
    });
    child.once("exit", (code) =>
      reject(new SpindleError(`the shim daemon exited with status ${code} before serving`)),
    );
    child.once("error", reject);
  });
}

/** The bundle's `log` FIFO, opened without waiting for containerd's reader; "ignore" when there is none. */
function logFd(cwd: string): number | "ignore" {
  const log = join(cwd, "log");
  return existsSync(log) ? openSync(log, constants.O_RDWR | constants.O_NONBLOCK) : "ignore";
}
