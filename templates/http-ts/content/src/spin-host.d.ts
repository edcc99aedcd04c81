// Types for the Spin host interfaces in wit/ as the component sees them: a WIT `result` error is thrown
// (its variant is the thrown value's `payload`), an `option` is the value or `undefined`, `s64` is a
// bigint. Access is granted by spin.toml: `key_value_stores`, `sqlite_databases` and
// `allowed_outbound_hosts` (Redis, PostgreSQL) per component, and `[variables]` for the app. Redis and
// PostgreSQL are imported only once their worlds are listed in package.json's `config.witDependencies`.

declare module "fermyon:spin/key-value@2.0.0" {
  /** What a failed call throws, as the `payload` of the error. */
  export type Error =
    | { tag: "store-table-full" }
    | { tag: "no-such-store" }
    | { tag: "access-denied" }
    | { tag: "other"; val: string };

  /** A key-value store the component was granted in `key_value_stores`. */
  export class Store {
    static open(label: string): Store;
    get(key: string): Uint8Array | undefined;
    set(key: string, value: Uint8Array): void;
    delete(key: string): void;
    exists(key: string): boolean;
    getKeys(): string[];
  }
}

declare module "fermyon:spin/sqlite@2.0.0" {
  export type Error =
    | { tag: "no-such-database" }
    | { tag: "access-denied" }
    | { tag: "invalid-connection" }
    | { tag: "database-full" }
    | { tag: "io"; val: string };

  export type Value =
    | { tag: "integer"; val: bigint }
    | { tag: "real"; val: number }
    | { tag: "text"; val: string }
    | { tag: "blob"; val: Uint8Array }
    | { tag: "null" };

  export interface RowResult {
    values: Value[];
  }

  export interface QueryResult {
    columns: string[];
    rows: RowResult[];
  }

  /** A database the component was granted in `sqlite_databases`. */
  export class Connection {
    static open(database: string): Connection;
    execute(statement: string, parameters: Value[]): QueryResult;
  }
}

declare module "fermyon:spin/variables@2.0.0" {
  export type Error =
    | { tag: "invalid-name"; val: string }
    | { tag: "undefined"; val: string }
    | { tag: "provider"; val: string }
    | { tag: "other"; val: string };

  /** The value of the app variable `name` (lower-case, as in spin.toml). */
  export function get(name: string): string;
}

declare module "fermyon:spin/redis@2.0.0" {
  export type Error =
    | { tag: "invalid-address" }
    | { tag: "too-many-connections" }
    | { tag: "type-error" }
    | { tag: "other"; val: string };

  export type RedisParameter = { tag: "int64"; val: bigint } | { tag: "binary"; val: Uint8Array };

  export type RedisResult =
    | { tag: "nil" }
    | { tag: "status"; val: string }
    | { tag: "int64"; val: bigint }
    | { tag: "binary"; val: Uint8Array };

  /** A connection to `redis://host[:port]`, which `allowed_outbound_hosts` must allow. */
  export class Connection {
    static open(address: string): Connection;
    publish(channel: string, payload: Uint8Array): void;
    get(key: string): Uint8Array | undefined;
    set(key: string, value: Uint8Array): void;
    incr(key: string): bigint;
    del(keys: string[]): number;
    sadd(key: string, values: string[]): number;
    smembers(key: string): string[];
    srem(key: string, values: string[]): number;
    execute(command: string, arguments_: RedisParameter[]): RedisResult[];
  }
}

declare module "fermyon:spin/rdbms-types@2.0.0" {
  export type Error =
    | { tag: "connection-failed"; val: string }
    | { tag: "bad-parameter"; val: string }
    | { tag: "query-failed"; val: string }
    | { tag: "value-conversion-failed"; val: string }
    | { tag: "other"; val: string };

  export type DbDataType =
    | "boolean"
    | "int8"
    | "int16"
    | "int32"
    | "int64"
    | "uint8"
    | "uint16"
    | "uint32"
    | "uint64"
    | "floating32"
    | "floating64"
    | "str"
    | "binary"
    | "other";

  type Scalar =
    | { tag: "boolean"; val: boolean }
    | { tag: "int8" | "int16" | "int32" | "uint8" | "uint16" | "uint32"; val: number }
    | { tag: "int64" | "uint64"; val: bigint }
    | { tag: "floating32" | "floating64"; val: number }
    | { tag: "str"; val: string }
    | { tag: "binary"; val: Uint8Array }
    | { tag: "db-null" };

  export type ParameterValue = Scalar;
  export type DbValue = Scalar | { tag: "unsupported" };

  export interface Column {
    name: string;
    dataType: DbDataType;
  }

  export interface RowSet {
    columns: Column[];
    rows: DbValue[][];
  }
}

declare module "fermyon:spin/postgres@2.0.0" {
  import type { ParameterValue, RowSet } from "fermyon:spin/rdbms-types@2.0.0";

  /** A connection to `postgres://user:password@host[:port]/database`, allowed by `allowed_outbound_hosts`. */
  export class Connection {
    static open(address: string): Connection;
    query(statement: string, params: ParameterValue[]): RowSet;
    execute(statement: string, params: ParameterValue[]): bigint;
  }
}
