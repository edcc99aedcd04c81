/**
 * Serves the Spin app a container carries, the way containerd-shim-spin does: the manifest is `/spin.toml`
 * in the container's root filesystem, `/runtime-config.toml` is used when present, variables come from
 * the container environment (`SPIN_VARIABLE_<NAME>`, overridden by a plain `<NAME>`), and the HTTP trigger
 * listens on `SPIN_HTTP_LISTEN_ADDR` (default `0.0.0.0:80`). From the manifest on, this is the path
 * `spindle up` takes: lock, resolve variables, load, start the HTTP trigger with the host capabilities.
 * The app's state directory is `/.spin` and its download cache `/.cache/spindle`, both in the container.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { prepareLocalApp } from "../../app/local-app.ts";
import { hostRuntimeConfig, readRuntimeConfigFile } from "../../app/runtime-config.ts";
import { envProvider, type VariableProvider } from "../../app/variables.ts";
import { createHostCapabilities } from "../../capabilities/capability.ts";
import { SpindleError } from "../../errors.ts";
import { loadManifest } from "../../manifest/load.ts";
import { readMaxInstanceMemory } from "../../cli/limit-flags.ts";
import { createLogger } from "../../observe/logger.ts";
import { parseListenAddress } from "../../triggers/http/listen-address.ts";
import { formatStartup } from "../../triggers/http/route-table.ts";
import { startHttpTrigger } from "../../triggers/http/trigger.ts";
import type { OutputStream } from "./stdio.ts";

/** The shim's default, as Spin's shim: every interface of the pod's network, port 80. */
export const SHIM_DEFAULT_LISTEN = "0.0.0.0:80";

export interface ContainerApp {
  /** Absolute path of the container's root filesystem. */
  readonly root: string;
  readonly env: ReadonlyMap<string, string>;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
}

/** A serving app; `close` drains in-flight requests. */
export interface ServingApp {
  close(): Promise<void>;
}

export async function serveSpinApp(container: ContainerApp): Promise<ServingApp> {
  const manifestPath = join(container.root, "spin.toml");
  if (!existsSync(manifestPath)) {
    throw new SpindleError("the container has no /spin.toml in its root filesystem", {
      hint: "build the image FROM scratch with spin.toml and its Wasm files at /",
    });
  }
  const manifest = await loadManifest(manifestPath);
  const runtimeConfigPath = join(container.root, "runtime-config.toml");
  const file = existsSync(runtimeConfigPath)
    ? readRuntimeConfigFile(runtimeConfigPath, container.root)
    : undefined;
  const runnable = await prepareLocalApp(manifest, {
    cacheDir: join(container.root, ".cache", "spindle"),
    variableProviders: containerVariables(container.env),
  });
  const runtimeConfig = hostRuntimeConfig({
    file,
    stateDirFlag: undefined,
    logDirFlag: undefined,
    defaultStateDir: join(container.root, ".spin"),
  });
  const logger = createLogger(container.stderr);
  const capabilities = createHostCapabilities(runtimeConfig, logger);
  // SpinKube sets the pod's memory limit as SPIN_MAX_INSTANCE_MEMORY in the container environment.
  const noFlags = { values: {}, positionals: [] };
  const maxInstanceMemory = readMaxInstanceMemory(noFlags, Object.fromEntries(container.env));
  try {
    const trigger = await startHttpTrigger(runnable.app, {
      listen: parseListenAddress(container.env.get("SPIN_HTTP_LISTEN_ADDR") ?? SHIM_DEFAULT_LISTEN),
      variables: runnable.variables,
      extraEnv: new Map(),
      // As in Spin's shim, guest output goes to the container's stdout, not to log files, unless
      // runtime config names a log directory.
      logDir: file?.logDir,
      echo: container.stdout,
      logger,
      cacheDir: join(container.root, ".cache", "spindle"),
      capabilities,
      maxInstanceMemory,
    });
    container.stdout.write(formatStartup(trigger.baseUrl, trigger.routes));
    return {
      close: async () => {
        await trigger.close();
        await capabilities.close();
      },
    };
  } catch (error) {
    await capabilities.close();
    throw error;
  }
}

/** Spin's shim rule: a plain `<NAME>` in the container environment wins over `SPIN_VARIABLE_<NAME>`. */
function containerVariables(env: ReadonlyMap<string, string>): VariableProvider[] {
  const record = Object.fromEntries(env);
  return [
    { name: "container environment", get: (variable) => env.get(variable.toUpperCase()) },
    envProvider(record),
  ];
}
