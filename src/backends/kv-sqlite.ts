/**
 * The SQLite key-value backend (Spin's `spin` store with a path, and the `default` store at
 * `<state dir>/sqlite_key_value.db`): Spin's table `spin_key_value(store, key, value)`, so a database
 * file is interchangeable with Spin's. WAL with `synchronous = FULL`: a `set` the guest saw succeed is on
 * disk, even if the process is killed right after. Several labels (and processes) may share one file; the
 * `store` column keeps them apart. One connection per open store; each call is one prepared statement.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { KeyValueStore } from "./kv.ts";

const SCHEMA = `CREATE TABLE IF NOT EXISTS spin_key_value (
  store TEXT NOT NULL,
  key   TEXT NOT NULL,
  value BLOB NOT NULL,
  PRIMARY KEY (store, key)
)`;

/** Opens (creating if needed) the store `store` in the database file at `path`. */
export function openSqliteStore(path: string, store: string): KeyValueStore {
  mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = FULL");
  db.exec("PRAGMA busy_timeout = 5000");
  db.exec(SCHEMA);
  const get = db.prepare("SELECT value FROM spin_key_value WHERE store = ? AND key = ?");
  const set = db.prepare(
    "INSERT INTO spin_key_value (store, key, value) VALUES (?, ?, ?) ON CONFLICT (store, key) DO UPDATE SET value = excluded.value",
  );
  const remove = db.prepare("DELETE FROM spin_key_value WHERE store = ? AND key = ?");
  const exists = db.prepare("SELECT 1 FROM spin_key_value WHERE store = ? AND key = ?");
  const keys = db.prepare("SELECT key FROM spin_key_value WHERE store = ?");
  return {
    get: (key) => {
      const row = get.get(store, key) as { value: Uint8Array } | undefined;
      return Promise.resolve(row === undefined ? undefined : new Uint8Array(row.value));
    },
    set: (key, value) => {
      set.run(store, key, value);
      return Promise.resolve();
    },
    delete: (key) => {
      remove.run(store, key);
      return Promise.resolve();
    },
    exists: (key) => Promise.resolve(exists.get(store, key) !== undefined),
    keys: function* () {
      // Row by row from the cursor, never the whole table at once.
      for (const row of keys.iterate(store)) yield (row as { key: string }).key;
    },
    close: () => {
      if (db.isOpen) db.close();
      return Promise.resolve();
    },
  };
}
