/**
 * The local SQLite database backend (Spin's `spin` database type) on `node:sqlite`: a file at `path` in
 * WAL mode with `synchronous = FULL` — a write the guest saw succeed is on disk — or a private in-memory
 * database without a path. Unless `allowAttach` is set, an authorizer refuses every `ATTACH`, so a guest
 * cannot reach other database files on the host. One connection per database label, opened at load and
 * shared by all components and requests; each `execute` prepares its statement anew.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { constants, DatabaseSync, type SQLInputValue, type SQLOutputValue } from "node:sqlite";
import type { QueryResult, SqlDatabase, SqlValue } from "./sqlite-database.ts";

export interface LocalDatabaseOptions {
  /** The database file, created if missing; in memory when undefined. */
  readonly path: string | undefined;
  /** Whether statements may `ATTACH` other database files (`allow_attach_file`). */
  readonly allowAttach: boolean;
}

const SQLITE_AUTH = 23;

export function openLocalDatabase(options: LocalDatabaseOptions): SqlDatabase {
  const { path, allowAttach } = options;
  if (path !== undefined) mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path ?? ":memory:");
  if (path !== undefined) {
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = FULL");
    db.exec("PRAGMA busy_timeout = 5000");
  }
  if (!allowAttach) {
    db.setAuthorizer((action) =>
      action === constants.SQLITE_ATTACH ? constants.SQLITE_DENY : constants.SQLITE_OK,
    );
  }
  return {
    execute: (statement, parameters) => attempt(() => execute(db, statement, parameters)),
    executeBatch: (sql) => attempt(() => db.exec(sql)),
    close: () => {
      if (db.isOpen) db.close();
      return Promise.resolve();
    },
  };
}

function execute(db: DatabaseSync, statement: string, parameters: readonly SqlValue[]): QueryResult {
  const prepared = db.prepare(statement);
  prepared.setReadBigInts(true);
  prepared.setReturnArrays(true);
  const columns = prepared.columns().map((column) => column.name);
  if (columns.length === 0) {
    const { changes, lastInsertRowid } = prepared.run(...parameters.map(toInput));
    return {
      columns,
      rows: [],
      effect: { changes: BigInt(changes), lastInsertRowid: BigInt(lastInsertRowid) },
    };
  }
  const rows = prepared.all(...parameters.map(toInput)) as unknown as SQLOutputValue[][];
  return { columns, rows: rows.map((row) => ({ values: row.map(fromOutput) })) };
}

/** Runs `call`, turning a throw into a rejection and an authorizer refusal into a message that says why. */
function attempt<T>(call: () => T): Promise<T> {
  try {
    return Promise.resolve(call());
  } catch (error) {
    if ((error as { errcode?: unknown }).errcode === SQLITE_AUTH) {
      return Promise.reject(
        new Error(
          "ATTACH is not allowed for this database (set allow_attach_file = true in its runtime config)",
          {
            cause: error,
          },
        ),
      );
    }
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

function toInput(value: SqlValue): SQLInputValue {
  return value.tag === "null" ? null : value.val;
}

function fromOutput(value: SQLOutputValue): SqlValue {
  if (value === null) return { tag: "null" };
  if (typeof value === "bigint") return { tag: "integer", val: value };
  if (typeof value === "number") return { tag: "real", val: value };
  if (typeof value === "string") return { tag: "text", val: value };
  return { tag: "blob", val: new Uint8Array(value) };
}
