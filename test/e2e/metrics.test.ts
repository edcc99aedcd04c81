// End to end: `spindle up --admin-listen` serves Prometheus metrics that count what the app did, behind a
// token when one is given.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { COMPONENT_POOL_SIZE } from "../../src/executors/component/instance.ts";
import { makeApp } from "../support/apps.ts";
import { runSpindle, startApp, type RunningApp } from "../support/cli.ts";
import { TEST_CACHE_HOME } from "../support/components.ts";
import { holdRequest, request } from "../support/http.ts";
import { adminUrl, scrape, value } from "../support/prometheus.ts";
import { suiteScope } from "../support/scope.ts";
import { kvProbeWasm } from "./key-value-probe.ts";

const MANIFEST = `spin_manifest_version = 2
[application]
name = "metered"

[[trigger.http]]
route = "/status/..."
component = "status"
executor = { type = "wagi" }

[component.status]
source = "status.wasm"
`;

describe("metrics on the admin listener", () => {
  const scope = suiteScope();
  let app: RunningApp;
  let admin: string;
  before(async () => {
    const dir = makeApp(scope, { manifest: MANIFEST, guests: { "status.wasm": "wagi-status" } });
    app = await startApp(scope, ["-f", dir, "--admin-listen", "127.0.0.1:0"]);
    admin = adminUrl(app);
  });

  it("counts requests by app, component, route, method and status", async () => {
    for (let i = 0; i < 3; i++) assert.equal((await request(app.url, "/status/ok")).status, 200);
    assert.equal((await request(app.url, "/status/x?status=418")).status, 418);
    assert.equal((await request(app.url, "/status/x?trap")).status, 500);
    assert.equal((await request(app.url, "/nowhere")).status, 404);
    const families = await scrape(admin);
    const route = { app: "metered", component: "status", route: "/status/...", method: "GET" };
    assert.equal(value(families, "spindle_http_requests_total", { ...route, status: "200" }), 3);
    assert.equal(value(families, "spindle_http_requests_total", { ...route, status: "418" }), 1);
    assert.equal(value(families, "spindle_http_requests_total", { ...route, status: "500" }), 1);
    assert.equal(
      value(families, "spindle_http_requests_total", { app: "metered", component: "", status: "404" }),
      1,
    );
  });

  it("times requests and instantiations in histograms", async () => {
    const families = await scrape(admin);
    const latency = { component: "status" };
    assert.equal(value(families, "spindle_http_request_duration_seconds_count", latency), 5);
    assert.ok(value(families, "spindle_http_request_duration_seconds_sum", latency) > 0);
    assert.equal(
      value(families, "spindle_http_request_duration_seconds_bucket", { ...latency, le: "+Inf" }),
      5,
    );
    const created = value(families, "spindle_instantiation_duration_seconds_count", { component: "status" });
    assert.ok(created >= 5, "the pool and the requests created instances");
  });

  it("reports no instance in flight once requests are done, and the process's own metrics", async () => {
    const families = await scrape(admin);
    assert.equal(value(families, "spindle_instances_in_flight", { component: "status" }), 0);
    assert.ok(value(families, "process_resident_memory_bytes") > 0);
  });

  it("does not count Spin's reserved health route", async () => {
    await request(app.url, "/.well-known/spin/health");
    const families = await scrape(admin);
    assert.equal(value(families, "spindle_http_requests_total"), 6);
  });

  it("answers 404 for unknown admin paths", async () => {
    assert.equal((await fetch(`${admin}/nope`)).status, 404);
  });
});

const KV_MANIFEST = `spin_manifest_version = 2
[application]
name = "kv-metered"

[[trigger.http]]
route = "/..."
component = "kv"

[component.kv]
source = "probe.wasm"
key_value_stores = ["default"]
`;

describe("metrics of a component", () => {
  it("counts host capability calls by outcome and times the component's instantiation", async (t) => {
    const dir = makeApp(t, { manifest: KV_MANIFEST, files: { "probe.wasm": readFileSync(kvProbeWasm()) } });
    const app = await startApp(t, ["-f", dir, "--admin-listen", "127.0.0.1:0"], {
      env: { XDG_CACHE_HOME: TEST_CACHE_HOME },
      startTimeoutMs: 180_000,
    });
    assert.equal((await request(app.url, "/kv/set?key=a&value=1")).status, 200);
    assert.equal((await request(app.url, "/kv/get?key=a")).status, 200);
    assert.equal((await request(app.url, "/kv/open?store=nope")).status, 200);
    const families = await scrape(adminUrl(app));
    const kv = { capability: "key-value" };
    assert.equal(
      value(families, "spindle_host_calls_total", { ...kv, operation: "Store.open", outcome: "ok" }),
      2,
    );
    assert.equal(
      value(families, "spindle_host_calls_total", { ...kv, operation: "Store.open", outcome: "error" }),
      1,
    );
    assert.equal(
      value(families, "spindle_host_calls_total", { ...kv, operation: "Store.set", outcome: "ok" }),
      1,
    );
    assert.equal(
      value(families, "spindle_host_calls_total", { ...kv, operation: "Store.get", outcome: "ok" }),
      1,
    );
    // One instance per request, and the pool's ready ones: instantiations are timed off the request path too.
    assert.equal(
      value(families, "spindle_instantiation_duration_seconds_count", { component: "kv" }),
      3 + COMPONENT_POOL_SIZE,
    );
    assert.equal(value(families, "spindle_instances_ready", { component: "kv" }), COMPONENT_POOL_SIZE);
    const memory = value(families, "spindle_instance_memory_bytes", { component: "kv" });
    assert.ok(
      memory >= COMPONENT_POOL_SIZE * 9 * 2 ** 20,
      `a JS guest's memory is about 10 MB each: ${memory}`,
    );
  });
});

const LIMITS_MANIFEST = `spin_manifest_version = 2
[application]
name = "limited"

[[trigger.http]]
route = "/limits"
component = "limits"
executor = { type = "wagi" }

[component.limits]
source = "limits.wasm"
`;

describe("metrics of the engine's limits", () => {
  it("counts instances in flight and requests turned away for overload and for the deadline", async (t) => {
    const dir = makeApp(t, { manifest: LIMITS_MANIFEST, guests: { "limits.wasm": "limits" } });
    const limits = [
      "--max-concurrent-requests",
      "1",
      "--max-queued-requests",
      "0",
      "--request-timeout",
      "2s",
    ];
    const app = await startApp(t, ["-f", dir, "--admin-listen", "127.0.0.1:0", ...limits]);
    const admin = adminUrl(app);
    const held = holdRequest(app.url, "/limits");
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(value(await scrape(admin), "spindle_instances_in_flight", { component: "limits" }), 1);
    assert.equal((await request(app.url, "/limits")).status, 503);
    held.finish();
    assert.equal((await held.response).status, 200);
    assert.equal((await request(app.url, "/limits?loop")).status, 504);
    const families = await scrape(admin);
    const rejected = (reason: string) =>
      value(families, "spindle_http_requests_rejected_total", { component: "limits", reason });
    assert.equal(rejected("overload"), 1);
    assert.equal(rejected("deadline"), 1);
    assert.equal(value(families, "spindle_instances_in_flight", { component: "limits" }), 0);
    assert.equal(value(families, "spindle_http_requests_total", { component: "limits", status: "504" }), 1);
  });
});

describe("without --admin-listen", () => {
  it("prints no admin endpoint", async (t) => {
    const dir = makeApp(t, { manifest: MANIFEST, guests: { "status.wasm": "wagi-status" } });
    const app = await startApp(t, ["-f", dir]);
    assert.doesNotMatch(app.output().stdout, /Admin endpoint/);
  });
});

describe("an admin endpoint with a token", () => {
  it("answers 401 without the token and serves metrics to a bearer of it, and spindle doctor sends it", async (t) => {
    const dir = makeApp(t, { manifest: MANIFEST, guests: { "status.wasm": "wagi-status" } });
    const env = { SPINDLE_ADMIN_TOKEN: "t0ken" };
    const app = await startApp(t, ["-f", dir, "--admin-listen", "127.0.0.1:0"], { env });
    const admin = adminUrl(app);
    assert.equal((await fetch(`${admin}/metrics`)).status, 401);
    assert.equal((await fetch(`${admin}/api/snapshot`)).status, 401);
    const metrics = await fetch(`${admin}/metrics`, { headers: { authorization: "Bearer t0ken" } });
    assert.equal(metrics.status, 200);
    assert.match(await metrics.text(), /spindle_http_requests_total/);

    const withToken = await runSpindle(["doctor", "--admin", admin], { env });
    assert.match(withToken.stdout, /\[ok\] +admin endpoint/);
    const without = await runSpindle(["doctor", "--admin", admin], { env: { SPINDLE_ADMIN_TOKEN: "" } });
    assert.match(without.stdout, /asks for a token/);
  });

  it("refuses --admin-token without --admin-listen", async (t) => {
    const dir = makeApp(t, { manifest: MANIFEST, guests: { "status.wasm": "wagi-status" } });
    const finished = await runSpindle(["up", "-f", dir, "--admin-token", "t0ken"]);
    assert.equal(finished.code, 1);
    assert.match(finished.stderr, /--admin-token was given without --admin-listen/);
  });
});
