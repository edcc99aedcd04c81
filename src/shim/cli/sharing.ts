/**
 * How many pods one shim process serves, set by `SPINDLE_SHIM_SHARING` in the environment containerd runs
 * the shim with (the node installer's launcher sets it): `pod` (the default, as containerd's own shims
 * and runwasi's) — one process per pod sandbox, gone when its pod is; `node` — one long-lived process for
 * every Spindle pod of the node and containerd namespace, so a pod costs its app, not a Node.js runtime.
 * That process leaves once it has had no task and no containerd connection for
 * `SPINDLE_SHIM_IDLE_EXIT` seconds (default 30). It outlives every bundle, so its stderr goes to a file
 * beside its socket, removed when it exits cleanly.
 */
import { SpindleError } from "../../errors.ts";

export type ShimSharing = "pod" | "node";

/** The grouping id of the node-wide shim: not a container id, which containerd limits to [A-Za-z0-9_.-]. */
export const NODE_GROUPING = ":node";

const DEFAULT_IDLE_EXIT_SECONDS = 30;

export function shimSharing(env: NodeJS.ProcessEnv): ShimSharing {
  const value = env["SPINDLE_SHIM_SHARING"] ?? "pod";
  if (value === "pod" || value === "node") return value;
  throw new SpindleError(`SPINDLE_SHIM_SHARING is "${value}": expected pod or node`, {
    hint: "set it in the shim's launcher (deploy/node-installer/install.sh writes it from SHIM_SHARING)",
  });
}

/** How long the node-wide shim stays without tasks or connections before it exits, in milliseconds. */
export function idleExitMs(env: NodeJS.ProcessEnv): number {
  const text = env["SPINDLE_SHIM_IDLE_EXIT"];
  if (text === undefined) return DEFAULT_IDLE_EXIT_SECONDS * 1000;
  const seconds = Number(text);
  if (text.trim() === "" || !Number.isFinite(seconds) || seconds < 0) {
    throw new SpindleError(`SPINDLE_SHIM_IDLE_EXIT is "${text}": expected a number of seconds`, {
      hint: `leave it unset for ${DEFAULT_IDLE_EXIT_SECONDS} s`,
    });
  }
  return seconds * 1000;
}

/** Where the node-wide shim listening on the socket `path` writes its stderr. */
export function nodeShimLog(path: string): string {
  return `${path}.log`;
}
