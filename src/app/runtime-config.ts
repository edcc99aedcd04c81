/**
 * runtime-config.toml (`--runtime-config-file`, env `SPIN_RUNTIME_CONFIG_FILE`): where the host keeps
 * state and logs, which backend serves each key-value store label and each SQLite database label. Parsed
 * once at start-up into a plain value; every key must be understood — an unknown key, a missing field or
 * a table Spindle does not implement yet is a `RuntimeConfigError` naming the file and the key. As in
 * Spin, key-value paths resolve against the file's directory and SQLite paths against the current working
 * directory. `hostRuntimeConfig` then adds what Spin always defines: the `default` key-value store and the
 * `default` SQLite database (files in the state directory, or in memory when there is none). Pure apart
 * from reading the file.
 */
import { readFileSync } from "node:fs";
import type { LookupFunction } from "node:net";
import { dirname, join, resolve } from "node:path";
import { parse as parseToml } from "smol-toml";
import { SpindleError } from "../errors.ts";
import type { OutboundSockets } from "../net/outbound-socket.ts";
import { RuntimeConfigError, stringField } from "./runtime-config-fields.ts";
import {
  checkConnectionLimit,
  checkOutboundHttp,
  NO_BLOCKED_NETWORKS,
  outboundNetworking,
  type BlockNetworksConfig,
  type OutboundNetworkingConfig,
} from "./runtime-config-networking.ts";
import { clientTlsConfigs, type ClientTlsConfig } from "./runtime-config-tls.ts";
import {
  keyValueStores,
  sqliteDatabases,
  type KeyValueStoreConfig,
  type SqliteDatabaseConfig,
} from "./runtime-config-stores.ts";
import { variablesProviders, type VariablesProviderConfig } from "./runtime-config-variables.ts";

export { RuntimeConfigError };
export type { KeyValueStoreConfig, SqliteDatabaseConfig };

/** What a runtime-config file says, with paths made absolute. */
export interface RuntimeConfigFile {
  readonly file: string;
  readonly stateDir?: string | undefined;
  readonly logDir?: string | undefined;
  readonly keyValueStores: ReadonlyMap<string, KeyValueStoreConfig>;
  readonly sqliteDatabases: ReadonlyMap<string, SqliteDatabaseConfig>;
  /** `[[variables_provider]]`, in file order. */
  readonly variablesProviders: readonly VariablesProviderConfig[];
  /** `[[client_tls]]`, in file order. */
  readonly clientTls: readonly ClientTlsConfig[];
  /** `[outbound_networking]`, when given. */
  readonly outboundNetworking?: OutboundNetworkingConfig | undefined;
}

/** What the host runs with, once the command line and the defaults are applied. One per process. */
export interface RuntimeConfig {
  readonly stateDir: string | undefined;
  readonly logDir: string | undefined;
  /** Every store label the host can serve, `default` included. */
  readonly keyValueStores: ReadonlyMap<string, KeyValueStoreConfig>;
  /** Written to the `default` store before serving (`spindle up --key-value k=v`). */
  readonly keyValueSeed: ReadonlyMap<string, string>;
  /** Every SQLite database label the host can serve, `default` included. */
  readonly sqliteDatabases: ReadonlyMap<string, SqliteDatabaseConfig>;
  /** Run against the `default` database before serving, in order (`spindle up --sqlite`). */
  readonly sqliteStatements: readonly string[];
  /** `[[client_tls]]` of the file, in order; the first entry naming a component and host applies. */
  readonly clientTls: readonly ClientTlsConfig[];
  /** Networks no outbound connection (HTTP, Redis, PostgreSQL, MQTT) may reach. */
  readonly blockNetworks: BlockNetworksConfig;
  /**
   * How outbound connections resolve host names: the containerd shim's resolves them as the pod would
   * (`src/net/resolver.ts`); `undefined` is the system resolver (Node's `dns.lookup`).
   */
  readonly lookup: LookupFunction | undefined;
  /**
   * Where outbound TCP connections leave from: the node-wide containerd shim's makes them in the pod's
   * network namespace (`src/net/outbound-socket.ts`); `undefined` is the host's own network.
   */
  readonly outboundSockets: OutboundSockets | undefined;
}

/** Tables and keys of Spin's runtime config that Spindle does not serve yet: refused, never ignored. */
const NOT_SUPPORTED = new Set(["max_instance_memory", "llm_compute", "outbound_mysql"]);

/** Reads and parses the file at `path`; `cwd` is what relative SQLite paths resolve against. */
export function readRuntimeConfigFile(path: string, cwd = process.cwd()): RuntimeConfigFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new SpindleError(`cannot read runtime config file ${path}: ${(cause as Error).message}`, {
      cause,
      hint: "check the path given with --runtime-config-file or SPIN_RUNTIME_CONFIG_FILE",
    });
  }
  return parseRuntimeConfig(text, path, cwd);
}

export function parseRuntimeConfig(text: string, file: string, cwd = process.cwd()): RuntimeConfigFile {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text);
  } catch (cause) {
    throw new RuntimeConfigError(
      file,
      undefined,
      `not valid TOML: ${(cause as Error).message}`,
      "fix the syntax",
    );
  }
  if ("variables_provider" in doc && "config_provider" in doc) {
    throw new RuntimeConfigError(
      file,
      "config_provider",
      "both [[variables_provider]] and [[config_provider]] are given",
      "list every provider under [[variables_provider]]; config_provider is its older name",
    );
  }
  const context = { file, base: dirname(resolve(file)), cwd };
  let config: RuntimeConfigFile = {
    file,
    keyValueStores: new Map(),
    sqliteDatabases: new Map(),
    variablesProviders: [],
    clientTls: [],
  };
  for (const [key, value] of Object.entries(doc)) {
    const read = Object.hasOwn(READERS, key) ? READERS[key] : undefined;
    if (read !== undefined) {
      config = { ...config, ...read(context, value, key, config) };
    } else if (NOT_SUPPORTED.has(key)) {
      throw new RuntimeConfigError(
        file,
        key,
        `\`${key}\` is not supported yet by Spindle`,
        `remove \`${key}\``,
      );
    } else {
      throw new RuntimeConfigError(
        file,
        key,
        `unknown key \`${key}\``,
        `remove it; known keys are ${Object.keys(READERS).join(", ")}`,
      );
    }
  }
  return config;
}

interface ReadContext {
  readonly file: string;
  /** The file's directory. */
  readonly base: string;
  readonly cwd: string;
}

/** What a top-level key sets; `sofar` is the file read up to that key. */
type Reader = (
  context: ReadContext,
  value: unknown,
  key: string,
  sofar: RuntimeConfigFile,
) => Partial<RuntimeConfigFile>;

/** Each top-level key Spindle understands, and what it sets. */
const READERS: Readonly<Record<string, Reader>> = {
  state_dir: (context, value, key) => ({ stateDir: directory(context, key, value) }),
  log_dir: (context, value, key) => ({ logDir: directory(context, key, value) }),
  key_value_store: ({ file, base }, value) => ({ keyValueStores: keyValueStores(file, base, value) }),
  sqlite_database: ({ file, cwd }, value) => ({ sqliteDatabases: sqliteDatabases(file, cwd, value) }),
  variables_provider: ({ file, cwd }, value, key) => ({
    variablesProviders: variablesProviders(file, key, cwd, value),
  }),
  config_provider: ({ file, cwd }, value, key) => ({
    variablesProviders: variablesProviders(file, key, cwd, value),
  }),
  client_tls: ({ file, base }, value) => ({ clientTls: clientTlsConfigs(file, base, value) }),
  outbound_networking: ({ file }, value) => ({ outboundNetworking: outboundNetworking(file, value) }),
  // Spin's connection caps: checked, then left out, since Spindle does not apply them (README).
  outbound_http: ({ file }, value) => {
    checkOutboundHttp(file, value);
    return {};
  },
  outbound_redis: connectionLimit,
  outbound_pg: connectionLimit,
  outbound_mqtt: connectionLimit,
};

function connectionLimit({ file }: ReadContext, value: unknown, key: string): Partial<RuntimeConfigFile> {
  checkConnectionLimit(file, key, value);
  return {};
}

/** A directory resolved against the file's; an empty string leaves it unset. */
function directory({ file, base }: ReadContext, key: string, value: unknown): string | undefined {
  const dir = stringField(file, key, value);
  return dir === "" ? undefined : resolve(base, dir);
}

export interface RuntimeConfigInputs {
  readonly file: RuntimeConfigFile | undefined;
  /** `--state-dir`, which wins over the file's `state_dir`. */
  readonly stateDirFlag: string | undefined;
  /** `--log-dir`, which wins over the file's `log_dir`. */
  readonly logDirFlag: string | undefined;
  /** The app's own default: `.spin` beside a local spin.toml, none for a registry app. */
  readonly defaultStateDir: string | undefined;
  readonly keyValueSeed?: ReadonlyMap<string, string>;
  readonly sqliteStatements?: readonly string[];
  /** How host names resolve; the system resolver when absent. */
  readonly lookup?: LookupFunction | undefined;
  /** Where outbound connections leave from; the host's own network when absent. */
  readonly outboundSockets?: OutboundSockets | undefined;
}

/**
 * Applies the command line and Spin's defaults: the `default` key-value store and the `default` SQLite
 * database, unless the file defines them.
 */
export function hostRuntimeConfig(inputs: RuntimeConfigInputs): RuntimeConfig {
  const { stateDir, logDir } = directories(inputs);
  const file = inputs.file;
  const keyValueStores = new Map(file?.keyValueStores);
  if (!keyValueStores.has("default")) keyValueStores.set("default", defaultKeyValueStore(stateDir));
  const sqliteDatabases = new Map(file?.sqliteDatabases);
  if (!sqliteDatabases.has("default")) sqliteDatabases.set("default", defaultSqliteDatabase(stateDir));
  return {
    stateDir,
    logDir,
    keyValueStores,
    keyValueSeed: inputs.keyValueSeed ?? new Map(),
    sqliteDatabases,
    sqliteStatements: inputs.sqliteStatements ?? [],
    clientTls: file?.clientTls ?? [],
    blockNetworks: file?.outboundNetworking?.blockNetworks ?? NO_BLOCKED_NETWORKS,
    lookup: inputs.lookup,
    outboundSockets: inputs.outboundSockets,
  };
}

/** The state and log directories: the flag, else the file, else the default (logs beside the state). */
function directories(inputs: RuntimeConfigInputs): { stateDir?: string; logDir?: string } {
  const stateDir = inputs.stateDirFlag ?? inputs.file?.stateDir ?? inputs.defaultStateDir;
  const logDir =
    inputs.logDirFlag ?? inputs.file?.logDir ?? (stateDir === undefined ? undefined : join(stateDir, "logs"));
  return { ...(stateDir === undefined ? {} : { stateDir }), ...(logDir === undefined ? {} : { logDir }) };
}

/** Spin's `default` key-value store: SQLite in the state directory, in memory without one. */
function defaultKeyValueStore(stateDir: string | undefined): KeyValueStoreConfig {
  return stateDir === undefined
    ? { type: "spin" }
    : { type: "spin", path: join(stateDir, "sqlite_key_value.db") };
}

/** Spin's `default` SQLite database: a file in the state directory, in memory without one. */
function defaultSqliteDatabase(stateDir: string | undefined): SqliteDatabaseConfig {
  const path = stateDir === undefined ? {} : { path: join(stateDir, "sqlite_db.db") };
  return { type: "spin", ...path, allowAttachFile: false };
}
