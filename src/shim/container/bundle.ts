/**
 * What the shim reads from a container's OCI bundle (`<bundle>/config.json`, the runtime spec containerd
 * writes): the root filesystem path, the process (arguments, environment, working directory), the
 * annotations (the CRI sandbox id that groups a pod's containers; whether the container is the pod's
 * sandbox), the network namespace to join, and the files bind-mounted at `/etc/resolv.conf` and
 * `/etc/hosts` (the CRI plugin's copies of the pod's, in the sandbox's directory), which the app resolves
 * host names with. Only these fields; the rest of the spec — other mounts and namespaces, cgroups,
 * capabilities — has no meaning for an app that runs inside the shim.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import type { ResolverFiles } from "../../net/resolver.ts";
import { ShimError } from "../ttrpc/status.ts";

export interface BundleSpec {
  /** Absolute path of the root filesystem (`root.path`, relative to the bundle unless absolute). */
  readonly rootPath: string;
  /** `process.env` as a map; later duplicates win, as in execve. */
  readonly env: ReadonlyMap<string, string>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly args: readonly string[];
  /** `process.cwd`, inside the root filesystem. */
  readonly cwd: string;
  /**
   * The network namespace the container joins (`linux.namespaces`, type `network`, with a path): the
   * pod's. Absent for the host's network, or when the spec asks for a new namespace, which the shim does
   * not make.
   */
  readonly networkNamespace: string | undefined;
  /**
   * The sources of the bind mounts at `/etc/resolv.conf` and `/etc/hosts` (relative to the bundle unless
   * absolute; the last mount of a destination wins). Absent when the spec mounts none there.
   */
  readonly nameFiles: ResolverFiles;
}

/** The annotation the CRI plugin sets on every container of a pod, naming the pod's sandbox. */
export const SANDBOX_ID_ANNOTATION = "io.kubernetes.cri.sandbox-id";
/** The CRI plugin's annotation telling the pod's sandbox (`sandbox`) from its containers (`container`). */
const CONTAINER_TYPE_ANNOTATION = "io.kubernetes.cri.container-type";

interface RawSpec {
  root?: { path?: unknown };
  process?: { env?: unknown; args?: unknown; cwd?: unknown };
  annotations?: unknown;
  linux?: { namespaces?: unknown };
  mounts?: unknown;
}

interface RawMount {
  destination?: unknown;
  source?: unknown;
  type?: unknown;
  options?: unknown;
}

export function readBundleSpec(bundle: string): BundleSpec {
  let raw: RawSpec;
  try {
    raw = JSON.parse(readFileSync(join(bundle, "config.json"), "utf8")) as RawSpec;
  } catch (cause) {
    throw new ShimError("invalid-argument", `cannot read the OCI spec ${join(bundle, "config.json")}`, {
      cause,
    });
  }
  const root = typeof raw.root?.path === "string" ? raw.root.path : "rootfs";
  return {
    rootPath: isAbsolute(root) ? root : join(bundle, root),
    env: parseEnv(raw.process?.env),
    annotations: stringRecord(raw.annotations),
    args: Array.isArray(raw.process?.args) ? raw.process.args.filter((a) => typeof a === "string") : [],
    cwd: typeof raw.process?.cwd === "string" ? raw.process.cwd : "/",
    networkNamespace: networkNamespace(raw.linux?.namespaces),
    nameFiles: {
      resolvConf: bindSource(raw.mounts, "/etc/resolv.conf", bundle),
      hosts: bindSource(raw.mounts, "/etc/hosts", bundle),
    },
  };
}

/** Whether the CRI plugin made this container the pod's sandbox (the `pause` container). */
export function isSandbox(spec: BundleSpec): boolean {
  return spec.annotations[CONTAINER_TYPE_ANNOTATION] === "sandbox";
}

function networkNamespace(namespaces: unknown): string | undefined {
  if (!Array.isArray(namespaces)) return undefined;
  const network: unknown = namespaces.find(
    (ns: unknown) => typeof ns === "object" && ns !== null && (ns as { type?: unknown }).type === "network",
  );
  const path = (network as { path?: unknown } | undefined)?.path;
  return typeof path === "string" && path !== "" ? path : undefined;
}

/** The source of the last bind mount at `destination`, if any. */
function bindSource(mounts: unknown, destination: string, bundle: string): string | undefined {
  if (!Array.isArray(mounts)) return undefined;
  const binds = mounts.filter((mount: unknown): mount is RawMount & { source: string } => {
    const m = mount as RawMount | null;
    return (
      typeof m === "object" &&
      m !== null &&
      m.destination === destination &&
      typeof m.source === "string" &&
      isBind(m)
    );
  });
  const source = binds.at(-1)?.source;
  if (source === undefined) return undefined;
  return isAbsolute(source) ? source : join(bundle, source);
}

/** A bind mount as runc reads one: type `bind`, or `bind`/`rbind` among the options. */
function isBind(mount: RawMount): boolean {
  const options = Array.isArray(mount.options) ? (mount.options as unknown[]) : [];
  return mount.type === "bind" || options.includes("bind") || options.includes("rbind");
}

function parseEnv(env: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!Array.isArray(env)) return out;
  for (const entry of env) {
    if (typeof entry !== "string") continue;
    const eq = entry.indexOf("=");
    if (eq > 0) out.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return out;
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== "object" || value === null) return {};
  return Object.fromEntries(
    Object.entries(value).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
}
