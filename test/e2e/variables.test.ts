// End to end: application variables must all have a value before `spindle up` serves — from a default,
// `SPIN_VARIABLE_<NAME>`, or `--variable` (inline, from a file, or from a JSON/TOML table) — and secret
// values never reach the log.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeApp } from "../support/apps.ts";
import { runSpindle, startApp } from "../support/cli.ts";
import { request } from "../support/http.ts";
import type { Scope } from "../support/scope.ts";

const MANIFEST = `spin_manifest_version = 2
[application]
name = "variables"

[variables]
api_key = { required = true, secret = true }
region = { required = true }
greeting = { default = "hello" }

[[trigger.http]]
route = "/..."
component = "app"
executor = { type = "wagi" }

[component.app]
source = "app.wasm"
allowed_outbound_hosts = ["https://{{ region }}.example.com"]

[component.app.variables]
key = "{{ api_key }}"
message = "{{ greeting }}, {{ region }}"
`;

function app(t: Scope, files: Record<string, string> = {}): string {
  return makeApp(t, { manifest: MANIFEST, guests: { "app.wasm": "echo-env" }, files });
}

describe("variables", { concurrency: 4 }, () => {
  it("stops start-up naming every required variable without a value, and how to set it", async (t) => {
    const result = await runSpindle(["up", "-f", app(t), "--listen", "127.0.0.1:0"]);
    assert.equal(result.code, 1);
    assert.doesNotMatch(result.stdout, /Serving/);
    assert.ok(result.stderr.includes('no value for required variables "api_key", "region"'), result.stderr);
    assert.ok(result.stderr.includes("SPIN_VARIABLE_API_KEY"), result.stderr);
    assert.ok(result.stderr.includes("--variable region="), result.stderr);
  });

  it("names just the one still missing", async (t) => {
    const result = await runSpindle([
      "up",
      "-f",
      app(t),
      "--listen",
      "127.0.0.1:0",
      "--variable",
      "region=eu",
    ]);
    assert.equal(result.code, 1);
    assert.ok(result.stderr.includes('no value for required variable "api_key"'), result.stderr);
  });

  it("takes values from SPIN_VARIABLE_* environment variables", async (t) => {
    const running = await startApp(t, ["-f", app(t)], {
      env: { SPIN_VARIABLE_API_KEY: "s3cr3t-from-env", SPIN_VARIABLE_REGION: "eu" },
    });
    assert.equal((await request(running.url, "/")).status, 200);
  });

  it("takes values from --variable NAME=VALUE and NAME=@FILE", async (t) => {
    const dir = app(t, { "key.txt": "s3cr3t-from-file" });
    const running = await startApp(t, [
      "-f",
      dir,
      "--variable",
      `api_key=@${join(dir, "key.txt")}`,
      "--variable",
      "region=eu",
    ]);
    assert.equal((await request(running.url, "/")).status, 200);
  });

  it("takes values from --variable @FILE.json and @FILE.toml", async (t) => {
    const dir = app(t);
    writeFileSync(join(dir, "vars.json"), JSON.stringify({ api_key: "s3cr3t-json" }));
    writeFileSync(join(dir, "vars.toml"), 'region = "eu"\n');
    const running = await startApp(t, [
      "-f",
      dir,
      "--variable",
      `@${dir}/vars.json`,
      "--variable",
      `@${dir}/vars.toml`,
    ]);
    assert.equal((await request(running.url, "/")).status, 200);
    const stopped = await running.stop();
    assert.ok(
      !`${stopped.stdout}${stopped.stderr}`.includes("s3cr3t"),
      "secret values never appear in output",
    );
  });

  it("explains a malformed --variable", async (t) => {
    const result = await runSpindle(["up", "-f", app(t), "--variable", "no-equals-sign"]);
    assert.equal(result.code, 1);
    assert.ok(result.stderr.includes('invalid --variable "no-equals-sign"'), result.stderr);
  });

  it("explains a --variable file that does not exist", async (t) => {
    const result = await runSpindle(["up", "-f", app(t), "--variable", "api_key=@/nonexistent/key"]);
    assert.equal(result.code, 1);
    assert.ok(result.stderr.includes("cannot read /nonexistent/key"), result.stderr);
  });
});
