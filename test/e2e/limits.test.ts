// End to end: the engine's limits through `spindle up` — the per-request deadline (a guest that loops
// forever), admission (concurrency limit and bounded queue), the shutdown grace period and the instance
// memory cap.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { makeApp } from "../support/apps.ts";
import { runSpindle, startApp, type RunningApp } from "../support/cli.ts";
import { componentWasm, TEST_CACHE_HOME } from "../support/components.ts";
import { holdRequest, request } from "../support/http.ts";
import { suiteScope } from "../support/scope.ts";

const MANIFEST = `spin_manifest_version = 2
[application]
name = "limits"

[[trigger.http]]
route = "/limits"
component = "limits"
executor = { type = "wagi" }

[component.limits]
source = "limits.wasm"
`;

const limitsApp = (scope: Parameters<typeof makeApp>[0]) =>
  makeApp(scope, { manifest: MANIFEST, guests: { "limits.wasm": "limits" } });

describe("request deadline", () => {
  const scope = suiteScope();
  let app: RunningApp;
  before(async () => {
    app = await startApp(scope, ["-f", limitsApp(scope), "--request-timeout", "1s"]);
  });

  it("answers 504 for a guest that loops forever, logs it, and goes on serving", async () => {
    const started = Date.now();
    const looping = request(app.url, "/limits?loop");
    // Sent while the guest loops: it is served once the guest has been stopped.
    const other = request(app.url, "/limits");
    const [stuck, served] = await Promise.all([looping, other]);
    assert.equal(stuck.status, 504);
    assert.equal(stuck.body, "");
    assert.ok(Date.now() - started < 5_000, `the deadline took ${Date.now() - started} ms`);
    assert.deepEqual([served.status, served.body], [200, "limits: ok\n"]);
    const line = await app.stderrLine("exceeded its deadline");
    assert.match(line, /"component":"limits"/);
    assert.match(line, /"request_id":"[0-9a-f]{16}"/);
    assert.match(line, /"path":"\/limits\?loop"/);
    for (let i = 0; i < 3; i++) assert.equal((await request(app.url, "/limits")).status, 200);
  });

  it("answers 504 for a request whose guest never gets to run in time", async () => {
    const held = holdRequest(app.url, "/limits");
    const response = await held.response;
    assert.equal(response.status, 504);
  });
});

describe("request deadline of a JS component", () => {
  const scope = suiteScope();
  let app: RunningApp;
  before(async () => {
    const dir = makeApp(scope, {
      manifest: `spin_manifest_version = 2\n[application]\nname = "js"\n[[trigger.http]]\nroute = "/..."\ncomponent = "looping"\n[component.looping]\nsource = "loop.wasm"\n`,
      files: { "loop.wasm": readFileSync(componentWasm("loop-probe")) },
    });
    const env = { XDG_CACHE_HOME: TEST_CACHE_HOME };
    app = await startApp(scope, ["-f", dir, "--request-timeout", "1s"], { env, startTimeoutMs: 120_000 });
  });

  for (const path of ["/loop", "/loop-after-wait"]) {
    it(`answers 504 for ${path} and goes on serving`, async () => {
      const [stuck, served] = await Promise.all([request(app.url, path), request(app.url, "/")]);
      assert.deepEqual([stuck.status, served.status, served.body], [504, 200, "ok\n"]);
      assert.match(
        await app.stderrLine(`"path":"${path}"`),
        /exceeded its deadline.*"component":"looping"|"component":"looping".*exceeded its deadline/,
      );
    });
  }
});

describe("admission", () => {
  const scope = suiteScope();
  let app: RunningApp;
  before(async () => {
    const args = ["--max-concurrent-requests", "1", "--max-queued-requests", "1"];
    app = await startApp(scope, ["-f", limitsApp(scope), ...args]);
  });

  it("queues beyond the concurrency limit and turns requests away with 503 beyond the queue", async () => {
    const running = holdRequest(app.url, "/limits");
    await new Promise((resolve) => setTimeout(resolve, 200));
    const queued = request(app.url, "/limits");
    await new Promise((resolve) => setTimeout(resolve, 200));
    const rejected = await request(app.url, "/limits");
    assert.equal(rejected.status, 503);
    assert.equal(rejected.headers.get("retry-after"), "1");
    const health = await request(app.url, "/.well-known/spin/health");
    assert.equal(health.status, 200, "health checks need no slot");
    running.finish();
    assert.equal((await running.response).status, 200);
    assert.equal((await queued).status, 200);
    assert.match(await app.stderrLine("turned away"), /"component":"limits"/);
  });
});

describe("graceful shutdown", () => {
  const exitOf = (app: RunningApp) =>
    new Promise<number | null>((resolve) => app.process.once("exit", (code) => resolve(code)));

  it("lets an in-flight request finish after SIGTERM, then exits 0", async (t) => {
    const app = await startApp(t, ["-f", limitsApp(t)]);
    const exited = exitOf(app);
    const held = holdRequest(app.url, "/limits");
    await new Promise((resolve) => setTimeout(resolve, 200));
    app.process.kill("SIGTERM");
    await app.stderrLine("Received SIGTERM");
    held.finish();
    const response = await held.response;
    assert.deepEqual([response.status, response.body], [200, "limits: ok\n"]);
    assert.equal(await exited, 0);
  });

  it("stops waiting after --shutdown-timeout and still exits 0", async (t) => {
    const app = await startApp(t, ["-f", limitsApp(t), "--shutdown-timeout", "300ms"]);
    const exited = exitOf(app);
    const held = holdRequest(app.url, "/limits");
    const outcome = held.response.then(
      () => "answered",
      () => "cut off",
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    app.process.kill("SIGTERM");
    assert.equal(await exited, 0);
    assert.ok(Date.now() - started < 3_000, `shutdown took ${Date.now() - started} ms`);
    assert.equal(await outcome, "cut off");
  });
});

describe("instance memory cap", () => {
  const scope = suiteScope();
  let app: RunningApp;
  before(async () => {
    app = await startApp(scope, ["-f", limitsApp(scope)], { env: { SPIN_MAX_INSTANCE_MEMORY: "1048576" } });
  });

  it("lets a guest grow up to the cap", async () => {
    const response = await request(app.url, "/limits?alloc=500000");
    assert.deepEqual([response.status, response.body], [200, "limits: allocated 500000\n"]);
  });

  it("fails a guest that grows past the cap with a 500 and a log line naming the cap", async () => {
    const response = await request(app.url, "/limits?alloc=4000000");
    assert.deepEqual([response.status, response.body], [500, ""]);
    const line = await app.stderrLine("instance memory cap");
    assert.match(line, /"component":"limits"/);
    assert.match(line, /trapped: unreachable \(linear memory \d+ bytes; instance memory cap 1048576 bytes\)/);
    assert.equal((await request(app.url, "/limits")).status, 200, "the next request gets a fresh instance");
  });

  it("refuses at start-up a module that starts with more memory than --max-instance-memory", async (t) => {
    const finished = await runSpindle([
      "up",
      "-f",
      limitsApp(t),
      "--listen",
      "127.0.0.1:0",
      "--max-instance-memory",
      "64Ki",
    ]);
    assert.equal(finished.code, 1);
    assert.match(
      finished.stderr,
      /component "limits" \(.*limits\.wasm\) starts with \d+ bytes of linear memory/,
    );
    assert.match(finished.stderr, /raise --max-instance-memory/);
  });

  it("refuses at start-up a JS component whose memory is larger than the cap", async (t) => {
    const dir = makeApp(t, {
      manifest: `spin_manifest_version = 2\n[application]\nname = "js"\n[[trigger.http]]\nroute = "/..."\ncomponent = "js"\n[component.js]\nsource = "probe.wasm"\n`,
      files: { "probe.wasm": readFileSync(componentWasm("http-probe")) },
    });
    const env = { XDG_CACHE_HOME: TEST_CACHE_HOME };
    const finished = await runSpindle(
      ["up", "-f", dir, "--listen", "127.0.0.1:0", "--max-instance-memory", "8Mi"],
      { env },
    );
    assert.equal(finished.code, 1);
    assert.match(
      finished.stderr,
      /component "js" .* starts with \d+ bytes of linear memory, more than the instance memory cap of 8388608 bytes/,
    );
  });
});
