// End to end: outbound HTTP from a component under allowed_outbound_hosts — a templated network host, a
// chained component (`<id>.spin.internal`, private endpoint included), a `self` request through the app's
// router — each checked against the allow-list first, denials visible to the guest and logged with the fix.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { makeApp } from "../support/apps.ts";
import { startApp, type RunningApp } from "../support/cli.ts";
import { componentWasm, TEST_CACHE_HOME } from "../support/components.ts";
import { request } from "../support/http.ts";
import { suiteScope, type Scope } from "../support/scope.ts";

const MANIFEST = `spin_manifest_version = 2
[application]
name = "outbound"

[variables]
upstream = { required = true }

[[trigger.http]]
route = "/caller/..."
component = "caller"

[[trigger.http]]
route = { private = true }
component = "backend"

[[trigger.http]]
route = "/open/..."
component = "open"

[component.caller]
source = "probe.wasm"
allowed_outbound_hosts = ["{{ upstream }}", "http://backend.spin.internal", "http://self"]

[component.backend]
source = "probe.wasm"

[component.open]
source = "probe.wasm"
`;

interface Outcome {
  status?: number;
  body?: string;
  error?: string;
}

async function listen(t: Scope, text: string): Promise<string> {
  const server = createServer((req, res) => res.end(`${text} ${req.method} ${req.url}`));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("outbound HTTP", () => {
  const scope = suiteScope();
  let app: RunningApp;
  let allowed: string;
  let other: string;
  before(async () => {
    allowed = await listen(scope, "allowed");
    other = await listen(scope, "other");
    const dir = makeApp(scope, { manifest: MANIFEST });
    copyFileSync(componentWasm("http-probe"), join(dir, "probe.wasm"));
    app = await startApp(scope, ["-f", dir, "--variable", `upstream=${allowed}`], {
      env: { XDG_CACHE_HOME: TEST_CACHE_HOME },
      startTimeoutMs: 180_000,
    });
  });

  async function send(from: string, target: string): Promise<Outcome> {
    const response = await request(app.url, `/${from}/outbound`, { headers: { "x-target": target } });
    return JSON.parse(response.body) as Outcome;
  }

  it("reaches a network host allowed through a variable template", async () => {
    assert.deepEqual(await send("caller", `${allowed}/x?y=1`), { status: 200, body: "allowed GET /x?y=1" });
  });

  it("denies any other host, as an error the guest sees, and logs the entry that would allow it", async () => {
    const outcome = await send("caller", `${other}/x`);
    assert.match(outcome.error ?? "", /TypeError|NetworkError|fetch/i);
    const line = await app.stderrLine(`"url":"${other}/x"`);
    assert.ok(line.includes(`allowed_outbound_hosts = [\\"${other}\\"]`), line);
    assert.ok(line.includes("[component.caller]"), line);
  });

  it("chains to a private component through <id>.spin.internal, in-process", async () => {
    const outcome = await send("caller", "http://backend.spin.internal/request?q=1");
    assert.equal(outcome.status, 200, JSON.stringify(outcome));
    const seen = JSON.parse(outcome.body ?? "{}") as { url: string; headers: [string, string][] };
    const headers = new Map(seen.headers);
    assert.equal(headers.get("spin-full-url"), "http://backend.spin.internal/request?q=1");
    assert.equal(headers.get("spin-matched-route"), "/...");
    assert.equal(headers.get("spin-path-info"), "/request");
    assert.equal(headers.get("spin-client-addr"), "0.0.0.0:0");
  });

  it("sends self requests through the app's own router", async () => {
    const outcome = await send("caller", "http://self/open/request");
    assert.equal(outcome.status, 200, JSON.stringify(outcome));
    const seen = JSON.parse(outcome.body ?? "{}") as { headers: [string, string][] };
    assert.equal(new Map(seen.headers).get("spin-matched-route"), "/open/...");
  });

  it("checks the allow-list before chaining: a component without the entry is denied", async () => {
    const outcome = await send("open", "http://backend.spin.internal/request");
    assert.ok(outcome.error !== undefined, JSON.stringify(outcome));
    await app.stderrLine('"url":"http://backend.spin.internal/request"');
  });
});
