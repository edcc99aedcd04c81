/**
 * The runtime-config Secret SpinKube generates for an app: `runtime-config.toml` with the env variable
 * provider plus the app's key-value stores, SQLite databases and LLM compute, named
 * `<app>-<adler32 of the TOML, lower-case hex, unpadded>`. Values that come from Secrets or ConfigMaps are
 * looked up in the data passed in, so building stays pure; the caller reads those objects first (see
 * `referencedObjects`).
 */
import { SpindleError } from "../../errors.ts";
import type { NamedRuntimeConfig, RuntimeConfig, RuntimeConfigOption, SpinApp } from "../model/types.ts";
import { appObjectMeta } from "./labels.ts";
import { byteOrder, tomlKey, tomlPairs } from "./toml.ts";

/** Decoded data of the Secrets and ConfigMaps the runtime config refers to, by object name. */
export interface ReferencedData {
  readonly secrets?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly configMaps?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export const RUNTIME_CONFIG_KEY = "runtime-config.toml";

const PROVIDER = "[[config_provider]]\ntype = 'env'\nprefix = 'SPIN_VARIABLE_'\n";

/** The names of the Secrets and ConfigMaps whose data `renderRuntimeConfig` needs, each once. */
export function referencedObjects(config: RuntimeConfig | undefined): {
  secrets: string[];
  configMaps: string[];
} {
  const secrets = new Set<string>();
  const configMaps = new Set<string>();
  for (const option of allOptions(config)) {
    if (option.valueFrom?.configMapKeyRef !== undefined)
      configMaps.add(option.valueFrom.configMapKeyRef.name);
    if (option.valueFrom?.secretKeyRef !== undefined) secrets.add(option.valueFrom.secretKeyRef.name);
  }
  return { secrets: [...secrets], configMaps: [...configMaps] };
}

function allOptions(config: RuntimeConfig | undefined): RuntimeConfigOption[] {
  if (config === undefined || config.loadFromSecret !== undefined) return [];
  const tables = [...(config.keyValueStores ?? []), ...(config.sqliteDatabases ?? [])];
  return [...(config.llmCompute?.options ?? []), ...tables.flatMap((t) => t.options ?? [])];
}

/** The TOML text, or `undefined` when the app brings its own (`loadFromSecret`). */
export function renderRuntimeConfig(
  config: RuntimeConfig | undefined,
  data: ReferencedData = {},
): string | undefined {
  if (config?.loadFromSecret !== undefined && config.loadFromSecret !== "") return undefined;
  let out = PROVIDER;
  out += section("key_value_store", "key value store", config?.keyValueStores, data);
  out += section("sqlite_database", "sqlite database", config?.sqliteDatabases, data);
  if (config?.llmCompute !== undefined) {
    out += `\n[llm_compute]\n${tomlPairs(table(config.llmCompute.type, config.llmCompute.options, data))}`;
  }
  return out;
}

function section(
  key: string,
  what: string,
  entries: readonly NamedRuntimeConfig[] | undefined,
  data: ReferencedData,
): string {
  if (entries === undefined || entries.length === 0) return "";
  const tables = new Map<string, Record<string, string>>();
  for (const entry of entries) {
    if (tables.has(entry.name))
      throw new SpindleError(`duplicate definition for ${what} with name: ${entry.name}`);
    tables.set(entry.name, table(entry.type, entry.options, data));
  }
  const names = [...tables.keys()].sort(byteOrder);
  const body = names.map((name) => `[${key}.${tomlKey(name)}]\n${tomlPairs(tables.get(name) ?? {})}`);
  return `\n[${key}]\n${body.join("\n")}`;
}

function table(
  type: string,
  options: readonly RuntimeConfigOption[] | undefined,
  data: ReferencedData,
): Record<string, string> {
  const out: Record<string, string> = { type };
  for (const option of options ?? []) out[option.name] = resolve(option, data);
  return out;
}

function resolve(option: RuntimeConfigOption, data: ReferencedData): string {
  if (option.value !== undefined && option.value !== "") return option.value;
  const cm = option.valueFrom?.configMapKeyRef;
  if (cm !== undefined) return lookup(data.configMaps, "ConfigMap", cm.name)[cm.key] ?? "";
  const secret = option.valueFrom?.secretKeyRef;
  if (secret !== undefined) return lookup(data.secrets, "Secret", secret.name)[secret.key] ?? "";
  return "";
}

function lookup(
  objects: ReferencedData["secrets"],
  kind: string,
  name: string,
): Readonly<Record<string, string>> {
  const found = objects?.[name];
  if (found === undefined) {
    throw new SpindleError(`failed to construct RuntimeConfig: ${kind} "${name}" not found`, {
      hint: `Create the ${kind} "${name}" in the app's namespace, or change the runtimeConfig option that refers to it.`,
    });
  }
  return found;
}

/** Adler-32 of `bytes` (zlib's checksum). */
export function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** `<app>-<hex adler32 of toml>`, as SpinKube names the Secret. */
export function runtimeConfigSecretName(appName: string, toml: string): string {
  return `${appName}-${adler32(Buffer.from(toml, "utf8")).toString(16)}`;
}

/** The Secret holding the generated runtime config (not a controller-owned object). */
export function buildRuntimeConfigSecret(app: SpinApp, toml: string) {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: appObjectMeta(app, runtimeConfigSecretName(app.metadata.name, toml), { controller: false }),
    data: { [RUNTIME_CONFIG_KEY]: Buffer.from(toml, "utf8").toString("base64") },
  };
}
