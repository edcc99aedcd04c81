/**
 * The Redis key-value backend (`type = "redis"` in runtime config), on node-redis. Keys are stored under
 * `<label>:` so several labels can share one server without seeing each other's keys; `keys` walks them
 * with SCAN (never KEYS, which blocks the server), a page at a time. One client connection per open store,
 * made at start-up so an unreachable server stops the app before it serves; every call is one round trip.
 * node-redis is loaded only when a Redis store is opened.
 */
import type { KeyValueStore } from "./kv.ts";

/** How many keys one SCAN step asks for. */
const SCAN_COUNT = 100;

/** Connects to `url` and serves the store `label`; rejects when the server cannot be reached. */
export async function openRedisStore(url: string, label: string): Promise<KeyValueStore> {
  const { createClient, RESP_TYPES } = await import("redis");
  const client = createClient({ url, socket: { reconnectStrategy: false } });
  // Errors of an open client surface through the failing call; this only keeps them from being unhandled.
  client.on("error", () => undefined);
  await client.connect();
  const bytes = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
  const prefix = `${label}:`;
  return {
    get: async (key) => {
      const value = await bytes.get(prefix + key);
      return value === null ? undefined : new Uint8Array(value);
    },
    set: async (key, value) => {
      await client.set(prefix + key, Buffer.from(value));
    },
    delete: async (key) => {
      await client.del(prefix + key);
    },
    exists: async (key) => (await client.exists(prefix + key)) > 0,
    keys: async function* () {
      const match = `${escapeGlob(prefix)}*`;
      for await (const page of client.scanIterator({ MATCH: match, COUNT: SCAN_COUNT })) {
        for (const key of page) yield key.slice(prefix.length);
      }
    },
    close: async () => {
      if (client.isOpen) await client.close();
    },
  };
}

/** Escapes Redis glob metacharacters, so a label is matched literally. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\^-]/g, (c) => `\\${c}`);
}
