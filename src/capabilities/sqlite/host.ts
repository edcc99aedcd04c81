/**
 * The guest's `fermyon:spin/sqlite@2.0.0` (and `spin:sqlite@3.0.0`, which adds `last-insert-rowid` and
 * `changes`, kept per connection from its last statement) for one instance: the `connection` resource as a host class whose
 * static `open` checks the label against the component's `sqlite_databases` (`access-denied` otherwise,
 * even for a database that exists) and whose `execute` runs one statement on the shared database. Errors
 * the guest may see are thrown as `GuestError` with the WIT variant; a failing statement (bad SQL, a
 * constraint, a refused ATTACH) is `io(message)` with SQLite's message, and the instance goes on. Every
 * call returns a promise and is a suspending import. Built per instance; cheap (one class).
 */
import type { QueryResult, SqlDatabase, SqlValue } from "../../backends/sqlite-database.ts";
import { GuestError } from "../wasi/p2/guest-error.ts";

/** The WIT `error` variant, in the glue's representation. */
export type SqliteError =
  | { readonly tag: "no-such-database" }
  | { readonly tag: "access-denied" }
  | { readonly tag: "invalid-connection" }
  | { readonly tag: "database-full" }
  | { readonly tag: "io"; readonly val: string };

export interface SqliteAccess {
  /** Labels listed in the component's `sqlite_databases`. */
  readonly granted: ReadonlySet<string>;
  /** The shared database of a label, or undefined when no database has that label. */
  database(label: string): SqlDatabase | undefined;
}

export function sqliteImports(access: SqliteAccess): Record<string, object> {
  class Connection {
    readonly #database: SqlDatabase;
    #effect = { changes: 0n, lastInsertRowid: 0n };
    private constructor(database: SqlDatabase) {
      this.#database = database;
    }
    static open(label: string): Promise<Connection> {
      if (!access.granted.has(label)) return Promise.reject(guestError({ tag: "access-denied" }));
      const database = access.database(label);
      if (database === undefined) return Promise.reject(guestError({ tag: "no-such-database" }));
      return Promise.resolve(new Connection(database));
    }
    async execute(statement: string, parameters: readonly SqlValue[]): Promise<QueryResult> {
      try {
        const result = await this.#database.execute(statement, parameters);
        if (result.effect !== undefined) this.#effect = result.effect;
        return { columns: result.columns, rows: result.rows };
      } catch (cause) {
        throw guestError({ tag: "io", val: cause instanceof Error ? cause.message : String(cause) });
      }
    }
    /** `spin:sqlite@3.0.0`: the rowid of the last INSERT through this connection. */
    lastInsertRowid(): bigint {
      return this.#effect.lastInsertRowid;
    }
    /** `spin:sqlite@3.0.0`: rows changed by the last INSERT, UPDATE or DELETE through this connection. */
    changes(): bigint {
      return this.#effect.changes;
    }
  }
  return { "fermyon:spin/sqlite": { Connection }, "spin:sqlite/sqlite": { Connection } };
}

function guestError(error: SqliteError): GuestError<SqliteError> {
  return new GuestError(error, `sqlite error: ${error.tag}`);
}
