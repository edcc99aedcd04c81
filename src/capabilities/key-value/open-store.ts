/**
 * Opens the backend a runtime-config entry names for one store label: `spin` with a path is SQLite, `spin`
 * without one in memory, `redis` a server connection. A backend that cannot be opened (unwritable file,
 * unreachable server) is a `SpindleError` naming the label and what to check. A server's name resolves
 * through `lookup` (the runtime config's), the system resolver when absent, and connects from `sockets`
 * (the runtime config's outbound sockets), Node's own when absent. Once per label per process.
 */
import type { LookupFunction } from "node:net";
import type { KeyValueStoreConfig } from "../../app/runtime-config.ts";
import type { KeyValueStore } from "../../backends/kv.ts";
import { openMemoryStore } from "../../backends/kv-memory.ts";
import { openRedisStore } from "../../backends/kv-redis.ts";
import { openSqliteStore } from "../../backends/kv-sqlite.ts";
import { SpindleError } from "../../errors.ts";
import type { OutboundSockets } from "../../net/outbound-socket.ts";

export async function openStore(
  label: string,
  config: KeyValueStoreConfig,
  lookup?: LookupFunction,
  sockets?: OutboundSockets,
): Promise<KeyValueStore> {
  try {
    if (config.type === "redis") return await openRedisStore(config.url, lookup, sockets);
    return config.path === undefined ? openMemoryStore() : openSqliteStore(config.path, label);
  } catch (cause) {
    const where =
      config.type === "redis" ? `Redis at ${redacted(config.url)}` : `SQLite file ${config.path ?? ""}`;
    throw new SpindleError(`cannot open key-value store "${label}" (${where}): ${(cause as Error).message}`, {
      cause,
      hint:
        config.type === "redis"
          ? "check that the Redis server is running and the url in runtime config is right"
          : "check that the directory is writable (or pass --state-dir)",
    });
  }
}

/** The URL without its password, for messages. */
function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.href;
  } catch {
    return url;
  }
}
