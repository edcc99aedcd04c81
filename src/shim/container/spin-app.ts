/**
 * Serves the Spin app a container carries, the way containerd-shim-spin does: the app in the image's Wasm
 * layers when it has them (see `image-app.ts`), else the manifest `/spin.toml` in the container's root
 * filesystem; `/runtime-config.toml` is used when present, variables come from the container environment
 * (`SPIN_VARIABLE_<NAME>`, overridden by a plain `<NAME>`), and the HTTP trigger listens on
 * `SPIN_HTTP_LISTEN_ADDR` (default `0.0.0.0:80`). Outbound connections, the guests' and the host's own
 * (variable providers, libSQL), resolve host names with the container's mounted `/etc/resolv.conf` and
 * `/etc/hosts`, as the pod would, and leave from the pod's network namespace. From the app on, this is the
 * path `spindle up` takes: lock (a manifest), resolve variables, load, start the HTTP trigger with the host
 * capabilities. The app's state directory is `/.spin` and its download cache `/.cache/spindle`, both in
 * the container.
 */
import { existsSync } from "node:fs";
import type { LookupFunction } from "node:net";
import { join } from "node:path";
import { prepareLocalApp, prepareLockedApp, type RunnableApp } from "../../app/local-app.ts";
import {
  hostRuntimeConfig,
  readRuntimeConfigFile,
  type RuntimeConfigFile,
} from "../../app/runtime-config.ts";
import { runtimeConfigProviders } from "../../app/variable-providers.ts";
import { createHostFetch } from "../../capabilities/outbound-networking/host-fetch.ts";
import { envProvider, type VariableProvider } from "../../app/variables.ts";
import { SpindleError } from "../../errors.ts";
import { instanceMemoryFromEnv } from "../../engine/instance-memory.ts";
import { loadManifest } from "../../manifest/load.ts";
import { createLogger } from "../../observe/logger.ts";
import type { OutboundSockets } from "../../net/outbound-socket.ts";
import { resolverLookupFromFiles, type ResolverFiles } from "../../net/resolver.ts";
import { parseListenAddress, type ListenAddress } from "../../triggers/http/listen-address.ts";
import { startAppRuntime } from "../../triggers/app-runtime.ts";
import { triggersBanner } from "../../triggers/start.ts";
import type { ImageApps } from "./image-app.ts";
import {
  foreignNetworkNamespace,
  listenInNetworkNamespace,
  socketsInNetworkNamespace,
} from "./network-namespace.ts";
import type { OutputStream } from "./stdio.ts";

/** The shim's default, as Spin's shim: every interface of the pod's network, port 80. */
export const SHIM_DEFAULT_LISTEN = "0.0.0.0:80";

export interface ContainerApp {
  readonly id: string;
  /** The OCI spec's annotations. */
  readonly annotations: Readonly<Record<string, string>>;
  /** Absolute path of the container's root filesystem. */
  readonly root: string;
  readonly env: ReadonlyMap<string, string>;
  /** The pod's network namespace, where the HTTP trigger listens; absent: the shim's own. */
  readonly networkNamespace: string | undefined;
  /** The files the spec mounts at `/etc/resolv.conf` and `/etc/hosts`, which host names resolve with. */
  readonly nameFiles: ResolverFiles;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
}

/** A serving app; `close` drains in-flight requests. */
export interface ServingApp {
  /** The linear memory its HTTP components' instances hold now, ready and in flight. */
  instanceMemoryBytes(): number;
  close(): Promise<void>;
}

/** `images` finds apps in image layers; without it (no containerd to ask) only `/spin.toml` is read. */
export async function serveSpinApp(container: ContainerApp, images?: ImageApps): Promise<ServingApp> {
  const runtimeConfigPath = join(container.root, "runtime-config.toml");
  const file = existsSync(runtimeConfigPath)
    ? readRuntimeConfigFile(runtimeConfigPath, container.root)
    : undefined;
  // The pod's namespace when it is not the shim's (the node-wide shim's pods): listener and outbound
  // connections are made there, so the pod's address and network policies apply to them.
  const namespace = foreignNetworkNamespace(container.networkNamespace);
  const sockets = namespace === undefined ? undefined : socketsInNetworkNamespace(namespace);
  const lookup = containerLookup(container.nameFiles, sockets);
  // The variable providers are asked while the app is prepared, and only then.
  const providersFetch = createHostFetch({ lookup, sockets });
  const runnable = await prepareContainerApp(container, file, images, providersFetch.fetch).finally(() =>
    providersFetch.close(),
  );
  const runtimeConfig = hostRuntimeConfig({
    file,
    stateDirFlag: undefined,
    logDirFlag: undefined,
    defaultStateDir: join(container.root, ".spin"),
    lookup,
    outboundSockets: sockets,
  });
  const runtime = await startAppRuntime(
    runnable,
    runtimeConfig,
    {
      extraEnv: new Map(),
      // As in Spin's shim, guest output goes to the container's stdout, not to log files, unless
      // runtime config names a log directory.
      logDir: file?.logDir,
      echo: container.stdout,
      logger: createLogger(container.stderr),
      cacheDir: join(container.root, ".cache", "spindle"),
      // SpinKube sets the pod's memory limit as SPIN_MAX_INSTANCE_MEMORY in the container environment.
      maxInstanceMemory: instanceMemoryFromEnv(container.env),
    },
    { listen: listenAddress(container, namespace) },
  );
  container.stdout.write(triggersBanner(runtime.triggers));
  return {
    instanceMemoryBytes: () => {
      let bytes = 0;
      for (const stats of runtime.triggers.http?.instances().values() ?? []) bytes += stats.memoryBytes;
      return bytes;
    },
    close: () => runtime.close(),
  };
}

/**
 * Host names resolve as in the pod, with the files the CRI plugin mounts (one the spec does not mount is
 * the node's own, as in the shim), the queries sent from the pod's sockets when it has its own; a
 * container that mounts neither keeps the system resolver.
 */
function containerLookup(
  files: ResolverFiles,
  sockets: OutboundSockets | undefined,
): LookupFunction | undefined {
  if (files.resolvConf === undefined && files.hosts === undefined) return undefined;
  return resolverLookupFromFiles(files, sockets);
}

/**
 * `SPIN_HTTP_LISTEN_ADDR`, bound inside the pod's network namespace when the container has one that is
 * not the shim's (a Kubernetes pod), so each pod listens on its own address, port 80 in all of them.
 */
function listenAddress(container: ContainerApp, namespace: string | undefined): ListenAddress {
  const address = parseListenAddress(container.env.get("SPIN_HTTP_LISTEN_ADDR") ?? SHIM_DEFAULT_LISTEN);
  if (namespace === undefined) return address;
  return { ...address, socket: () => listenInNetworkNamespace(namespace, address) };
}

async function prepareContainerApp(
  container: ContainerApp,
  file: RuntimeConfigFile | undefined,
  images: ImageApps | undefined,
  fetch: typeof globalThis.fetch,
): Promise<RunnableApp> {
  const cacheDir = join(container.root, ".cache", "spindle");
  const variableProviders = containerVariables(container.env, file, fetch);
  // SpinKube sets this from a SpinApp's `components`, as for Spin's own shim.
  const retain = container.env.get("SPIN_COMPONENTS_TO_RETAIN") ?? "";
  const components = {
    ids: retain.split(",").flatMap((id) => (id.trim() === "" ? [] : [id.trim()])),
    where: "SPIN_COMPONENTS_TO_RETAIN",
  };
  const locked = await images?.lockedApp(container, cacheDir);
  if (locked !== undefined) return prepareLockedApp(locked, { variableProviders, components });
  const manifestPath = join(container.root, "spin.toml");
  if (!existsSync(manifestPath)) {
    throw new SpindleError("the container's image has no Wasm layers and its root filesystem no /spin.toml", {
      hint: "run a Spin OCI artifact (`spindle registry push`), or an image built FROM scratch with spin.toml and its Wasm files at /",
    });
  }
  return prepareLocalApp(await loadManifest(manifestPath), { cacheDir, variableProviders, components });
}

/**
 * Spin's shim rule: a plain `<NAME>` in the container environment wins over the runtime config's providers
 * (the remote ones asking over `fetch`), then `SPIN_VARIABLE_<NAME>`.
 */
function containerVariables(
  env: ReadonlyMap<string, string>,
  file: RuntimeConfigFile | undefined,
  fetch: typeof globalThis.fetch,
): VariableProvider[] {
  const record = Object.fromEntries(env);
  return [
    { name: "container environment", get: (variable) => env.get(variable.toUpperCase()) },
    ...runtimeConfigProviders(file?.variablesProviders ?? [], record, fetch),
    envProvider(record),
  ];
}
