import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { REDIS_MISSING, redisAvailable, startRedis, type RunningRedis } from "../../test/support/redis.ts";
import { suiteScope } from "../../test/support/scope.ts";
import { keyValueContract } from "./kv.contract.ts";
import type { KeyValueStore } from "./kv.ts";
import { escapeGlob, openRedisStore } from "./kv-redis.ts";

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
  const open = async (label: string) => {
    const store = await openRedisStore(redis.url, label);
    opened.push(store);
    return store;
  };

  keyValueContract({ open });

  it("namespaces keys by label on the server", async () => {
    const a = await open("app-a");
    const glob = await open("app*");
    await a.set("k", Uint8Array.from([1]));
    await glob.set("x", Uint8Array.from([2]));
    const keys: string[] = [];
    for await (const key of glob.keys()) keys.push(key);
    assert.deepEqual(keys, ["x"]);
  });

  it("fails to open when the server cannot be reached", async () => {
    await assert.rejects(openRedisStore("redis://127.0.0.1:1", "default"));
  });

  it("escapes glob metacharacters", () => {
    assert.equal(escapeGlob("a*b?[c]-d"), "a\\*b\\?\\[c\\]\\-d");
  });
});
