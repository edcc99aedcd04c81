/**
 * The remote SQLite database backend (Spin's `libsql` database type): a libSQL server (sqld, Turso) over
 * HTTP(S) with `@libsql/client`'s web entry point — Hrana over HTTP, no native module — loaded only when a
 * runtime config names a libsql database. Like Spin, opening contacts nothing: a wrong address or token shows
 * on the first statement, as its error. Its requests go through the `fetch` it is given (in the shim, one
 * that resolves and connects as the pod would). Values map one to one with the WIT `value` variant: the
 * client runs in `bigint` integer mode, so integers stay exact s64 and reals stay numbers. A failure rejects
 * with an `Error` carrying the server's message, or the client's with its network cause.
 */
import type { Client, InValue, ResultSet, Value } from "@libsql/client/web";
import type { QueryResult, SqlDatabase, SqlValue } from "./sqlite-database.ts";

export interface LibsqlDatabaseOptions {
  /** The server address, `http://` or `https://`. */
  readonly url: string;
  /** The bearer token the server expects. */
  readonly token: string;
  /** What the client's requests go through; the global `fetch` when absent. */
  readonly fetch?: typeof fetch;
}

export async function openLibsqlDatabase(options: LibsqlDatabaseOptions): Promise<SqlDatabase> {
  const { createClient } = await import("@libsql/client/web");
  const client = createClient({
    url: options.url,
    authToken: options.token,
    intMode: "bigint",
    fetch: options.fetch ?? fetch,
  });
  return {
    execute: (statement, parameters) => explain(execute(client, statement, parameters)),
    executeBatch: (sql) => explain(client.executeMultiple(sql)),
    close: () => {
      client.close();
      return Promise.resolve();
    },
  };
}

async function execute(
  client: Client,
  statement: string,
  parameters: readonly SqlValue[],
): Promise<QueryResult> {
  const result: ResultSet = await client.execute({ sql: statement, args: parameters.map(toInput) });
  const columns = [...result.columns];
  if (columns.length === 0) {
    return {
      columns,
      rows: [],
      effect: { changes: BigInt(result.rowsAffected), lastInsertRowid: result.lastInsertRowid ?? 0n },
    };
  }
  return {
    columns,
    rows: result.rows.map((row) => ({ values: Array.from(row as ArrayLike<Value>, fromOutput) })),
  };
}

function toInput(value: SqlValue): InValue {
  return value.tag === "null" ? null : value.val;
}

function fromOutput(value: Value): SqlValue {
  if (value === null) return { tag: "null" };
  if (typeof value === "bigint") return { tag: "integer", val: value };
  if (typeof value === "number") return { tag: "real", val: value };
  if (typeof value === "string") return { tag: "text", val: value };
  return { tag: "blob", val: new Uint8Array(value) };
}

/** Rejects with the client's error, its cause folded into the message: "fetch failed" alone says little. */
async function explain<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (!(error instanceof Error)) throw new Error(String(error), { cause: error });
    const cause = error.cause as { message?: string; code?: string } | undefined;
    const why = cause?.message || cause?.code;
    if (why === undefined || why === "" || error.message.includes(why)) throw error;
    throw new Error(`${error.message}: ${why}`, { cause: error });
  }
}
