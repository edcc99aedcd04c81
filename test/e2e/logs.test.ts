// End to end: the host's structured log. Off a terminal it is JSON lines on stderr; `--log-level debug`
// adds one line per request with its request id; secret variable values and Authorization headers never
// appear; guest output stays plain prefixed lines, apart from the host's log.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { makeApp } from "../support/apps.ts";
import { startApp, type RunningApp } from "../support/cli.ts";
import { request } from "../support/http.ts";
import { suiteScope } from "../support/scope.ts";

const SECRET = "hunter2-very-secret";
const TOKEN = "Bearer abc-token-123";

const MANIFEST = `spin_manifest_version = 2
[application]
name = "logged"

[variables]
api_token = { required = true, secret = true }

[[trigger.http]]
route = "/status/..."
component = "status"
executor = { type = "wagi" }

[component.status]
source = "status.wasm"
[component.status.variables]
token = "{{ api_token }}"
`;

describe("structured logs at --log-level debug", () => {
  const scope = suiteScope();
  let app: RunningApp;
  before(async () => {
    const dir = makeApp(scope, { manifest: MANIFEST, guests: { "status.wasm": "wagi-status" } });
    app = await startApp(scope, ["-f", dir, "--variable", `api_token=${SECRET}`, "--log-level", "debug"]);
  });

  it("writes one JSON line per request with its request id, and redacts secrets", async () => {
    const response = await request(app.url, `/status/${SECRET}`, { headers: { authorization: TOKEN } });
    assert.equal(response.status, 200);
    const line = JSON.parse(await app.stderrLine('"msg":"request"')) as Record<string, unknown>;
    assert.equal(line["level"], "debug");
    assert.match(String(line["request_id"]), /^[0-9a-f]{16}$/);
    assert.equal(line["app"], "logged");
    assert.equal(line["component"], "status");
    assert.equal(line["status"], 200);
    assert.equal(line["path"], "/status/[redacted]");
    assert.equal((line["headers"] as Record<string, string>)["authorization"], "[redacted]");
    assert.equal(typeof line["duration_ms"], "number");
    const stderr = app.output().stderr;
    assert.ok(!stderr.includes(SECRET), stderr);
    assert.ok(!stderr.includes("abc-token-123"), stderr);
  });

  it("keeps guest output as plain prefixed lines", async () => {
    await request(app.url, "/status/x?stderr");
    assert.equal(await app.stderrLine("[status] "), "[status] wagi-status: a line on stderr");
  });

  it("logs a guest fault as an error with the app and request id", async () => {
    await request(app.url, "/status/x?trap");
    const line = JSON.parse(await app.stderrLine('"msg":"request failed"')) as Record<string, unknown>;
    assert.equal(line["level"], "error");
    assert.equal(line["app"], "logged");
    assert.match(String(line["request_id"]), /^[0-9a-f]{16}$/);
  });
});

describe("structured logs at the default level", () => {
  it("writes no line per request", async (t) => {
    const dir = makeApp(t, { manifest: MANIFEST, guests: { "status.wasm": "wagi-status" } });
    const app = await startApp(t, ["-f", dir, "--variable", "api_token=x"]);
    assert.equal((await request(app.url, "/status/quiet")).status, 200);
    const stopped = await app.stop();
    assert.doesNotMatch(stopped.stderr, /"msg":"request"/);
  });

  it("rejects an unknown level", async (t) => {
    const dir = makeApp(t, { manifest: MANIFEST, guests: { "status.wasm": "wagi-status" } });
    await assert.rejects(
      startApp(t, ["-f", dir, "--variable", "api_token=x"], { env: { SPINDLE_LOG_LEVEL: "chatty" } }),
      /invalid log level "chatty"/,
    );
  });
});
