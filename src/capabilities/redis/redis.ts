/**
 * The outbound Redis capability (`fermyon:spin/redis@2.0.0`): a component may open any Redis address its
 * `allowed_outbound_hosts` allows with scheme `redis` (6379 when no port is given). Nothing is checked or
 * opened at load time beyond the allow-lists themselves; connections are made on first use and shared by
 * address across components, requests and reloads, until the process closes them.
 */
import { createRedisPool, type RedisPool } from "../../backends/redis-outbound.ts";
import type { Capability, CapabilityImports } from "../capability.ts";
import { addressGates, closedGate } from "../outbound-networking/address-gate.ts";
import { redisImports, type RedisAccess } from "./host.ts";

const INTERFACE = "fermyon:spin/redis";
const METHODS = ["publish", "get", "set", "incr", "del", "sadd", "smembers", "srem", "execute"];

export const REDIS_IMPORTS: CapabilityImports = {
  interfaces: [`${INTERFACE}@2.0.0`],
  suspending: [
    `${INTERFACE}#[static]connection.open`,
    ...METHODS.map((m) => `${INTERFACE}#[method]connection.${m}`),
  ],
  calls: { dbSystem: "redis", opens: "address" },
};

export function createRedisCapability(): Capability {
  let pool: RedisPool | undefined;
  return {
    name: "redis",
    imports: REDIS_IMPORTS,
    configureApp: (app, { variables, logger, runtimeConfig }) =>
      Promise.resolve().then(() => {
        const gates = addressGates(app, {
          scheme: "redis",
          action: "connect to Redis at",
          variables,
          logger,
          blockNetworks: runtimeConfig.blockNetworks,
          lookup: runtimeConfig.lookup,
        });
        const connect: RedisAccess["connect"] = (address, lookup) =>
          (pool ??= createRedisPool(runtimeConfig.outboundSockets)).connect(address, lookup);
        return {
          prepare: (componentId) => redisImports({ gate: gates.get(componentId) ?? closedGate, connect }),
        };
      }),
    close: async () => {
      await pool?.close();
      pool = undefined;
    },
  };
}
