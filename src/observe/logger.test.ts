import { test } from "node:test";
import assert from "node:assert/strict";
import { createLogger } from "./logger.ts";

const now = () => new Date("2026-01-02T03:04:05.000Z");

function capture() {
  const lines: string[] = [];
  return { lines, out: { write: (line: string) => lines.push(line) } };
}

test("JSON: one object per line with time, level, message, bindings and fields", () => {
  const { lines, out } = capture();
  createLogger(out, { json: true, now })
    .child({ component: "hello" })
    .warn("slow", { request_id: "abc", ms: 12, skipped: undefined });
  assert.equal(lines.length, 1);
  assert.deepEqual(JSON.parse(lines[0] ?? ""), {
    level: "warn",
    time: "2026-01-02T03:04:05.000Z",
    component: "hello",
    request_id: "abc",
    ms: 12,
    msg: "slow",
  });
});

test("on a terminal: a short human line", () => {
  const { lines, out } = capture();
  createLogger(out, { now }).error("request failed", { component: "a b", status: 500 });
  assert.deepEqual(lines, ['2026-01-02T03:04:05.000Z ERROR request failed component="a b" status=500\n']);
});

test("levels below the chosen one are dropped", () => {
  const { lines, out } = capture();
  const logger = createLogger(out, { json: true, now });
  logger.debug("hidden");
  createLogger(out, { json: true, now, level: "debug" }).debug("shown");
  assert.equal(lines.length, 1);
  assert.match(lines[0] ?? "", /"msg":"shown"/);
});

test("secret headers and secret values never reach the output", () => {
  const { lines, out } = capture();
  const logger = createLogger(out, { json: true, now, level: "debug" });
  logger.redact(["hunter2-secret", "ab"]);
  logger.child({ path: "/x/hunter2-secret" }).debug("request to hunter2-secret", {
    headers: { authorization: "Bearer token", cookie: "c=1", accept: "text/plain" },
    nested: { list: ["hunter2-secret"] },
    note: "abc",
  });
  const text = lines.join("");
  assert.doesNotMatch(text, /hunter2-secret|Bearer token|c=1/);
  const line = JSON.parse(text) as Record<string, unknown>;
  assert.deepEqual(line["headers"], {
    authorization: "[redacted]",
    cookie: "[redacted]",
    accept: "text/plain",
  });
  assert.equal(line["msg"], "request to [redacted]");
  assert.equal(line["path"], "/x/[redacted]");
  assert.equal(line["note"], "abc", "values too short to be secrets are left alone");
});

test("tee: every written line also goes to the listeners, as JSON", () => {
  const { lines, out } = capture();
  const logger = createLogger(out, { now });
  const teed: string[] = [];
  logger.tee((json) => teed.push(json));
  logger.warn("careful", { component: "a" });
  assert.equal(lines.length, 1);
  assert.ok(
    teed[0]?.startsWith('{"level":"warn",'),
    "the level comes first, for listeners that filter by it",
  );
  assert.deepEqual(JSON.parse(teed[0] ?? ""), {
    level: "warn",
    time: "2026-01-02T03:04:05.000Z",
    component: "a",
    msg: "careful",
  });
});
