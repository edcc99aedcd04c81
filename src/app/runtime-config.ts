/**
 * runtime-config.toml (`--runtime-config-file`, env `SPIN_RUNTIME_CONFIG_FILE`): where the host keeps
 * state and logs, and which backend serves each key-value store label. Parsed once at start-up into a
 * plain value; every key must be understood — an unknown key, a missing field or a table Spindle does
 * not implement yet is a `RuntimeConfigError` naming the file and the key. `hostRuntimeConfig` then adds
 * what Spin always defines: the `default` key-value store (SQLite in the state directory, or in memory
 * when there is none). Pure apart from reading the file.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parse as parseToml } from "smol-toml";
import { SpindleError } from "../errors.ts";

/** A key-value store backend: `spin` is SQLite at `path` (in memory without one), `redis` a server. */
export type KeyValueStoreConfig =
  { readonly type: "spin"; readonly path?: string } | { readonly type: "redis"; readonly url: string };

/** What a runtime-config file says, with paths made absolute. */
export interface RuntimeConfigFile {
  readonly file: string;
  readonly stateDir?: string;
  readonly logDir?: string;
  readonly keyValueStores: ReadonlyMap<string, KeyValueStoreConfig>;
}

/** What the host runs with, once the command line and the defaults are applied. One per process. */
export interface RuntimeConfig {
  readonly stateDir: string | undefined;
  readonly logDir: string | undefined;
  /** Every store label the host can serve, `default` included. */
  readonly keyValueStores: ReadonlyMap<string, KeyValueStoreConfig>;
  /** Written to the `default` store before serving (`spindle up --key-value k=v`). */
  readonly keyValueSeed: ReadonlyMap<string, string>;
}

export class RuntimeConfigError extends SpindleError {
  readonly file: string;
  readonly key: string | undefined;
  constructor(file: string, key: string | undefined, problem: string, hint: string) {
    super(`${file}:${key === undefined ? "" : ` ${key}:`} ${problem}`, { hint });
    this.name = "RuntimeConfigError";
    this.file = file;
    this.key = key;
  }
}

/** Tables and keys of Spin's runtime config that Spindle does not serve yet: refused, never ignored. */
const NOT_SUPPORTED = new Set([
  "max_instance_memory",
  "sqlite_database",
  "variables_provider",
  "config_provider",
  "llm_compute",
  "outbound_http",
  "outbound_redis",
  "outbound_pg",
  "outbound_mysql",
  "outbound_mqtt",
  "outbound_networking",
  "client_tls",
]);

const KV_TYPES_NOT_SUPPORTED = new Set(["azure_cosmos", "aws_dynamo"]);
const LABEL = /^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$/;

export function readRuntimeConfigFile(path: string): RuntimeConfigFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new SpindleError(`cannot read runtime config file ${path}: ${(cause as Error).message}`, {
      cause,
      hint: "check the path given with --runtime-config-file or SPIN_RUNTIME_CONFIG_FILE",
    });
  }
  return parseRuntimeConfig(text, path);
}

export function parseRuntimeConfig(text: string, file: string): RuntimeConfigFile {
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
  const base = dirname(resolve(file));
  let config: { -readonly [K in keyof RuntimeConfigFile]: RuntimeConfigFile[K] } = {
    file,
    keyValueStores: new Map(),
  };
  for (const [key, value] of Object.entries(doc)) {
    if (key === "state_dir" || key === "log_dir") {
      const dir = stringField(file, key, value);
      const field = key === "state_dir" ? "stateDir" : "logDir";
      if (dir !== "") config = { ...config, [field]: resolve(base, dir) };
    } else if (key === "key_value_store") {
      config.keyValueStores = keyValueStores(file, base, value);
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
        "remove it; known keys are state_dir, log_dir and [key_value_store.<label>]",
      );
    }
  }
  return config;
}

function keyValueStores(file: string, base: string, value: unknown): Map<string, KeyValueStoreConfig> {
  const stores = new Map<string, KeyValueStoreConfig>();
  for (const [label, entry] of Object.entries(table(file, "key_value_store", value))) {
    const key = `key_value_store.${label}`;
    if (!LABEL.test(label)) {
      throw new RuntimeConfigError(
        file,
        key,
        `invalid store label "${label}"`,
        "use lower-case kebab-case or snake_case",
      );
    }
    stores.set(label, keyValueStore(file, key, base, table(file, key, entry)));
  }
  return stores;
}

function keyValueStore(
  file: string,
  key: string,
  base: string,
  entry: Record<string, unknown>,
): KeyValueStoreConfig {
  const { type, ...rest } = entry;
  const kind = stringField(file, `${key}.type`, type);
  if (kind === "spin") {
    onlyKeys(file, key, rest, ["path"]);
    return rest["path"] === undefined
      ? { type: "spin" }
      : { type: "spin", path: resolve(base, stringField(file, `${key}.path`, rest["path"])) };
  }
  if (kind === "redis") {
    onlyKeys(file, key, rest, ["url"]);
    return { type: "redis", url: stringField(file, `${key}.url`, rest["url"]) };
  }
  if (KV_TYPES_NOT_SUPPORTED.has(kind)) {
    throw new RuntimeConfigError(
      file,
      `${key}.type`,
      `key-value store type "${kind}" is not supported yet by Spindle`,
      'use type = "spin" or type = "redis"',
    );
  }
  throw new RuntimeConfigError(
    file,
    `${key}.type`,
    `unknown key-value store type "${kind}"`,
    'use type = "spin" or type = "redis"',
  );
}

function onlyKeys(file: string, key: string, entry: Record<string, unknown>, known: readonly string[]): void {
  for (const name of Object.keys(entry)) {
    if (!known.includes(name)) {
      throw new RuntimeConfigError(
        file,
        `${key}.${name}`,
        `unknown key \`${name}\``,
        `remove it; this store type takes ${known.join(", ")} besides type`,
      );
    }
  }
}

function table(file: string, key: string, value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value) || value instanceof Date) {
    throw new RuntimeConfigError(file, key, "expected a table", `write it as [${key}]`);
  }
  return value as Record<string, unknown>;
}

function stringField(file: string, key: string, value: unknown): string {
  if (value === undefined) throw new RuntimeConfigError(file, key, "missing field", `add ${key} = "…"`);
  if (typeof value !== "string")
    throw new RuntimeConfigError(file, key, "expected a string", `write ${key} = "…"`);
  return value;
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
}

/** Applies the command line and Spin's defaults: the `default` store unless the file defines it. */
export function hostRuntimeConfig(inputs: RuntimeConfigInputs): RuntimeConfig {
  const stateDir = inputs.stateDirFlag ?? inputs.file?.stateDir ?? inputs.defaultStateDir;
  const logDir =
    inputs.logDirFlag ?? inputs.file?.logDir ?? (stateDir === undefined ? undefined : join(stateDir, "logs"));
  const keyValueStores = new Map(inputs.file?.keyValueStores);
  if (!keyValueStores.has("default")) {
    keyValueStores.set(
      "default",
      stateDir === undefined
        ? { type: "spin" }
        : { type: "spin", path: join(stateDir, "sqlite_key_value.db") },
    );
  }
  return { stateDir, logDir, keyValueStores, keyValueSeed: inputs.keyValueSeed ?? new Map() };
}
