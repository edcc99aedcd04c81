/**
 * The `[key_value_store.<label>]` and `[sqlite_database.<label>]` tables of runtime-config.toml: which
 * backend serves each label, each field checked, paths made absolute (key-value paths against the file's
 * directory, SQLite paths against the working directory, as in Spin). Pure.
 */
import { resolve } from "node:path";
import { WELL_KNOWN_PORTS } from "../util/well-known-ports.ts";
import { onlyKeys, RuntimeConfigError, stringField, table } from "./runtime-config-fields.ts";

/** A key-value store backend: `spin` is SQLite at `path` (in memory without one), `redis` a server. */
export type KeyValueStoreConfig =
  { readonly type: "spin"; readonly path?: string } | { readonly type: "redis"; readonly url: string };

/**
 * A SQLite database backend: `spin` is a local file at `path` (in memory without one), `libsql` a remote
 * libSQL server reached over HTTP(S) with a bearer token.
 */
export type SqliteDatabaseConfig =
  | { readonly type: "spin"; readonly path?: string; readonly allowAttachFile: boolean }
  | { readonly type: "libsql"; readonly url: string; readonly token: string };

const KV_TYPES_NOT_SUPPORTED = new Set(["azure_cosmos", "aws_dynamo"]);
const LABEL = /^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$/;

export function keyValueStores(file: string, base: string, value: unknown): Map<string, KeyValueStoreConfig> {
  const stores = new Map<string, KeyValueStoreConfig>();
  // A Redis store owns its whole database, as in Spin: two stores in one database would share their keys.
  const databases = new Map<string, string>();
  for (const [label, key, entry] of labelledTables(file, "key_value_store", "store", value)) {
    const store = keyValueStore(file, key, base, entry);
    if (store.type === "redis") {
      const database = redisDatabase(store.url);
      const other = databases.get(database);
      if (other !== undefined) {
        throw new RuntimeConfigError(
          file,
          `${key}.url`,
          `store "${label}" uses the same Redis database as store "${other}" (${database}), so their keys would mix`,
          'give each Redis store its own database, e.g. url = "redis://host:6379/1"',
        );
      }
      databases.set(database, label);
    }
    stores.set(label, store);
  }
  return stores;
}

/** `host:port/db` of a Redis URL (port 6379 and database 0 when not given); the URL itself if unparsable. */
function redisDatabase(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || WELL_KNOWN_PORTS.redis}/${parsed.pathname.slice(1) || "0"}`;
  } catch {
    return url;
  }
}

export function sqliteDatabases(
  file: string,
  cwd: string,
  value: unknown,
): Map<string, SqliteDatabaseConfig> {
  const databases = new Map<string, SqliteDatabaseConfig>();
  for (const [label, key, entry] of labelledTables(file, "sqlite_database", "database", value)) {
    databases.set(label, sqliteDatabase(file, key, cwd, entry));
  }
  return databases;
}

/** The `[<name>.<label>]` tables: label, key path and entry, each label checked. */
function labelledTables(
  file: string,
  name: string,
  what: string,
  value: unknown,
): [string, string, Record<string, unknown>][] {
  return Object.entries(table(file, name, value)).map(([label, entry]) => {
    const key = `${name}.${label}`;
    if (!LABEL.test(label)) {
      throw new RuntimeConfigError(
        file,
        key,
        `invalid ${what} label "${label}"`,
        "use lower-case kebab-case or snake_case",
      );
    }
    return [label, key, table(file, key, entry)];
  });
}

function sqliteDatabase(
  file: string,
  key: string,
  cwd: string,
  entry: Record<string, unknown>,
): SqliteDatabaseConfig {
  const { type, ...rest } = entry;
  const kind = stringField(file, `${key}.type`, type);
  if (kind === "spin") {
    onlyKeys(file, key, rest, ["path", "allow_attach_file"]);
    const allow = rest["allow_attach_file"] ?? false;
    if (typeof allow !== "boolean") {
      throw new RuntimeConfigError(
        file,
        `${key}.allow_attach_file`,
        "expected a boolean",
        "write true or false",
      );
    }
    const path =
      rest["path"] === undefined
        ? {}
        : { path: resolve(cwd, stringField(file, `${key}.path`, rest["path"])) };
    return { type: "spin", ...path, allowAttachFile: allow };
  }
  if (kind === "libsql") {
    onlyKeys(file, key, rest, ["url", "token"]);
    const url = stringField(file, `${key}.url`, rest["url"]);
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw new RuntimeConfigError(
        file,
        `${key}.url`,
        `libsql url "${url}" does not start with http:// or https://`,
        'write the server address, for example url = "https://example.turso.io"',
      );
    }
    return { type: "libsql", url, token: stringField(file, `${key}.token`, rest["token"]) };
  }
  throw new RuntimeConfigError(
    file,
    `${key}.type`,
    `Unknown database kind: ${kind}`,
    'use type = "spin" or type = "libsql"',
  );
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
