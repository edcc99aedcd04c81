/**
 * What `spindle up` and `spindle watch` share: the serving options they both accept (runtime config
 * included), turning them into the app's running triggers (HTTP, Redis) with the host capabilities for a
 * manifest, and waiting for SIGINT/SIGTERM.
 */
import { resolve } from "node:path";
import type { ParseArgsConfig } from "node:util";
import type { Manifest } from "../manifest/schema.ts";
import { prepareLocalApp, prepareLockedApp, type RunnableApp } from "../app/local-app.ts";
import type { LoadedApp } from "../app/load.ts";
import { dotenvProvider, envProvider, staticProvider, type ResolvedVariables } from "../app/variables.ts";
import { runtimeConfigProviders } from "../app/variable-providers.ts";
import { hostRuntimeConfig, readRuntimeConfigFile, type RuntimeConfigFile } from "../app/runtime-config.ts";
import { SpindleError } from "../errors.ts";
import { createLogger, LOG_LEVELS, type HostLogger, type LogLevel } from "../observe/logger.ts";
import { startObservability } from "../observe/observability.ts";
import { createProgress } from "../observe/progress.ts";
import { DEFAULT_LISTEN, parseListenAddress, type ListenAddress } from "../triggers/http/listen-address.ts";
import type { ServerLimits } from "../triggers/http/server.ts";
import { closeInOrder } from "../util/close-all.ts";
import { startAppRuntime, type AppSettings, type RunningAppRuntime } from "../triggers/app-runtime.ts";
import { triggerTypes, triggersBanner, type AppTriggers } from "../triggers/start.ts";
import { listOption, flagOption, stringOption, type ParsedOptions } from "./command.ts";
import { parseVariableFlags } from "./variable-flags.ts";
import { parseEnvFlags } from "./env-flags.ts";
import { readSqliteFlags } from "./sqlite-flags.ts";
import { cacheDir } from "./cache-dir.ts";
import type { InstanceReuse } from "../engine/instance-reuse.ts";
import { readInstanceReuse } from "./instance-reuse-flags.ts";
import { readMaxInstanceMemory, readServerLimits } from "./limit-flags.ts";

export const SERVE_OPTIONS: NonNullable<ParseArgsConfig["options"]> = {
  from: { type: "string", short: "f" },
  listen: { type: "string" },
  variable: { type: "string", multiple: true },
  env: { type: "string", short: "e", multiple: true },
  "state-dir": { type: "string" },
  "log-dir": { type: "string" },
  "runtime-config-file": { type: "string" },
  "key-value": { type: "string", multiple: true },
  sqlite: { type: "string", multiple: true },
  quiet: { type: "boolean", short: "q" },
  insecure: { type: "boolean", short: "k" },
  "admin-listen": { type: "string" },
  "admin-token": { type: "string" },
  "request-timeout": { type: "string" },
  "max-concurrent-requests": { type: "string" },
  "max-queued-requests": { type: "string" },
  "shutdown-timeout": { type: "string" },
  "log-level": { type: "string" },
  "max-instance-memory": { type: "string" },
  "instance-reuse": { type: "string", multiple: true },
  "component-id": { type: "string", short: "c", multiple: true },
};

export const SERVE_USAGE = `  -f, --from <DIR|FILE>       the app: a spin.toml file or a directory holding one (default: .)
      --listen <HOST:PORT>    address to serve on (env SPIN_HTTP_LISTEN_ADDR; default ${DEFAULT_LISTEN})
      --variable <NAME=VALUE> set an application variable; also NAME=@FILE, @FILE.json, @FILE.toml (repeatable)
  -e, --env <KEY=VALUE>       add an environment variable to every component (repeatable)
  -c, --component-id <ID>     run only this component and its triggers (repeatable; default: all)
      --state-dir <DIR>       where the app keeps state (default: .spin next to spin.toml)
      --log-dir <DIR>         where component output is written (default: <state-dir>/logs)
      --runtime-config-file <FILE>
                              key-value stores, SQLite databases, state_dir, log_dir (env SPIN_RUNTIME_CONFIG_FILE)
      --key-value <KEY=VALUE> set a key in the default key-value store before serving (repeatable)
      --sqlite <SQL|@FILE>    run SQL against the default SQLite database before serving (repeatable)
  -q, --quiet                 do not echo component output to the terminal
  -k, --insecure              with -f REF: use plain HTTP for a registry that is not on this machine
      --admin-listen <HOST:PORT>
                              serve Prometheus metrics (/metrics) and the dashboard (/) there (default: off)
      --admin-token <TOKEN>   require this token on the admin endpoint, as a bearer token or a Basic
                              password (env SPINDLE_ADMIN_TOKEN, which ps does not show; default: none)
      --request-timeout <DURATION>
                              answer 504 and drop the guest after this long, e.g. 30s, 500ms, 2m; 0 for
                              no deadline (env SPINDLE_REQUEST_TIMEOUT; default 30s)
      --max-concurrent-requests <N>
                              guest requests running at once; 0 for no limit
                              (env SPINDLE_MAX_CONCURRENT_REQUESTS; default 100)
      --max-queued-requests <N>
                              requests waiting for a slot; beyond that, 503 with Retry-After
                              (env SPINDLE_MAX_QUEUED_REQUESTS; default 1000)
      --shutdown-timeout <DURATION>
                              on SIGINT/SIGTERM, how long in-flight requests may finish
                              (env SPINDLE_SHUTDOWN_TIMEOUT; default 30s)
      --log-level <LEVEL>     debug, info, warn or error (env SPINDLE_LOG_LEVEL; default info); debug adds
                              one line per request
      --max-instance-memory <BYTES>
                              cap each instance's linear memory, e.g. 134217728 or 128Mi; growing past it
                              fails in the guest (env SPIN_MAX_INSTANCE_MEMORY; default: no cap)
      --instance-reuse <N|COMPONENT=N>
                              let one instance serve up to N requests, one at a time, for every component
                              or for one (repeatable; env SPINDLE_INSTANCE_REUSE, comma-separated; default 1:
                              a fresh instance per request). Faster, but requests see each other's guest state
`;

/** The parsed serving options, checked before anything starts. */
export interface ServeSettings {
  readonly listen: ListenAddress;
  readonly variables: ReadonlyMap<string, string>;
  readonly env: ReadonlyMap<string, string>;
  readonly stateDir: string | undefined;
  readonly logDir: string | undefined;
  readonly runtimeConfig: RuntimeConfigFile | undefined;
  readonly keyValues: ReadonlyMap<string, string>;
  /** `--sqlite` statements, `@FILE` arguments already read. */
  readonly sqliteStatements: readonly string[];
  readonly quiet: boolean;
  readonly insecure: boolean;
  readonly limits: ServerLimits;
  readonly logger: HostLogger;
  readonly logLevel: LogLevel;
  /** `--max-instance-memory`, in bytes; no cap when undefined. */
  readonly maxInstanceMemory: number | undefined;
  /** `--component-id`: the components to run; all when empty. */
  readonly components: readonly string[];
  /** `--instance-reuse`: requests per instance by component. */
  readonly instanceReuse: InstanceReuse;
  /** `--admin-listen`: where metrics and the dashboard are served; off when undefined. */
  readonly adminListen: ListenAddress | undefined;
  /** `--admin-token`: what the admin endpoint asks every request for; nothing when undefined. */
  readonly adminToken: string | undefined;
}

export function serveSettings(options: ParsedOptions): ServeSettings {
  const cwd = process.cwd();
  const level = logLevel(stringOption(options, "log-level") ?? process.env["SPINDLE_LOG_LEVEL"]);
  const dir = (name: string) => {
    const value = stringOption(options, name);
    return value === undefined ? undefined : resolve(cwd, value);
  };
  return {
    listen: parseListenAddress(
      stringOption(options, "listen") ?? process.env["SPIN_HTTP_LISTEN_ADDR"] ?? DEFAULT_LISTEN,
    ),
    variables: parseVariableFlags(listOption(options, "variable"), cwd),
    env: parseEnvFlags(listOption(options, "env")),
    stateDir: dir("state-dir"),
    logDir: dir("log-dir"),
    runtimeConfig: runtimeConfigFile(stringOption(options, "runtime-config-file"), cwd),
    keyValues: parseKeyValueFlags(listOption(options, "key-value")),
    sqliteStatements: readSqliteFlags(listOption(options, "sqlite"), cwd),
    quiet: flagOption(options, "quiet"),
    insecure: flagOption(options, "insecure"),
    limits: readServerLimits(options, process.env),
    maxInstanceMemory: readMaxInstanceMemory(options, process.env),
    instanceReuse: readInstanceReuse(listOption(options, "instance-reuse"), process.env),
    components: listOption(options, "component-id"),
    logger: createLogger(process.stderr, { json: !process.stderr.isTTY, level }),
    logLevel: level,
    adminListen: adminListen(stringOption(options, "admin-listen")),
    adminToken: adminToken(options, process.env),
  };
}

/** Locks, resolves and loads the manifest's app with the command line's variables. */
export function prepareApp(manifest: Manifest, settings: ServeSettings): Promise<RunnableApp> {
  return prepareLocalApp(manifest, {
    cacheDir: cacheDir(),
    variableProviders: providers(settings),
    components: selection(settings),
  });
}

/** Pulls an app from a registry (or its cache) and loads it like a local one. */
export async function prepareRegistryApp(reference: string, settings: ServeSettings): Promise<RunnableApp> {
  // Imported here: serving a local app loads no registry code.
  const { loadFromRegistry } = await import("../oci/registry-app.ts");
  const locked = await loadFromRegistry(reference, {
    cacheDir: cacheDir(),
    insecure: settings.insecure,
    progress: createProgress(process.stderr),
  });
  return prepareLockedApp(locked, {
    variableProviders: providers(settings),
    components: selection(settings),
  });
}

function selection(settings: ServeSettings) {
  return { ids: settings.components, where: "--component-id" };
}

/** As Spin orders them: `--variable`, the runtime config's providers, the environment, `.env`. */
function providers(settings: ServeSettings) {
  return [
    staticProvider("--variable", settings.variables),
    ...runtimeConfigProviders(settings.runtimeConfig?.variablesProviders ?? [], process.env),
    envProvider(process.env),
    dotenvProvider(resolve(process.cwd(), ".env")),
  ];
}

function logLevel(text: string | undefined): LogLevel {
  if (text === undefined || text === "") return "info";
  const level = LOG_LEVELS.find((l) => l === text.toLowerCase());
  if (level !== undefined) return level;
  throw new SpindleError(`invalid log level "${text}"`, {
    hint: `use one of ${LOG_LEVELS.join(", ")} (--log-level or SPINDLE_LOG_LEVEL)`,
  });
}

function adminListen(flag: string | undefined): ListenAddress | undefined {
  if (flag === undefined) return undefined;
  try {
    return parseListenAddress(flag);
  } catch (cause) {
    throw new SpindleError(`invalid --admin-listen address "${flag}"`, {
      cause,
      hint: "use HOST:PORT, e.g. --admin-listen 127.0.0.1:9090 (port 0 picks a free port)",
    });
  }
}

function adminToken(options: ParsedOptions, env: NodeJS.ProcessEnv): string | undefined {
  const flag = stringOption(options, "admin-token");
  if (flag !== undefined && stringOption(options, "admin-listen") === undefined) {
    throw new SpindleError("--admin-token was given without --admin-listen", {
      hint: "add --admin-listen HOST:PORT to start the admin endpoint the token protects",
    });
  }
  if (flag === "") {
    throw new SpindleError("--admin-token is empty", { hint: "give a token, or leave the flag out" });
  }
  const token = flag ?? env["SPINDLE_ADMIN_TOKEN"];
  return token === "" ? undefined : token;
}

function runtimeConfigFile(flag: string | undefined, cwd: string): RuntimeConfigFile | undefined {
  const path = flag ?? process.env["SPIN_RUNTIME_CONFIG_FILE"];
  return path === undefined || path === "" ? undefined : readRuntimeConfigFile(resolve(cwd, path), cwd);
}

function parseKeyValueFlags(flags: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const flag of flags) {
    const eq = flag.indexOf("=");
    if (eq <= 0) {
      throw new SpindleError(`invalid --key-value "${flag}": expected KEY=VALUE`, {
        hint: "for example --key-value greeting=hello",
      });
    }
    values.set(flag.slice(0, eq), flag.slice(eq + 1));
  }
  return values;
}

/**
 * Serves the app with the host capabilities, closed again with the trigger. `stateDir` is the app's
 * default state directory: `.spin` beside a local spin.toml; a registry app has none unless
 * `--state-dir` or runtime config names one — its guest output then goes to the terminal only and its
 * `default` key-value store and SQLite database live in memory.
 */
export async function startServing(
  runnable: RunnableApp,
  settings: ServeSettings,
  stateDir: string | undefined,
): Promise<RunningServe> {
  const runtimeConfig = hostRuntimeConfig({
    file: settings.runtimeConfig,
    stateDirFlag: settings.stateDir,
    logDirFlag: settings.logDir,
    defaultStateDir: stateDir,
    keyValueSeed: settings.keyValues,
    sqliteStatements: settings.sqliteStatements,
  });
  let triggers: AppTriggers = { http: undefined, redis: undefined };
  // The app `spindle watch` last reloaded: the dashboard names the app being served, not the first one.
  let served = runnable.app;
  const app = () =>
    triggers.http && {
      name: served.name,
      routes: triggers.http.routes.map((r) => ({ component: r.component, route: r.display })),
      instances: [...triggers.http.instances()].map(([component, stats]) => ({ component, ...stats })),
    };
  const { logger } = settings;
  logger.redact(secretValues(runnable.variables));
  const observability = await startObservability({
    admin: settings.adminListen && { ...settings.adminListen, token: settings.adminToken },
    app,
    accessLog: settings.logLevel === "debug" ? logger : undefined,
    logger,
    env: process.env,
  });
  const appSettings: AppSettings = {
    extraEnv: settings.env,
    logDir: runtimeConfig.logDir,
    echo: settings.quiet ? undefined : process.stderr,
    logger: settings.logger,
    observer: observability.observer,
    cacheDir: cacheDir(),
    maxInstanceMemory: settings.maxInstanceMemory,
  };
  let runtime: RunningAppRuntime;
  try {
    runtime = await startAppRuntime(runnable, runtimeConfig, appSettings, {
      listen: settings.listen,
      limits: settings.limits,
      instanceReuse: settings.instanceReuse,
    });
  } catch (error) {
    await observability.close();
    throw error;
  }
  triggers = runtime.triggers;
  const { http, redis } = triggers;
  return {
    http,
    redis,
    adminUrl: observability.adminUrl,
    reload: async (next, variables) => {
      checkSameTriggerTypes(next, triggers);
      logger.redact(secretValues(variables));
      await runtime.triggers.reload(next, variables);
      served = next;
    },
    close: () =>
      closeInOrder(
        () => runtime.close(),
        () => observability.close(),
      ),
  };
}

/** A reload keeps the running triggers: starting or stopping a trigger type needs a restart. */
function checkSameTriggerTypes(next: LoadedApp, running: AppTriggers): void {
  const { http, redis } = triggerTypes(next);
  if (redis === (running.redis !== undefined) && http === (running.http !== undefined)) return;
  throw new SpindleError("the app's trigger types changed (HTTP, Redis), which a reload cannot apply", {
    hint: "stop and start spindle again to run the new set of triggers",
  });
}

function secretValues(variables: ResolvedVariables): string[] {
  return [...variables.secrets].flatMap((name) => variables.values.get(name) ?? []);
}

/** A served app: its running triggers, and the admin listener's URL when `--admin-listen` started one. */
export interface RunningServe extends AppTriggers {
  readonly adminUrl: string | undefined;
  /** Runs `app` from now on in every running trigger (`spindle watch`); throws if it cannot. */
  reload(app: LoadedApp, variables: ResolvedVariables): Promise<void>;
  close(): Promise<void>;
}

/** What `spindle up` and `spindle watch` print once serving: Spin's banner, then the admin endpoint. */
export function startupBanner(running: RunningServe): string {
  const admin =
    running.adminUrl === undefined
      ? ""
      : `Admin endpoint: ${running.adminUrl} (dashboard at /, Prometheus metrics at /metrics)\n`;
  return triggersBanner(running) + admin;
}

export function nextTerminationSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve(signal);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
