/**
 * Redis for guests (the outbound Redis capability), on node-redis: one client per distinct address, made
 * on first use and shared by every instance and request that opens that address until the host closes
 * the pool; a client whose connection dropped is replaced on the next open. A node-redis client pipelines
 * concurrent commands over one socket, so sharing costs nothing per request (Spin opens one multiplexed
 * connection per guest `open`; the difference shows only for commands that change connection state, such
 * as SELECT, sent through `execute`). Values are bytes in and out; replies of `execute` are flattened into
 * nil / status / integer / bytes as in Spin. A client resolves its host through the `lookup` it is opened
 * with, if any, and connects from the `sockets` the pool is made with (the runtime config's outbound
 * sockets), Node's own otherwise; a shared client keeps the lookup it was opened with (the host's runtime
 * config gives every open the same). Knows nothing of guests or permissions.
 */
import type { LookupFunction } from "node:net";
import type { RedisClientType } from "redis";
import type { OutboundSockets } from "../net/outbound-socket.ts";
import { redisSocketOptions } from "./redis-socket.ts";

/** One reply value of `execute`, in the glue's representation of Spin's `redis-result`. */
export type RedisValue =
  | { readonly tag: "nil" }
  | { readonly tag: "status"; readonly val: string }
  | { readonly tag: "int64"; readonly val: bigint }
  | { readonly tag: "binary"; readonly val: Uint8Array };

/** The commands a guest may send over one open address. */
export interface RedisConnection {
  publish(channel: string, payload: Uint8Array): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
  set(key: string, value: Uint8Array): Promise<void>;
  incr(key: string): Promise<bigint>;
  del(keys: readonly string[]): Promise<number>;
  sadd(key: string, values: readonly string[]): Promise<number>;
  smembers(key: string): Promise<string[]>;
  srem(key: string, values: readonly string[]): Promise<number>;
  execute(command: string, args: readonly (bigint | Uint8Array)[]): Promise<RedisValue[]>;
}

/** The address is no Redis URL node-redis accepts (`redis://` or `rediss://`). */
export class RedisAddressError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RedisAddressError";
  }
}

/** A reply that says the key holds a value of another type (Redis `WRONGTYPE`). */
export function isWrongType(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("WRONGTYPE");
}

export interface RedisPool {
  /**
   * The shared connection to `address`, its host resolved through `lookup` when given; rejects with
   * `RedisAddressError` or the connect failure.
   */
  connect(address: string, lookup?: LookupFunction): Promise<RedisConnection>;
  close(): Promise<void>;
}

type Client = RedisClientType;

export function createRedisPool(sockets?: OutboundSockets): RedisPool {
  const clients = new Map<string, Promise<Client>>();
  const connect = async (address: string, lookup?: LookupFunction) => {
    let client = clients.get(address);
    if (
      client !== undefined &&
      !(await client.then(
        (c) => c.isReady,
        () => false,
      ))
    )
      client = undefined;
    if (client === undefined) {
      client = openClient(address, lookup, sockets);
      clients.set(address, client);
      client.catch(() => clients.delete(address));
    }
    return connection(await client);
  };
  return {
    connect,
    close: async () => {
      const open = await Promise.allSettled(clients.values());
      clients.clear();
      for (const result of open) {
        if (result.status === "fulfilled" && result.value.isOpen) await result.value.close();
      }
    },
  };
}

async function openClient(
  address: string,
  lookup: LookupFunction | undefined,
  sockets: OutboundSockets | undefined,
): Promise<Client> {
  const { createClient } = await import("redis");
  let client: Client;
  try {
    client = createClient({
      url: address,
      socket: { reconnectStrategy: false, ...redisSocketOptions(sockets, lookup) },
    });
  } catch (cause) {
    throw new RedisAddressError((cause as Error).message, { cause });
  }
  // Failures reach the guest through the failing call; this only keeps them from being unhandled.
  client.on("error", () => undefined);
  await client.connect();
  return client;
}

function connection(client: Client): RedisConnection {
  return {
    publish: async (channel, payload) => {
      await client.publish(channel, Buffer.from(payload));
    },
    get: async (key) => {
      const value = await client.sendCommand<Buffer | null>(["GET", key], { typeMapping: BYTES });
      return value === null ? undefined : new Uint8Array(value);
    },
    set: async (key, value) => {
      await client.set(key, Buffer.from(value));
    },
    incr: async (key) => BigInt(await client.sendCommand<string>(["INCR", key], { typeMapping: DIGITS })),
    del: (keys) => client.del([...keys]),
    sadd: (key, values) => client.sAdd(key, [...values]),
    smembers: (key) => client.sMembers(key),
    srem: (key, values) => client.sRem(key, [...values]),
    execute: async (command, args) => {
      const words = [command, ...args.map((a) => (typeof a === "bigint" ? a.toString() : Buffer.from(a)))];
      return flatten(await client.sendCommand(words, { typeMapping: BYTES }));
    },
  };
}

// RESP type codes (node-redis RESP_TYPES): bulk strings as bytes, integers as exact decimal text.
const BYTES = { 36: Buffer } as const;
const DIGITS = { 58: String } as const;

/** A reply as Spin's list of results: arrays flattened, bulk strings bytes, simple strings status. */
function flatten(reply: unknown, into: RedisValue[] = []): RedisValue[] {
  if (reply === null || reply === undefined) into.push({ tag: "nil" });
  else if (Array.isArray(reply)) for (const item of reply) flatten(item, into);
  else if (Buffer.isBuffer(reply)) into.push({ tag: "binary", val: new Uint8Array(reply) });
  else if (typeof reply === "string") into.push({ tag: "status", val: reply });
  else if (typeof reply === "number") into.push({ tag: "int64", val: BigInt(reply) });
  else if (typeof reply === "boolean") into.push({ tag: "int64", val: reply ? 1n : 0n });
  else throw new Error(`unsupported Redis reply ${JSON.stringify(reply)}`);
  return into;
}
