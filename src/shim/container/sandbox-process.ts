/**
 * A pod's sandbox container — the CRI plugin's `pause` — run as a process. Its only job is to hold the
 * pod's namespaces, and the CRI plugin names the network namespace of the pod's other containers after
 * its pid (`/proc/<pid>/ns/net`), so it cannot live inside the shim as apps do: the image's own program
 * runs from the container's root filesystem, inside the pod's network namespace when the spec names one,
 * from Create until a signal stops it. No chroot, cgroup, or IPC, UTS, PID or user namespace is made for
 * it: the apps that join the pod run inside the shim and use none of them.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { constants } from "node:os";
import { join } from "node:path";
import { ShimError } from "../ttrpc/status.ts";
import { foreignNetworkNamespace, inNetworkNamespace } from "./network-namespace.ts";
import type { Container, PreparedContainer } from "./run.ts";
import { processUsage } from "./usage.ts";

export function startSandboxProcess(container: Container): PreparedContainer {
  const [program, ...args] = container.args;
  const path = program === undefined ? undefined : join(container.root, program);
  if (path === undefined || !existsSync(path)) {
    throw new ShimError(
      "failed-precondition",
      `the sandbox container ${container.id} has no program to run: ${program ?? "process.args is empty"} is not in its root filesystem`,
    );
  }
  const spawnIt = () =>
    spawn(path, args, {
      cwd: join(container.root, container.cwd),
      env: Object.fromEntries(container.env),
      stdio: ["ignore", "pipe", "pipe"],
    });
  const namespace = foreignNetworkNamespace(container.networkNamespace);
  const child = namespace === undefined ? spawnIt() : inNetworkNamespace(namespace, spawnIt);
  if (child.pid === undefined) {
    // Node says why only on the next tick. Create fails now, as runc's does for a program it cannot
    // run: a sandbox without a pid of its own would give containerd the shim's, and the pod's
    // containers, which join /proc/<pid>/ns/net, would join the shim's network namespace.
    child.once("error", () => undefined);
    throw new ShimError(
      "failed-precondition",
      `the sandbox container ${container.id} cannot run ${program}: it is not an executable, or its working directory ${container.cwd} is not in its root filesystem`,
    );
  }
  child.stdout.on("data", (chunk: Buffer) => container.stdout.write(chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => container.stderr.write(chunk.toString()));
  const exited = new Promise<number>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? 128 + signalNumber(signal)));
    child.once("error", (error) => {
      container.stderr.write(`Error: cannot run ${path}: ${error.message}\n`);
      resolve(127);
    });
  });
  const run = { exited, kill: (signal: number) => void child.kill(signal) };
  const pid = child.pid;
  return {
    pid,
    start: () => run,
    discard: () => void child.kill("SIGKILL"),
    usage: () => processUsage(pid),
  };
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal === null ? 0 : constants.signals[signal];
}
