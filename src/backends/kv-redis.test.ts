import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { REDIS_MISSING, redisAvailable, startRedis, type RunningRedis } from "../../test/support/redis.ts";
import { suiteScope } from "../../test/support/scope.ts";
import { keyValueContract } from "./kv.contract.ts";
import type { KeyValueStore } from "./kv.ts";
import { openRedisStore } from "./kv-redis.ts";

describe("Redis key-value backend", { skip: redisAvailable() ? false : REDIS_MISSING }, () => {
  const scope = suiteScope();
  let redis: RunningRedis;
  const opened: KeyValueStore[] = [];
  before(async () => {
    const started = await startRedis(scope);
    if (started === undefined) throw new Error(REDIS_MISSING);
    redis = started;
  });
  after(async () => {
    for (const store of opened) await store.close();
  });
  // A store owns a whole Redis database, so each label the contract opens gets its own.
  const databases = new Map<string, number>();
  const open = async (label: string) => {
    if (!databases.has(label)) databases.set(label, databases.size);
    const database = databases.get(label) ?? 0;
    assert.ok(database < 16, "redis-server has 16 databases");
    const store = await openRedisStore(`${redis.url}/${database}`);
    opened.push(store);
    return store;
  };

  keyValueContract({ open });

  it("stores keys as the guest names them, as Spin does, and lists every key of its database", async () => {
    const store = await open("spin-compatible");
    await store.set("visits", Uint8Array.from([0x37]));
    const { createClient } = await import("redis");
    const client = createClient({ url: `${redis.url}/${databases.get("spin-compatible") ?? 0}` });
    await client.connect();
    try {
      assert.equal(await client.get("visits"), "7");
      await client.set("set-by-spin", "x");
    } finally {
      await client.close();
    }
    const keys: string[] = [];
    for await (const key of store.keys()) keys.push(key);
    assert.deepEqual(keys.sort(), ["set-by-spin", "visits"]);
  });

  it("fails to open when the server cannot be reached", async () => {
    await assert.rejects(openRedisStore("redis://127.0.0.1:1"));
  });
});
