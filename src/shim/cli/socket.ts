/**
 * Where a shim listens. Like containerd's own shims and runwasi, one shim serves every container of a
 * sandbox (a pod), so the socket is named by a hash of containerd's address, the namespace and the
 * grouping id — the CRI sandbox id when there is one, else the container id — under `/run/containerd/s`.
 * `answers` tells a live shim from a stale socket file left by one that died.
 */
import { createHash } from "node:crypto";
import { connect } from "node:net";
import { join } from "node:path";

export const SOCKET_DIR = "/run/containerd/s";

export function socketPath(address: string, namespace: string, grouping: string, dir = SOCKET_DIR): string {
  const hash = createHash("sha256")
    .update(join(address, namespace, grouping))
    .digest("hex");
  return join(dir, hash);
}

/** The `unix://` address containerd expects for a socket path. */
export function socketAddress(path: string): string {
  return `unix://${path}`;
}

export function socketPathOf(address: string): string {
  return address.replace(/^unix:\/\//, "");
}

/** Whether something accepts connections on the unix socket at `path`. */
export function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
