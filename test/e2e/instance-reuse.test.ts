// End to end: `spindle up --instance-reuse`. A raw wasi:http guest keeps module state, so its answers
// show which instance served a request: with reuse, one instance serves up to N requests in a row and the
// next request sees what the previous one left; without it, every request starts fresh. A Spin JS SDK
// guest cannot serve a second request on one instance: reuse is switched off for it with one warning,
// and no request fails.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { makeApp } from "../support/apps.ts";
import { runSpindle, startApp } from "../support/cli.ts";
import { componentWasm, TEST_CACHE_HOME } from "../support/components.ts";
import { request } from "../support/http.ts";
import { suiteScope } from "../support/scope.ts";

const manifest = (source: string) => `spin_manifest_version = 2
[application]
name = "reuse"

[[trigger.http]]
route = "/..."
component = "probe"

[component.probe]
source = "${source}"
`;

const env = { XDG_CACHE_HOME: TEST_CACHE_HOME };

interface Answer {
  readonly served: number;
  readonly seen: string | null;
}

async function answers(url: string, count: number): Promise<Answer[]> {
  const out: Answer[] = [];
  for (let i = 0; i < count; i++) {
    const response = await request(url, `/?leak=r${i}`);
    assert.equal(response.status, 200, response.body);
    out.push(JSON.parse(response.body) as Answer);
  }
  return out;
}

function reuseApp(scope: ReturnType<typeof suiteScope>): string {
  const dir = makeApp(scope, { manifest: manifest("probe.wasm") });
  copyFileSync(componentWasm("reuse-probe"), join(dir, "probe.wasm"));
  return dir;
}

describe("instance reuse", () => {
  const scope = suiteScope();

  it("gives every request a fresh instance by default", async () => {
    const app = await startApp(scope, ["-f", reuseApp(scope)], { env, startTimeoutMs: 180_000 });
    const got = await answers(app.url, 3);
    assert.deepEqual(got, [
      { served: 1, seen: null },
      { served: 1, seen: null },
      { served: 1, seen: null },
    ]);
  });

  it("serves up to N requests on one instance, then starts a new one", async () => {
    const app = await startApp(scope, ["-f", reuseApp(scope), "--instance-reuse", "3"], {
      env,
      startTimeoutMs: 180_000,
    });
    const got = await answers(app.url, 5);
    assert.deepEqual(got, [
      { served: 1, seen: null },
      { served: 2, seen: "r0" },
      { served: 3, seen: "r1" },
      { served: 1, seen: null },
      { served: 2, seen: "r3" },
    ]);
  });

  it("takes a per-component setting from SPINDLE_INSTANCE_REUSE", async () => {
    const app = await startApp(scope, ["-f", reuseApp(scope)], {
      env: { ...env, SPINDLE_INSTANCE_REUSE: "probe=2" },
      startTimeoutMs: 180_000,
    });
    const got = await answers(app.url, 3);
    assert.deepEqual(
      got.map((a) => a.served),
      [1, 2, 1],
    );
  });

  it("switches reuse off, with one warning, for a JS SDK guest that cannot answer twice", async () => {
    const dir = makeApp(scope, { manifest: manifest("probe.wasm") });
    copyFileSync(componentWasm("http-probe"), join(dir, "probe.wasm"));
    const app = await startApp(scope, ["-f", dir, "--instance-reuse", "100"], {
      env,
      startTimeoutMs: 180_000,
    });
    for (let i = 0; i < 4; i++) {
      const response = await request(app.url, "/counter");
      assert.equal(response.status, 200, response.body);
      assert.deepEqual(JSON.parse(response.body), { requests: 1 });
    }
    const line = await app.stderrLine("cannot reuse instances");
    assert.match(line, /probe/);
    assert.equal(app.output().stderr.split("cannot reuse instances").length - 1, 1, "warned once");
  });

  it("refuses an unknown component and a count that is not a whole number ≥ 1", async () => {
    const dir = reuseApp(scope);
    const unknown = await runSpindle(["up", "-f", dir, "--instance-reuse", "nope=5"], { env });
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /--instance-reuse names component "nope".*\n?.*probe/);
    const zero = await runSpindle(["up", "-f", dir, "--instance-reuse", "0"], { env });
    assert.notEqual(zero.code, 0);
    assert.match(zero.stderr, /invalid --instance-reuse "0"/);
  });
});
