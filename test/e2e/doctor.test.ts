// End to end: `spindle doctor` reports on this machine and on a running app's admin endpoint.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { makeApp } from "../support/apps.ts";
import { runSpindle, startApp } from "../support/cli.ts";
import { adminUrl } from "../support/prometheus.ts";

const MANIFEST = `spin_manifest_version = 2
[application]
name = "checked"

[[trigger.http]]
route = "/..."
component = "status"
executor = { type = "wagi" }

[component.status]
source = "status.wasm"
`;

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("spindle doctor", () => {
  it("reports the runtime, and a reachable admin endpoint", async (t) => {
    const dir = makeApp(t, { manifest: MANIFEST, guests: { "status.wasm": "wagi-status" } });
    const app = await startApp(t, ["-f", dir, "--admin-listen", "127.0.0.1:0"]);
    const result = await runSpindle(["doctor", "--admin", adminUrl(app)]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^Spindle doctor\n/);
    assert.match(
      result.stdout,
      new RegExp(`\\[ok\\] +Node\\.js +v${process.versions.node.replaceAll(".", "\\.")}`),
    );
    assert.match(result.stdout, /\[ok\] +JSPI/);
    assert.match(result.stdout, /\[ok\] +node:sqlite/);
    assert.match(result.stdout, /\[ok\] +cache directory/);
    assert.match(
      result.stdout,
      /\[ok\] +admin endpoint +http:\/\/127\.0\.0\.1:\d+\/metrics answered with Spindle's metrics/,
    );
  });

  it("fails, with a hint, when the admin endpoint does not answer", async () => {
    const result = await runSpindle(["doctor", "--admin", `127.0.0.1:${await closedPort()}`]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /\[fail\] admin endpoint +http:\/\/127\.0\.0\.1:\d+\/metrics is unreachable/);
    assert.match(result.stdout, /hint: start the app with `spindle up --admin-listen HOST:PORT`/);
    assert.match(result.stdout, /1 problem/);
  });
});
