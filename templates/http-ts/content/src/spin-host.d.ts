// Types for the Spin host interfaces in wit/ as the component sees them: a WIT `result` error is thrown
// (its variant is the thrown value's `payload`), an `option` is the value or `undefined`, `s64` is a
// bigint. Access is granted by spin.toml: `key_value_stores` and `sqlite_databases` per component, and
// `[variables]` for the app.

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
