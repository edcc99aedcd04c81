/**
 * The in-memory key-value backend: a `spin` store without a path, and the `default` store when the app has
 * no state directory (a registry app). Lives as long as the process; values are copied in and out so a
 * caller's buffer is never aliased. Every call is a map operation.
 */
import type { KeyValueStore } from "./kv.ts";

export function openMemoryStore(): KeyValueStore {
  const entries = new Map<string, Uint8Array>();
  return {
    get: (key) => Promise.resolve(copy(entries.get(key))),
    set: (key, value) => {
      entries.set(key, Uint8Array.from(value));
      return Promise.resolve();
    },
    delete: (key) => {
      entries.delete(key);
      return Promise.resolve();
    },
    exists: (key) => Promise.resolve(entries.has(key)),
    // A snapshot, so writes during the iteration do not disturb it.
    keys: () => [...entries.keys()],
    close: () => {
      entries.clear();
      return Promise.resolve();
    },
  };
}

function copy(value: Uint8Array | undefined): Uint8Array | undefined {
  return value === undefined ? undefined : Uint8Array.from(value);
}
