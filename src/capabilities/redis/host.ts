/**
 * The guest's `fermyon:spin/redis@2.0.0` for one instance: the `connection` resource as a host class whose
 * static `open` checks the address against the component's `allowed_outbound_hosts` (scheme `redis`) and
 * whose methods send one command each over the shared connection to that address. Errors the guest may see
 * are thrown as `GuestError` with Spin's variant: a refused or unreadable address is `invalid-address`, a
 * value of the wrong type for `sadd` is `type-error`, anything the server or the network says is
 * `other(message)`; the instance goes on. Every call returns a promise and is a suspending import. Built
 * per instance; cheap (one class).
 */
import type { LookupFunction } from "node:net";
import {
  isWrongType,
  RedisAddressError,
  type RedisConnection,
  type RedisValue,
} from "../../backends/redis-outbound.ts";
import type { AddressGate } from "../outbound-networking/address-gate.ts";
import { GuestError } from "../wasi/p2/guest-error.ts";

/** The WIT `error` variant, in the glue's representation. */
export type RedisError =
  | { readonly tag: "invalid-address" }
  | { readonly tag: "too-many-connections" }
  | { readonly tag: "type-error" }
  | { readonly tag: "other"; readonly val: string };

/** Spin's `redis-parameter`. */
export type RedisParameter =
  { readonly tag: "int64"; readonly val: bigint } | { readonly tag: "binary"; readonly val: Uint8Array };

export interface RedisAccess {
  readonly gate: AddressGate;
  connect(address: string, lookup: LookupFunction | undefined): Promise<RedisConnection>;
}

export function redisImports(access: RedisAccess): Record<string, object> {
  class Connection {
    readonly #redis: RedisConnection;
    private constructor(redis: RedisConnection) {
      this.#redis = redis;
    }
    static async open(address: string): Promise<Connection> {
      if (access.gate.check(address).kind !== "allowed") throw guestError({ tag: "invalid-address" });
      try {
        return new Connection(await access.connect(address, access.gate.lookupFor(address)));
      } catch (cause) {
        if (cause instanceof RedisAddressError) throw guestError({ tag: "invalid-address" });
        throw other(cause);
      }
    }
    publish(channel: string, payload: Uint8Array): Promise<void> {
      return call(() => this.#redis.publish(channel, payload));
    }
    get(key: string): Promise<Uint8Array | undefined> {
      return call(() => this.#redis.get(key));
    }
    set(key: string, value: Uint8Array): Promise<void> {
      return call(() => this.#redis.set(key, value));
    }
    incr(key: string): Promise<bigint> {
      return call(() => this.#redis.incr(key));
    }
    del(keys: string[]): Promise<number> {
      return call(() => this.#redis.del(keys));
    }
    async sadd(key: string, values: string[]): Promise<number> {
      try {
        return await this.#redis.sadd(key, values);
      } catch (cause) {
        throw isWrongType(cause) ? guestError({ tag: "type-error" }) : other(cause);
      }
    }
    smembers(key: string): Promise<string[]> {
      return call(() => this.#redis.smembers(key));
    }
    srem(key: string, values: string[]): Promise<number> {
      return call(() => this.#redis.srem(key, values));
    }
    execute(command: string, args: RedisParameter[]): Promise<RedisValue[]> {
      return call(() =>
        this.#redis.execute(
          command,
          args.map((a) => a.val),
        ),
      );
    }
  }
  return { "fermyon:spin/redis": { Connection } };
}

/** A failure of the server or the network is the guest's `other(message)`. */
async function call<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (cause) {
    throw other(cause);
  }
}

function other(cause: unknown): GuestError<RedisError> {
  return guestError({ tag: "other", val: cause instanceof Error ? cause.message : String(cause) });
}

function guestError(error: RedisError): GuestError<RedisError> {
  return new GuestError(error, `redis error: ${error.tag}`);
}
