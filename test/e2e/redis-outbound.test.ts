// End to end: outbound Redis through `spindle up`, with a JavaScript component calling
// fermyon:spin/redis@2.0.0 against a real redis-server: every connection method, Spin's error variants
// (invalid-address for an address the component may not reach or that is no address, type-error, a server
// error as other(message)), the log line naming the manifest entry to add, and a message published by the
// guest arriving at a subscriber.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "redis";
import { makeApp } from "../support/apps.ts";
import { startApp, type RunningApp } from "../support/cli.ts";
import { spinProbeWasm, TEST_CACHE_HOME } from "../support/components.ts";
import { request } from "../support/http.ts";
import { REDIS_MISSING, redisAvailable, startRedis, type RunningRedis } from "../support/redis.ts";
import { suiteScope } from "../support/scope.ts";

const START = { env: { XDG_CACHE_HOME: TEST_CACHE_HOME }, startTimeoutMs: 180_000 };

function manifest(port: number): string {
  return `spin_manifest_version = 2
[application]
name = "redis-outbound"

[[trigger.http]]
route = "/denied/..."
component = "denied"

[[trigger.http]]
route = "/..."
component = "cache"

[component.cache]
source = "probe.wasm"
allowed_outbound_hosts = ["redis://127.0.0.1:${port}"]

[component.denied]
source = "probe.wasm"
allowed_outbound_hosts = ["redis://127.0.0.1", "redis://127.0.0.1:1"]
`;
}

type Step = readonly unknown[];

describe("outbound redis", { skip: redisAvailable() ? false : REDIS_MISSING }, () => {
  const scope = suiteScope();
  let app: RunningApp;
  let redis: RunningRedis;

  const run = async (steps: Step[], address = redis.url, path = "/redis"): Promise<unknown> => {
    const response = await request(app.url, path, {
      method: "POST",
      body: JSON.stringify({ address, steps }),
    });
    assert.equal(response.status, 200, response.body);
    return JSON.parse(response.body) as unknown;
  };

  before(async () => {
    const started = await startRedis(scope);
    if (started === undefined) throw new Error(REDIS_MISSING);
    redis = started;
    const dir = makeApp(scope, { manifest: manifest(redis.port) });
    copyFileSync(spinProbeWasm("redis-probe", "redis-spin.wit"), join(dir, "probe.wasm"));
    app = await startApp(scope, ["-f", dir], START);
  });

  it("gets, sets, increments and deletes keys", async () => {
    const results = await run([
      ["set", "greeting", "hello"],
      ["get", "greeting"],
      ["get", "missing"],
      ["incr", "counter"],
      ["incr", "counter"],
      ["del", "greeting", "counter", "missing"],
      ["get", "greeting"],
    ]);
    assert.deepEqual(results, [null, "hello", null, 1, 2, 2, null]);
  });

  it("adds, lists and removes set members", async () => {
    const results = (await run([
      ["sadd", "pets", "cat", "dog", "cat"],
      ["sadd", "pets", "dog", "bird"],
      ["smembers", "pets"],
      ["srem", "pets", "dog", "fish"],
      ["smembers", "pets"],
    ])) as unknown[];
    assert.deepEqual(results.slice(0, 2), [2, 1]);
    assert.deepEqual((results[2] as string[]).sort(), ["bird", "cat", "dog"]);
    assert.equal(results[3], 1);
    assert.deepEqual((results[4] as string[]).sort(), ["bird", "cat"]);
  });

  it("executes any command, flattening replies into nil, status, int64 and binary", async () => {
    const results = await run([
      ["execute", "SET", { binary: "n" }, { int64: "41" }],
      ["execute", "INCRBY", { binary: "n" }, { int64: "1" }],
      ["execute", "RPUSH", { binary: "list" }, { binary: "a" }, { binary: "b" }],
      ["execute", "LRANGE", { binary: "list" }, { int64: "0" }, { int64: "-1" }],
      ["execute", "GET", { binary: "nothing" }],
    ]);
    assert.deepEqual(results, [
      [{ tag: "status", val: "OK" }],
      [{ tag: "int64", val: 42 }],
      [{ tag: "int64", val: 2 }],
      [
        { tag: "binary", val: "a" },
        { tag: "binary", val: "b" },
      ],
      [{ tag: "nil", val: null }],
    ]);
  });

  it("answers type-error for sadd on a key of another type, other(message) for a server error", async () => {
    assert.deepEqual(
      await run([
        ["set", "plain", "x"],
        ["sadd", "plain", "y"],
      ]),
      [null, { err: { tag: "type-error" } }],
    );
    const [failed] = (await run([["incr", "plain"]])) as [{ err: { tag: string; val: string } }];
    assert.equal(failed.err.tag, "other");
    assert.match(failed.err.val, /not an integer/);
  });

  it("publishes to a channel a subscriber receives", async (t) => {
    const subscriber = createClient({ url: redis.url });
    await subscriber.connect();
    t.after(() => subscriber.close());
    const received = new Promise<string>((resolve) => {
      void subscriber.subscribe("news", (message) => resolve(message));
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(await run([["publish", "news", "extra, extra"]]), [null]);
    assert.equal(await received, "extra, extra");
  });

  it("answers invalid-address for an address not in allowed_outbound_hosts, and logs the entry to add", async () => {
    // `denied` may reach 127.0.0.1 only on Redis's default port and port 1.
    assert.deepEqual(await run([["get", "k"]], redis.url, "/denied/redis"), [
      { err: { tag: "invalid-address" } },
    ]);
    const line = await app.stderrLine(`may not connect to Redis at ${redis.url}`);
    assert.ok(line.includes(`allowed_outbound_hosts = [\\"${redis.url}\\"]`), line);
    assert.ok(line.includes("[component.denied]"), line);
  });

  it("answers invalid-address for an address that is no URL, and other(message) when nothing listens", async () => {
    assert.deepEqual(await run([], "not an address"), [{ err: { tag: "invalid-address" } }]);
    const [refused] = (await run([["get", "k"]], "redis://127.0.0.1:1", "/denied/redis")) as [
      { err: { tag: string; val: string } },
    ];
    assert.equal(refused.err.tag, "other");
  });
});
