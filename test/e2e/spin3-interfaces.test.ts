// End to end: a component built against the Spin 3 SDKs' package names (`spin:key-value@3.0.0`,
// `spin:sqlite@3.0.0` with last-insert-rowid and changes, `spin:variables@3.0.0`) runs unmodified, served by
// the same capabilities as the 2.0.0 interfaces.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { makeApp } from "../support/apps.ts";
import { startApp } from "../support/cli.ts";
import { spinProbeWasm, TEST_CACHE_HOME } from "../support/components.ts";
import { request } from "../support/http.ts";

const MANIFEST = `spin_manifest_version = 2
[application]
name = "spin3"

[variables]
greeting = { default = "hello from spin 3" }

[[trigger.http]]
route = "/..."
component = "probe"

[component.probe]
source = "probe.wasm"
key_value_stores = ["default"]
sqlite_databases = ["default"]

[component.probe.variables]
greeting = "{{ greeting }}"
`;

describe("Spin 3 host interfaces", () => {
  it("serves key-value, SQLite and variables under their 3.0.0 names", async (t) => {
    const dir = makeApp(t, { manifest: MANIFEST });
    const wasm = spinProbeWasm(
      "spin3-probe",
      "spin3-key-value.wit",
      "spin3-sqlite.wit",
      "spin3-variables.wit",
    );
    copyFileSync(wasm, join(dir, "probe.wasm"));
    const app = await startApp(t, ["-f", dir], {
      env: { XDG_CACHE_HOME: TEST_CACHE_HOME },
      startTimeoutMs: 180_000,
    });
    const response = await request(app.url, "/");
    assert.equal(response.status, 200, response.body);
    assert.deepEqual(JSON.parse(response.body), {
      value: "three",
      keys: ["spin3"],
      lastInsertRowid: "2",
      changes: "2",
      greeting: "hello from spin 3",
    });
  });
});
