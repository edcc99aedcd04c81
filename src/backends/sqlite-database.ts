/**
 * What a SQLite database backend offers the `fermyon:spin/sqlite` capability: run one statement with
 * bound parameters and get its columns and rows back, or run a batch of statements (`spin up --sqlite`).
 * Values use the WIT `value` variant in the component glue's representation, so the capability passes them
 * through unchanged: integers are `bigint` (s64), reals `number`, blobs `Uint8Array`. A backend failure
 * (bad SQL, a constraint, a refused ATTACH) rejects with an `Error` whose message is SQLite's.
 */

/** One SQL value: the WIT `value` variant. */
export type SqlValue =
  | { readonly tag: "integer"; readonly val: bigint }
  | { readonly tag: "real"; readonly val: number }
  | { readonly tag: "text"; readonly val: string }
  | { readonly tag: "blob"; readonly val: Uint8Array }
  | { readonly tag: "null" };

/** The WIT `query-result` record: column names and rows, each row a list of values. */
export interface QueryResult {
  readonly columns: string[];
  readonly rows: { readonly values: SqlValue[] }[];
  /** For a statement that returns no rows (INSERT, UPDATE, …): rows changed and the last inserted rowid. */
  readonly effect?: { readonly changes: bigint; readonly lastInsertRowid: bigint };
}

/** One open database, shared by every component and request that uses its label; lives until `close`. */
export interface SqlDatabase {
  /** Runs the first statement of `statement` with `parameters` bound to its `?` placeholders in order. */
  execute(statement: string, parameters: readonly SqlValue[]): Promise<QueryResult>;
  /** Runs every statement of `sql`, in order, without parameters or results. */
  executeBatch(sql: string): Promise<void>;
  close(): Promise<void>;
}
