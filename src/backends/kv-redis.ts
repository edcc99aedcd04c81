/**
 * The Redis key-value backend (`type = "redis"` in runtime config), on node-redis. Keys are stored as the
 * guest names them, as Spin does, so Spin and Spindle share data on the same server; a store owns its whole
 * Redis database, so two stores need two databases (`redis://host/1`). `keys` walks them with SCAN (never
 * KEYS, which blocks the server), a page at a time. One client connection per open store,
 * made at start-up so an unreachable server stops the app before it serves; every call is one round trip.
 * The host name resolves through the `lookup` given, the system resolver otherwise; the connection is made
 * from the `sockets` given, Node's own otherwise. node-redis is loaded
 * only when a Redis store is opened.
 */
import type { LookupFunction } from "node:net";
import type { OutboundSockets } from "../net/outbound-socket.ts";
import type { KeyValueStore } from "./kv.ts";
import { redisSocketOptions } from "./redis-socket.ts";

/** How many keys one SCAN step asks for. */
const SCAN_COUNT = 100;

/** Connects to `url` and serves the store kept there; rejects when the server cannot be reached. */
export async function openRedisStore(
  url: string,
  lookup?: LookupFunction,
  sockets?: OutboundSockets,
): Promise<KeyValueStore> {
  const { createClient, RESP_TYPES } = await import("redis");
  const client = createClient({
    url,
    socket: { reconnectStrategy: false, ...redisSocketOptions(sockets, lookup) },
  });
  // Errors of an open client surface through the failing call; this only keeps them from being unhandled.
  client.on("error", () => undefined);
  await client.connect();
  const bytes = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
  return {
    get: async (key) => {
      const value = await bytes.get(key);
      return value === null ? undefined : new Uint8Array(value);
    },
    set: async (key, value) => {
      await client.set(key, Buffer.from(value));
    },
    delete: async (key) => {
      await client.del(key);
    },
    exists: async (key) => (await client.exists(key)) > 0,
    keys: async function* () {
      for await (const page of client.scanIterator({ COUNT: SCAN_COUNT })) yield* page;
    },
    close: async () => {
      if (client.isOpen) await client.close();
    },
  };
}
