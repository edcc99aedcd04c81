// End to end: selective deployment, `spindle up --component-id` (Spin's flag, which SpinKube's spinImage
// executors pass from a SpinApp's `components`): only the selected components' routes are served, and a
// selection naming a component the app lacks, or leaving out one a selected component chains to, is
// refused before serving.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { makeApp, parseEcho } from "../support/apps.ts";
import { runSpindle, startApp } from "../support/cli.ts";
import { request } from "../support/http.ts";
import { suiteScope } from "../support/scope.ts";

const MANIFEST = `spin_manifest_version = 2
[application]
name = "selection"

[[trigger.http]]
route = "/a"
component = "a"
executor = { type = "wagi" }

[[trigger.http]]
route = "/b"
component = "b"
executor = { type = "wagi" }

[[trigger.http]]
route = "/c"
component = "c"
executor = { type = "wagi" }

[component.a]
source = "echo.wasm"
environment = { WHO = "a" }

[component.b]
source = "echo.wasm"
environment = { WHO = "b" }
allowed_outbound_hosts = ["http://a.spin.internal"]

[component.c]
source = "echo.wasm"
environment = { WHO = "c" }
`;

describe("spindle up --component-id", () => {
  const scope = suiteScope();
  const app = () => makeApp(scope, { manifest: MANIFEST, guests: { "echo.wasm": "echo-env" } });

  it("serves only the selected components", async () => {
    const running = await startApp(scope, ["-f", app(), "-c", "a", "--component-id", "c"]);
    for (const who of ["a", "c"]) {
      const response = await request(running.url, `/${who}`);
      assert.equal(response.status, 200);
      assert.equal(parseEcho(response.body).env.get("WHO"), who);
    }
    assert.equal((await request(running.url, "/b")).status, 404);
    assert.doesNotMatch(running.output().stdout, /\/b\b/, "the route table lists only what is served");
  });

  it("refuses an unknown component and a selection that breaks service chaining", async () => {
    const dir = app();
    const unknown = await runSpindle(["up", "-f", dir, "-c", "nope"]);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /Specified component "nope" not found in application/);
    assert.match(unknown.stderr, /a, b, c/);
    const chained = await runSpindle(["up", "-f", dir, "-c", "b"]);
    assert.notEqual(chained.code, 0);
    assert.match(
      chained.stderr,
      /Selected component 'b' cannot use service chaining to unselected component/,
    );
  });
});
