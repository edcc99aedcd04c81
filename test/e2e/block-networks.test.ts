// End to end: `[outbound_networking] block_networks = ["private"]` in the runtime config. Outbound HTTP to
// a real local server is refused with `destination-IP-prohibited` whether the URL names its IP address or
// `localhost` (resolved first), and outbound Redis to a loopback address fails before connecting; the
// guests are the usual probes, allowed to reach these hosts by their manifests.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { makeApp } from "../support/apps.ts";
import { startApp, type RunningApp } from "../support/cli.ts";
import { componentWasm, spinProbeWasm, TEST_CACHE_HOME } from "../support/components.ts";
import { request } from "../support/http.ts";
import { suiteScope } from "../support/scope.ts";

describe("blocked networks from the runtime config", () => {
  const scope = suiteScope();
  let app: RunningApp;
  let port: number;
  before(async () => {
    const server = createServer((_req, res) => res.end("reached"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    scope.after(() => new Promise((resolve) => server.close(resolve)));
    port = (server.address() as AddressInfo).port;
    const dir = makeApp(scope, {
      manifest: `spin_manifest_version = 2
[application]
name = "block-networks"

[[trigger.http]]
route = "/web/..."
component = "web"

[[trigger.http]]
route = "/redis"
component = "cache"

[component.web]
source = "http-probe.wasm"
allowed_outbound_hosts = ["http://127.0.0.1:${port}", "http://localhost:${port}"]

[component.cache]
source = "redis-probe.wasm"
allowed_outbound_hosts = ["redis://127.0.0.1:6379"]
`,
    });
    writeFileSync(join(dir, "runtime-config.toml"), '[outbound_networking]\nblock_networks = ["private"]\n');
    copyFileSync(componentWasm("http-probe"), join(dir, "http-probe.wasm"));
    copyFileSync(spinProbeWasm("redis-probe", "redis-spin.wit"), join(dir, "redis-probe.wasm"));
    app = await startApp(scope, ["-f", dir, "--runtime-config-file", join(dir, "runtime-config.toml")], {
      env: { XDG_CACHE_HOME: TEST_CACHE_HOME },
      startTimeoutMs: 180_000,
    });
  });

  async function errorCode(target: string): Promise<unknown> {
    const response = await request(app.url, "/web/outbound-raw", { headers: { "x-target": target } });
    return JSON.parse(response.body) as unknown;
  }

  it("refuses outbound HTTP to a blocked IP address", async () => {
    assert.deepEqual(await errorCode(`http://127.0.0.1:${port}/`), {
      error: { tag: "destination-IP-prohibited" },
    });
  });

  it("resolves a host name first, so a name that resolves into a blocked network is refused", async () => {
    assert.deepEqual(await errorCode(`http://localhost:${port}/`), {
      error: { tag: "destination-IP-prohibited" },
    });
  });

  it("fails outbound Redis to a blocked address before connecting", async () => {
    const response = await request(app.url, "/redis", {
      method: "POST",
      body: JSON.stringify({ address: "redis://127.0.0.1:6379", steps: [["get", "k"]] }),
    });
    const [outcome] = JSON.parse(response.body) as [{ err: { tag: string; val: string } }];
    assert.equal(outcome.err.tag, "other");
    assert.match(outcome.err.val, /destination IP prohibited by the runtime config's block_networks/);
  });
});
