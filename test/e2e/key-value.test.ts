// End to end: the key-value host interface through `spindle up`, with a JavaScript component calling
// fermyon:spin/key-value@2.0.0: Spin's conformance `key-value` sequence on the default store and on a
// Redis-backed store from runtime config, access-denied for labels a component was not granted (and for a
// component with no stores at all), stores shared by label across components, `--key-value` seeding, a
// start-up error for an unknown label, and the SQLite default store surviving kill -9 and a restart.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "redis";
import { makeApp } from "../support/apps.ts";
import { runSpindle, startApp, type RunningApp } from "../support/cli.ts";
import { TEST_CACHE_HOME } from "../support/components.ts";
import { request } from "../support/http.ts";
import { REDIS_MISSING, redisAvailable, startRedis } from "../support/redis.ts";
import { suiteScope, type Scope } from "../support/scope.ts";
import { kvProbeWasm } from "./key-value-probe.ts";

const env = { XDG_CACHE_HOME: TEST_CACHE_HOME };
const START = { env, startTimeoutMs: 180_000 };

const MANIFEST = `spin_manifest_version = 2
[application]
name = "key-value"

[[trigger.http]]
route = "/denied/..."
component = "denied"

[[trigger.http]]
route = "/other/..."
component = "other"

[[trigger.http]]
route = "/..."
component = "kv"

[component.kv]
source = "probe.wasm"
key_value_stores = ["default", "cache"]

[component.other]
source = "probe.wasm"
key_value_stores = ["default"]

[component.denied]
source = "probe.wasm"
`;

const SINGLE = `spin_manifest_version = 2
[application]
name = "key-value-single"

[[trigger.http]]
route = "/..."
component = "kv"

[component.kv]
source = "probe.wasm"
key_value_stores = ["default"]
`;

function appDir(scope: Scope, manifest: string, files: Record<string, string> = {}): string {
  const dir = makeApp(scope, { manifest, files });
  copyFileSync(kvProbeWasm(), join(dir, "probe.wasm"));
  return dir;
}

async function call(app: RunningApp, path: string): Promise<unknown> {
  const response = await request(app.url, path);
  assert.equal(response.status, 200, response.body);
  return JSON.parse(response.body) as unknown;
}

describe("key-value: default store and permissions", () => {
  const scope = suiteScope();
  let app: RunningApp;
  before(async () => {
    const dir = appDir(scope, MANIFEST, { "rc.toml": '[key_value_store.cache]\ntype = "spin"\n' });
    app = await startApp(
      scope,
      ["-f", dir, "--runtime-config-file", join(dir, "rc.toml"), "--key-value", "seeded=from the flag"],
      START,
    );
  });

  it("passes the conformance key-value sequence on the default store", async () => {
    const response = await request(app.url, "/kv-conformance");
    assert.equal(response.body, "");
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-length"), "0");
  });

  it("passes it on a second store label from runtime config", async () => {
    const response = await request(app.url, "/kv-conformance?store=cache");
    assert.equal(response.status, 200, response.body);
  });

  it("answers access-denied for a label not in the component's key_value_stores", async () => {
    assert.deepEqual(await call(app, "/kv/open?store=forbidden"), { err: { tag: "access-denied" } });
    assert.deepEqual(await call(app, "/other/kv/open?store=cache"), { err: { tag: "access-denied" } });
  });

  it("answers access-denied to a component without key_value_stores (conformance key-value-no-permission)", async () => {
    assert.deepEqual(await call(app, "/denied/kv/open?store=default"), { err: { tag: "access-denied" } });
    const response = await request(app.url, "/denied/kv-conformance");
    assert.equal(response.status, 500);
    assert.equal(response.body, '{"tag":"access-denied"}');
  });

  it("shares a store by label across components and requests", async () => {
    assert.deepEqual(await call(app, "/kv/set?key=shared&value=written%20by%20kv"), { ok: null });
    assert.deepEqual(await call(app, "/other/kv/get?key=shared"), { ok: "written by kv" });
    assert.deepEqual(await call(app, "/other/kv/exists?key=shared"), { ok: true });
    assert.deepEqual(await call(app, "/kv/get?store=cache&key=shared"), { ok: null });
    assert.deepEqual(await call(app, "/kv/delete?key=shared"), { ok: null });
    assert.deepEqual(await call(app, "/other/kv/exists?key=shared"), { ok: false });
  });

  it("pre-seeds the default store from --key-value", async () => {
    assert.deepEqual(await call(app, "/kv/get?key=seeded"), { ok: "from the flag" });
  });
});

describe("key-value: a Redis-backed store", { skip: redisAvailable() ? false : REDIS_MISSING }, () => {
  const scope = suiteScope();
  let app: RunningApp;
  let redisUrl: string;
  before(async () => {
    const redis = await startRedis(scope);
    if (redis === undefined) throw new Error(REDIS_MISSING);
    redisUrl = redis.url;
    const dir = appDir(scope, MANIFEST, {
      "rc.toml": `[key_value_store.cache]\ntype = "redis"\nurl = "${redisUrl}"\n`,
    });
    // Through the environment variable, as Spin reads it.
    app = await startApp(scope, ["-f", dir], {
      ...START,
      env: { ...env, SPIN_RUNTIME_CONFIG_FILE: join(dir, "rc.toml") },
    });
  });

  it("passes the conformance key-value sequence against a real redis-server", async () => {
    const response = await request(app.url, "/kv-conformance?store=cache");
    assert.equal(response.status, 200, response.body);
    assert.equal(response.body, "");
  });

  it("keeps the store's keys on the server as the guest names them, as Spin does", async () => {
    assert.deepEqual(await call(app, "/kv/set?store=cache&key=city&value=Z%C3%BCrich"), { ok: null });
    const client = createClient({ url: redisUrl });
    await client.connect();
    try {
      assert.equal(await client.get("city"), "Zürich");
      await client.set("from-outside", "hello");
    } finally {
      await client.close();
    }
    assert.deepEqual(await call(app, "/kv/get?store=cache&key=from-outside"), { ok: "hello" });
    assert.deepEqual(await call(app, "/kv/keys?store=cache"), { ok: ["city", "from-outside"] });
  });
});

describe("key-value: start-up and persistence", () => {
  it("refuses to start when a component names a label no store backs", async (t) => {
    const dir = appDir(t, MANIFEST);
    const result = await runSpindle(["up", "--listen", "127.0.0.1:0", "-f", dir], { env });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /unknown key_value_stores label "cache" for component "kv"/);
    assert.match(result.stderr, /\[key_value_store\.cache\]/);
    assert.doesNotMatch(result.stdout, /Serving/);
  });

  it("refuses a runtime config table it does not implement, naming it and the file", async (t) => {
    const dir = appDir(t, SINGLE, { "rc.toml": '[llm_compute]\ntype = "spin"\n' });
    const result = await runSpindle(["up", "-f", dir, "--runtime-config-file", join(dir, "rc.toml")], {
      env,
    });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /rc\.toml: llm_compute: `llm_compute` is not supported yet by Spindle/);
  });

  it("keeps an acknowledged set in the SQLite default store across kill -9 and a restart", async (t) => {
    const dir = appDir(t, SINGLE);
    const first = await startApp(t, ["-f", dir], START);
    assert.deepEqual(await call(first, "/kv/set?key=survivor&value=still%20here"), { ok: null });
    first.process.kill("SIGKILL");
    await first.stop();
    const second = await startApp(t, ["-f", dir], START);
    assert.deepEqual(await call(second, "/kv/get?key=survivor"), { ok: "still here" });
    assert.deepEqual(await call(second, "/kv/keys"), { ok: ["survivor"] });
    await second.stop();
  });
});
