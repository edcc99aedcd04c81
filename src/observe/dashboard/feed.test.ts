import { test } from "node:test";
import assert from "node:assert/strict";
import { createLogger } from "../logger.ts";
import { createFeed, type Tick } from "./feed.ts";

const start = (requestId: string) => ({
  app: "a",
  method: "GET",
  path: `/x/${requestId}`,
  requestId,
  traceparent: undefined,
  headers: {},
});

test("folds a second of requests, logs and instantiations into one tick, and keeps them for the snapshot", async (t) => {
  const feed = createFeed(() => 1000);
  t.after(() => feed.close());
  const ticks: Tick[] = [];
  feed.subscribe((tick) => ticks.push(tick));
  for (const [id, status] of [
    ["r1", 200],
    ["r2", 200],
    ["r3", 500],
  ] as const) {
    const request = feed.observer.request(start(id));
    request.routed("hello", "/x/...");
    request.run(() => undefined);
    request.end(status === 500 ? { status, error: "trapped" } : { status });
  }
  feed.observer.request(start("r4")).end({ status: 404 });
  feed.observer.instantiated("hello", 0.0002);
  feed.observer.guestOutput("hello", "stderr", "a guest line");
  feed.hostLog('{"level":"error","msg":"request failed","component":"hello","request_id":"r3"}');
  feed.hostLog('{"level":"debug","msg":"request","component":"hello"}');
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const tick = ticks[0] as Tick;
  assert.equal(tick.point.requests, 4);
  assert.equal(tick.point.errors, 1);
  assert.ok(tick.point.p50 !== null && tick.point.p99 !== null && tick.point.p50 <= tick.point.p99);
  assert.deepEqual(tick.routes, [{ component: "hello", route: "/x/...", requests: 3, errors: 1 }]);
  assert.deepEqual(
    tick.errors.map((e) => [e.requestId, e.error]),
    [["r3", "trapped"]],
  );
  assert.deepEqual(
    tick.logs.map((l) => [l.component, l.stream, l.line]),
    [
      ["hello", "stderr", "a guest line"],
      ["hello", "host", "ERROR request failed (request r3)"],
    ],
  );
  assert.equal(
    tick.instantiation.reduce((a, b) => a + b),
    1,
  );
  const snapshot = feed.snapshot();
  assert.equal(snapshot.requests.length, 4);
  assert.equal(snapshot.points.length, ticks.length);
});

test("host lines below warn are dropped before they are parsed", (t) => {
  const feed = createFeed(() => 1000);
  t.after(() => feed.close());
  feed.hostLog('{"level":"debug","msg":"never parsed, so its broken JSON does not matter');
  feed.hostLog('{"level":"info","time":');
  feed.hostLog('{"level":"warn","msg":"kept"}');
  assert.deepEqual(
    feed.snapshot().logs.map((l) => l.line),
    ["WARN kept"],
  );
});

test("keeps the warnings and errors of the host logger by the level it wrote, at any logging level", (t) => {
  const feed = createFeed(() => 1000);
  t.after(() => feed.close());
  const logger = createLogger({ write: () => undefined }, { json: true, level: "debug" });
  logger.tee((json) => feed.hostLog(json));
  const app = logger.child({ component: "hello" });
  app.debug("a debug line", { level: "error" });
  app.info("an info line");
  app.warn("slow", { request_id: "r1" });
  logger.error("failed");
  assert.deepEqual(
    feed.snapshot().logs.map((l) => [l.component, l.line]),
    [
      ["hello", "WARN slow (request r1)"],
      ["spindle", "ERROR failed"],
    ],
  );
});
