// End to end: OpenTelemetry traces over OTLP/HTTP (JSON) to a receiver this test runs. A request becomes a
// server span, a child of the caller's `traceparent`; the guest's outbound request and host capability
// calls become child spans of it, and the outbound request's `traceparent` reaches the upstream server.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders } from "node:http";
import { copyFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { makeApp, redisSubscriberManifest } from "../support/apps.ts";
import { startApp, type RunningApp } from "../support/cli.ts";
import { TEST_CACHE_HOME, componentWasm, spinProbeWasm } from "../support/components.ts";
import { request } from "../support/http.ts";
import { publish, REDIS_MISSING, redisAvailable, startRedis, waitForList } from "../support/redis.ts";
import { suiteScope, type Scope } from "../support/scope.ts";
import { kvProbeWasm } from "./key-value-probe.ts";

interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: number;
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
  readonly attributes: readonly { key: string; value: Record<string, unknown> }[];
  readonly status?: { code?: number; message?: string };
}

interface OtlpExport {
  readonly resourceSpans: readonly {
    readonly resource: { attributes: OtlpSpan["attributes"] };
    readonly scopeSpans: readonly { spans: readonly OtlpSpan[] }[];
  }[];
}

const INTERNAL = 1;
const SERVER = 2;
const CLIENT = 3;
const CONSUMER = 5;
const STATUS_ERROR = 2;
const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN = "00f067aa0ba902b7";

/** A minimal OTLP/HTTP receiver: accepts JSON exports on POST /v1/traces and keeps their spans. */
async function otlpReceiver(t: Scope) {
  const spans: OtlpSpan[] = [];
  const services: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      if (
        req.method !== "POST" ||
        req.url !== "/v1/traces" ||
        !req.headers["content-type"]?.includes("json")
      ) {
        res.statusCode = 400;
        return res.end();
      }
      const exported = JSON.parse(body) as OtlpExport;
      for (const resource of exported.resourceSpans) {
        const name = resource.resource.attributes.find((a) => a.key === "service.name");
        services.push(String(name?.value["stringValue"]));
        for (const scope of resource.scopeSpans) spans.push(...scope.spans);
      }
      res.setHeader("content-type", "application/json");
      res.end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, services };
}

async function upstream(t: Scope) {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.end("upstream");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

async function eventually<T>(find: () => T | undefined, what: string): Promise<T> {
  for (let waited = 0; waited < 10_000; waited += 50) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Serves the app in `dir`, exporting its spans every 100 ms to the receiver at `otlp`. */
function startTraced(scope: Scope, dir: string, otlp: string): Promise<RunningApp> {
  return startApp(scope, ["-f", dir], {
    env: {
      XDG_CACHE_HOME: TEST_CACHE_HOME,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
      OTEL_SERVICE_NAME: "traced-test",
      OTEL_BSP_SCHEDULE_DELAY: "100",
    },
    startTimeoutMs: 180_000,
  });
}

const attribute = (span: OtlpSpan, key: string) => span.attributes.find((a) => a.key === key)?.value;

describe("traces over OTLP", () => {
  const scope = suiteScope();
  let app: RunningApp;
  let receiver: Awaited<ReturnType<typeof otlpReceiver>>;
  let target: Awaited<ReturnType<typeof upstream>>;
  before(async () => {
    receiver = await otlpReceiver(scope);
    target = await upstream(scope);
    const dir = makeApp(scope, {
      manifest: `spin_manifest_version = 2
[application]
name = "traced"

[[trigger.http]]
route = "/probe/..."
component = "probe"

[[trigger.http]]
route = "/kv/..."
component = "kv"

[component.probe]
source = "probe.wasm"
allowed_outbound_hosts = ["${target.url}"]

[component.kv]
source = "kv.wasm"
key_value_stores = ["default"]
allowed_outbound_hosts = ["${target.url}"]
variables = { greeting = "hello" }

[variables]
greeting = { default = "hello" }
`,
    });
    copyFileSync(componentWasm("http-probe"), join(dir, "probe.wasm"));
    copyFileSync(kvProbeWasm(), join(dir, "kv.wasm"));
    app = await startTraced(scope, dir, receiver.url);
  });

  it("exports a server span per request, child of the caller's traceparent", async () => {
    const response = await request(app.url, "/probe/outbound", {
      headers: { traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01`, "x-target": `${target.url}/up` },
    });
    assert.equal(response.status, 200, response.body);
    const server = await eventually(
      () => receiver.spans.find((s) => s.kind === SERVER && s.traceId === TRACE_ID),
      "the server span",
    );
    assert.equal(server.parentSpanId, CALLER_SPAN);
    assert.equal(server.name, "GET /probe/...");
    assert.deepEqual(attribute(server, "http.route"), { stringValue: "/probe/..." });
    assert.deepEqual(attribute(server, "spindle.component"), { stringValue: "probe" });
    assert.deepEqual(attribute(server, "http.response.status_code"), { intValue: 200 });
    assert.ok(receiver.services.includes("traced-test"));
  });

  it("exports a client span for the guest's outbound request and propagates its traceparent", async () => {
    const server = await eventually(
      () => receiver.spans.find((s) => s.kind === SERVER && s.traceId === TRACE_ID),
      "the server span",
    );
    const client = await eventually(
      () => receiver.spans.find((s) => s.kind === CLIENT && s.traceId === TRACE_ID),
      "the client span",
    );
    assert.equal(client.parentSpanId, server.spanId);
    assert.deepEqual(attribute(client, "url.full"), { stringValue: `${target.url}/up` });
    assert.equal(target.seen.length, 1);
    assert.equal(target.seen[0]?.["traceparent"], `00-${TRACE_ID}-${client.spanId}-01`);
  });

  it("makes a key-value get and an outbound request child spans of the request span", async () => {
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    const response = await request(app.url, "/kv/kv/get-then-fetch?key=absent", {
      headers: { traceparent: `00-${traceId}-${CALLER_SPAN}-01`, "x-target": `${target.url}/after-get` },
    });
    assert.equal(response.status, 200, response.body);
    const spans = await eventually(() => {
      const found = receiver.spans.filter((s) => s.traceId === traceId);
      return found.length >= 4 ? found : undefined;
    }, "the request's four spans");
    const server = spans.find((s) => s.kind === SERVER);
    const get = spans.find((s) => s.name === "key-value Store.get");
    const outbound = spans.find((s) => s.kind === CLIENT && s.name === "GET");
    assert.ok(server && get && outbound, JSON.stringify(spans.map((s) => s.name)));
    assert.deepEqual(
      spans.filter((s) => s !== server).map((s) => [s.name, s.parentSpanId]),
      ["key-value Store.open", "key-value Store.get", "GET"].map((name) => [name, server.spanId]),
    );
    assert.deepEqual(attribute(get, "spindle.capability"), { stringValue: "key-value" });
    assert.deepEqual(attribute(get, "spindle.store"), { stringValue: "default" });
    assert.ok(
      BigInt(get.endTimeUnixNano) <= BigInt(outbound.startTimeUnixNano),
      "the get ends before the request",
    );
    assert.ok(BigInt(outbound.endTimeUnixNano) <= BigInt(server.endTimeUnixNano));
    assert.deepEqual(attribute(outbound, "url.full"), { stringValue: `${target.url}/after-get` });
    const seen = target.seen.find((headers) => headers["traceparent"]?.includes(traceId));
    assert.equal(seen?.["traceparent"], `00-${traceId}-${outbound.spanId}-01`);
  });

  it("marks a failed host call's span as an error, and names the error", async () => {
    assert.equal((await request(app.url, "/kv/kv/open?store=forbidden")).status, 200);
    const open = await eventually(
      () => receiver.spans.find((s) => s.name === "key-value Store.open" && s.status?.code === STATUS_ERROR),
      "the failed open's span",
    );
    assert.deepEqual(attribute(open, "error.type"), { stringValue: "access-denied" });
    assert.deepEqual(attribute(open, "spindle.store"), { stringValue: "forbidden" });
    assert.equal(open.kind, CLIENT);
  });

  it("traces a synchronous host call (variables) as an internal span", async () => {
    assert.equal((await request(app.url, "/kv/var?name=greeting")).status, 200);
    const get = await eventually(
      () => receiver.spans.find((s) => s.name === "variables get"),
      "the variable's span",
    );
    assert.equal(get.kind, INTERNAL);
    assert.ok(receiver.spans.some((s) => s.kind === SERVER && s.spanId === get.parentSpanId));
  });

  it("starts a new trace for a request without a traceparent", async () => {
    await request(app.url, "/probe/nothing-here");
    const span = await eventually(
      () => receiver.spans.find((s) => attribute(s, "url.path")?.["stringValue"] === "/probe/nothing-here"),
      "the request's span",
    );
    assert.notEqual(span.traceId, TRACE_ID);
    assert.equal(span.parentSpanId ?? "", "");
  });
});

describe("traces of Redis", { skip: redisAvailable() ? false : REDIS_MISSING }, () => {
  const scope = suiteScope();

  it("make outbound Redis calls client spans with the database system, operation and server", async () => {
    const receiver = await otlpReceiver(scope);
    const redis = await startRedis(scope);
    if (redis === undefined) throw new Error(REDIS_MISSING);
    const dir = makeApp(scope, {
      manifest: `spin_manifest_version = 2
[application]
name = "traced-redis"

[[trigger.http]]
route = "/redis"
component = "probe"

[component.probe]
source = "probe.wasm"
allowed_outbound_hosts = ["redis://127.0.0.1:${redis.port}"]
`,
    });
    copyFileSync(spinProbeWasm("redis-probe", "redis-spin.wit"), join(dir, "probe.wasm"));
    const app = await startTraced(scope, dir, receiver.url);
    const steps = [["set", "traced", "yes"]];
    const response = await request(app.url, "/redis", {
      method: "POST",
      body: JSON.stringify({ address: redis.url, steps }),
    });
    assert.equal(response.status, 200, response.body);
    const set = await eventually(
      () => receiver.spans.find((s) => s.name === "redis Connection.set"),
      "the set's span",
    );
    const server = receiver.spans.find((s) => s.kind === SERVER);
    assert.equal(set.parentSpanId, server?.spanId);
    assert.equal(set.kind, CLIENT);
    assert.deepEqual(attribute(set, "db.system.name"), { stringValue: "redis" });
    assert.deepEqual(attribute(set, "db.operation.name"), { stringValue: "set" });
    assert.deepEqual(attribute(set, "server.address"), { stringValue: "127.0.0.1" });
    assert.deepEqual(attribute(set, "server.port"), { intValue: redis.port });
  });

  it("make a message handled by a Redis trigger a consumer span, parent of the guest's host calls", async () => {
    const receiver = await otlpReceiver(scope);
    const redis = await startRedis(scope);
    if (redis === undefined) throw new Error(REDIS_MISSING);
    const dir = makeApp(scope, {
      manifest: redisSubscriberManifest("traced-subscriber", `redis://127.0.0.1:${redis.port}`),
    });
    copyFileSync(
      spinProbeWasm("redis-trigger-probe", "redis-spin.wit", "inbound-redis-spin.wit"),
      join(dir, "probe.wasm"),
    );
    await startApp(scope, ["-f", dir], {
      env: {
        XDG_CACHE_HOME: TEST_CACHE_HOME,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: "100",
      },
      startTimeoutMs: 180_000,
      ready: /^Active Channels on .*:$/m,
    });
    await publish(redis, "jobs", { text: "traced", address: redis.url, key: "traced:jobs" });
    assert.deepEqual(await waitForList(redis, "traced:jobs", 1), ["traced"]);
    const consumer = await eventually(
      () => receiver.spans.find((s) => s.name === "process jobs"),
      "the message's span",
    );
    assert.equal(consumer.kind, CONSUMER);
    assert.deepEqual(attribute(consumer, "messaging.system"), { stringValue: "redis" });
    assert.deepEqual(attribute(consumer, "messaging.destination.name"), { stringValue: "jobs" });
    assert.deepEqual(attribute(consumer, "spindle.component"), { stringValue: "worker" });
    const call = await eventually(
      () => receiver.spans.find((s) => s.parentSpanId === consumer.spanId && s.name.startsWith("redis ")),
      "the guest's Redis call under the message's span",
    );
    assert.equal(call.traceId, consumer.traceId);
  });
});
