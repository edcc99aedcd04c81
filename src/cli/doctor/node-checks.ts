/**
 * The checks `spindle doctor --node` runs on a Kubernetes node meant to run Spin apps through
 * `containerd-shim-spindle-v2`: containerd's config registers the shim as a CRI runtime (in the plugin
 * table its config version reads), the shim that runtime names exists and answers `-v`, containerd answers
 * on its socket, and — with a kubeconfig — a RuntimeClass hands pods to that runtime. Each check reports
 * instead of throwing.
 */
import { execFile } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { basename, delimiter, isAbsolute, join } from "node:path";
import { promisify } from "node:util";
import { parse } from "smol-toml";
import { SpindleError } from "../../errors.ts";
import { loadContainerdConfig, type LoadedConfig, type Table } from "./containerd-imports.ts";
import type { CheckResult } from "./report.ts";

const run = promisify(execFile);

export const SHIM_BINARY = "containerd-shim-spindle-v2";
export const SHIM_RUNTIME_TYPE = "io.containerd.spindle.v2";
const INSTALLER_HINT =
  "install the shim with the node installer (deploy/node-installer), which also registers the runtime";

/** Where a node's containerd keeps its config and socket. */
export interface ContainerdPaths {
  readonly config: string;
  readonly address: string;
}

/**
 * MicroK8s, RKE2, k3s and k0s run their own containerd, with a config they generate (MicroK8s's from the
 * template the node installer extends, k0s's importing the drop-ins) and a socket of their own; any other
 * node, containerd's defaults. Tried in the node installer's order.
 */
const DISTRIBUTION_PATHS: readonly ContainerdPaths[] = [
  {
    config: "/var/snap/microk8s/current/args/containerd.toml",
    address: "/var/snap/microk8s/common/run/containerd.sock",
  },
  {
    config: "/var/lib/rancher/rke2/agent/etc/containerd/config.toml",
    address: "/run/k3s/containerd/containerd.sock",
  },
  {
    config: "/var/lib/rancher/k3s/agent/etc/containerd/config.toml",
    address: "/run/k3s/containerd/containerd.sock",
  },
  { config: "/etc/k0s/containerd.toml", address: "/run/k0s/containerd.sock" },
];
const CONTAINERD_PATHS: ContainerdPaths = {
  config: "/etc/containerd/config.toml",
  address: "/run/containerd/containerd.sock",
};

/** The paths of this node's containerd: a distribution's when its generated config exists. */
export function defaultContainerdPaths(exists: (path: string) => boolean = existsSync): ContainerdPaths {
  return DISTRIBUTION_PATHS.find((paths) => exists(paths.config)) ?? CONTAINERD_PATHS;
}

/** containerd 1.x (config version 1 and 2) and 2.x (version 3) keep CRI runtimes in different tables. */
const CRI_TABLES: Readonly<Record<number, readonly string[]>> = {
  1: ["cri", "io.containerd.grpc.v1.cri"],
  2: ["io.containerd.grpc.v1.cri"],
  3: ["io.containerd.cri.v1.runtime"],
};
const ALL_TABLES = ["cri", "io.containerd.grpc.v1.cri", "io.containerd.cri.v1.runtime"];

/** Where containerd's config registers the Spindle shim, or why it does not. */
export type Registration =
  | {
      readonly kind: "registered";
      readonly name: string;
      readonly runtimeType: string;
      readonly table: string;
    }
  | { readonly kind: "misplaced"; readonly name: string; readonly table: string; readonly version: number }
  | { readonly kind: "absent"; readonly version: number };

const isTable = (value: unknown): value is Table =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Whether a runtime_type starts this shim: its runtime name, or a path to a binary of its name. */
export function isSpindleRuntimeType(runtimeType: string): boolean {
  return runtimeType === SHIM_RUNTIME_TYPE || basename(runtimeType) === SHIM_BINARY;
}

/** The Spindle runtimes of one plugin table: `plugins."<table>".containerd.runtimes.<name>`. */
function spindleRuntimes(config: Table, table: string): { name: string; runtimeType: string }[] {
  const plugins = config["plugins"];
  const plugin = isTable(plugins) ? plugins[table] : undefined;
  const containerd = isTable(plugin) ? plugin["containerd"] : undefined;
  const runtimes = isTable(containerd) ? containerd["runtimes"] : undefined;
  if (!isTable(runtimes)) return [];
  return Object.entries(runtimes).flatMap(([name, runtime]) => {
    const runtimeType = isTable(runtime) ? runtime["runtime_type"] : undefined;
    return typeof runtimeType === "string" && isSpindleRuntimeType(runtimeType)
      ? [{ name, runtimeType }]
      : [];
  });
}

/**
 * Finds the Spindle runtime in containerd's config text. A config without `version` is version 1, as
 * containerd 1.x reads it. Throws smol-toml's error for text that is not TOML.
 */
export function findSpindleRuntime(text: string): Registration {
  return findInConfig(parse(text));
}

function findInConfig(config: Table): Registration {
  const version = typeof config["version"] === "number" ? config["version"] : 1;
  const expected = CRI_TABLES[version] ?? [];
  for (const table of expected) {
    const runtime = spindleRuntimes(config, table)[0];
    if (runtime !== undefined) return { kind: "registered", table, ...runtime };
  }
  for (const table of ALL_TABLES.filter((t) => !expected.includes(t))) {
    const runtime = spindleRuntimes(config, table)[0];
    if (runtime !== undefined) return { kind: "misplaced", name: runtime.name, table, version };
  }
  return { kind: "absent", version };
}

export interface ConfigCheck {
  readonly result: CheckResult;
  /** The registered runtime, when there is one. */
  readonly runtime?: { readonly name: string; readonly runtimeType: string } | undefined;
}

/**
 * Where the runtime is among a config's files, each read in its own version (containerd migrates an
 * import of a lower version): the first file that registers it, else the first that misplaces it, else
 * the root file, where it is absent.
 */
function locateRuntime({ root, imported }: LoadedConfig): { path: string; registration: Registration } {
  const found = [root, ...imported].map(({ path, config }) => ({ path, registration: findInConfig(config) }));
  return (
    found.find(({ registration }) => registration.kind === "registered") ??
    found.find(({ registration }) => registration.kind === "misplaced") ??
    (found[0] as { path: string; registration: Registration })
  );
}

export function checkContainerdConfig(file: string): ConfigCheck {
  const name = "CRI runtime";
  if (!existsSync(file)) {
    const hint = `${INSTALLER_HINT}; or pass --containerd-config with the file containerd reads`;
    return { result: { name, status: "fail", detail: `${file} does not exist`, hint } };
  }
  let loaded: LoadedConfig;
  try {
    loaded = loadContainerdConfig(file);
  } catch (error) {
    if (!(error instanceof SpindleError)) throw error;
    const hint = error.hint === undefined ? {} : { hint: error.hint };
    return { result: { name, status: "fail", detail: error.message, ...hint } };
  }
  const found = locateRuntime(loaded);
  if (found.registration.kind === "absent") {
    const where = loaded.imported.length === 0 ? file : `${file} (and the files it imports)`;
    return describeRegistration(where, found.registration);
  }
  const where = found.path === file ? file : `${found.path} (imported by ${file})`;
  return describeRegistration(where, found.registration);
}

function describeRegistration(file: string, registration: Registration): ConfigCheck {
  const name = "CRI runtime";
  if (registration.kind === "registered") {
    const { table, runtimeType } = registration;
    const detail = `${file} registers runtime "${registration.name}" (${runtimeType}) in plugins."${table}"`;
    return { result: { name, status: "ok", detail }, runtime: registration };
  }
  const expected = (CRI_TABLES[registration.version] ?? ALL_TABLES).join('" or plugins."');
  if (registration.kind === "misplaced") {
    return {
      result: {
        name,
        status: "fail",
        detail: `${file} registers runtime "${registration.name}" in plugins."${registration.table}", which config version ${registration.version} does not read`,
        hint: `move it to [plugins."${expected}".containerd.runtimes.${registration.name}]`,
      },
    };
  }
  return {
    result: {
      name,
      status: "fail",
      detail: `${file} registers no runtime with runtime_type "${SHIM_RUNTIME_TYPE}"`,
      hint: `${INSTALLER_HINT}, or add [plugins."${expected}".containerd.runtimes.spindle] with runtime_type = "${SHIM_RUNTIME_TYPE}"`,
    },
  };
}

/**
 * The shim the runtime starts: a runtime_type that is a path names the binary; a runtime name makes
 * containerd look `containerd-shim-spindle-v2` up on its PATH (here, this process's PATH).
 */
export async function checkShim(runtimeType: string | undefined, path: string): Promise<CheckResult> {
  const name = "shim";
  const binary = shimBinary(runtimeType, path);
  if (binary === undefined || !isExecutable(binary)) {
    const where = binary ?? `${SHIM_BINARY} on PATH`;
    return { name, status: "fail", detail: `${where} is missing or not executable`, hint: INSTALLER_HINT };
  }
  try {
    const { stdout } = await run(binary, ["-v"], { timeout: 30_000 });
    const version = /Version:\s*(\S+)/.exec(stdout)?.[1];
    if (version === undefined) {
      const hint = `is ${binary} Spindle's shim? \`${binary} -v\` should print its version`;
      return { name, status: "fail", detail: `${binary} -v printed no version`, hint };
    }
    return { name, status: "ok", detail: `${binary} runs (version ${version})` };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n", 1)[0] : String(error);
    const hint = `run \`${binary} -v\` to see why; it needs the Node.js the installer copies next to it`;
    return { name, status: "fail", detail: `${binary} does not run: ${reason}`, hint };
  }
}

/** What containerd starts for the runtime: its absolute `runtime_type`, else the shim binary on `path`. */
function shimBinary(runtimeType: string | undefined, path: string): string | undefined {
  if (runtimeType !== undefined && isAbsolute(runtimeType)) return runtimeType;
  return path
    .split(delimiter)
    .filter((dir) => dir !== "")
    .map((dir) => join(dir, SHIM_BINARY))
    .find(isExecutable);
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * How the shim shares itself (`SPINDLE_SHIM_SHARING` as the node installer's launcher sets it, in the file
 * containerd starts for the runtime; one shim per pod when that file sets none), and whether this Node.js
 * reaches libc's `setns` through `node:ffi`, without which the shim cannot listen or connect inside a pod's
 * network namespace. Not checked without a shim, which the shim check reports.
 */
export async function checkPodNetworking(
  runtimeType: string | undefined,
  path: string,
): Promise<CheckResult> {
  const name = "pod networking";
  const launcher = shimBinary(runtimeType, path);
  if (launcher === undefined || !existsSync(launcher)) {
    return { name, status: "skip", detail: "not checked: there is no shim to start (see the shim check)" };
  }
  const value = /SPINDLE_SHIM_SHARING=(\S*)/.exec(readFileSync(launcher, "utf8"))?.[1];
  let mode: string;
  try {
    const { shimSharing } = await import("../../shim/cli/sharing.ts");
    const sharing = shimSharing(value === undefined ? {} : { SPINDLE_SHIM_SHARING: value });
    mode = sharing === "node" ? "one shim for every pod of the node" : "one shim per pod";
  } catch (error) {
    const { message, hint } = error as SpindleError;
    return { name, status: "fail", detail: `${launcher}: ${message}`, hint };
  }
  try {
    const { libc } = await import("../../shim/container/libc.ts");
    libc();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      name,
      status: "fail",
      detail: `${mode}, but node:ffi cannot reach libc's setns: ${reason}`,
      hint: "the shim needs Node.js 26 (the package's pinned node) to enter pods' network namespaces",
    };
  }
  return { name, status: "ok", detail: `${mode}; setns reachable through node:ffi` };
}

export async function checkContainerd(address: string): Promise<CheckResult> {
  const name = "containerd";
  const hint = "start containerd, or pass --containerd-address with the socket its [grpc] address names";
  if (!existsSync(address)) return { name, status: "fail", detail: `no socket at ${address}`, hint };
  const { ContainerdClient } = await import("../../shim/containerd/client.ts");
  const client = new ContainerdClient(address, "default");
  try {
    const { version, revision } = await client.version(5000);
    return { name, status: "ok", detail: `${version} (${revision.slice(0, 12)}) answers on ${address}` };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { name, status: "fail", detail: `${address} does not answer: ${reason}`, hint };
  } finally {
    client.close();
  }
}

/** `kubeconfig` is the file to use, or `undefined` when there is none (the check is skipped). */
export async function checkRuntimeClass(
  handler: string | undefined,
  kubeconfig: string | undefined,
): Promise<CheckResult> {
  const name = "RuntimeClass";
  if (kubeconfig === undefined) {
    const detail = "not checked: no kubeconfig (pass --kubeconfig, or set KUBECONFIG, to check the cluster)";
    return { name, status: "skip", detail };
  }
  if (handler === undefined) {
    return { name, status: "skip", detail: "not checked: containerd's config registers no Spindle runtime" };
  }
  const hint = `kubectl apply -f deploy/runtimeclass.yaml (its handler must be "${handler}", the runtime's name in containerd's config)`;
  try {
    const { KubeClient } = await import("../../kube/client/client.ts");
    const { RUNTIME_CLASSES } = await import("../../kube/client/resources.ts");
    const { items } = await KubeClient.fromEnvironment(kubeconfig).list(RUNTIME_CLASSES, undefined);
    const found = items.find((item) => item["handler"] === handler);
    if (found === undefined) {
      return {
        name,
        status: "fail",
        detail: `the cluster has no RuntimeClass with handler "${handler}"`,
        hint,
      };
    }
    return { name, status: "ok", detail: `${found.metadata.name} hands pods to runtime "${handler}"` };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const kubeHint = "check the kubeconfig and that the cluster answers (`kubectl get runtimeclass`)";
    return { name, status: "fail", detail: `cannot list RuntimeClasses: ${reason}`, hint: kubeHint };
  }
}
