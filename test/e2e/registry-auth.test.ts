// End to end: a registry behind htpasswd Basic auth refuses an anonymous push with a message that says
// how to log in; `spindle registry login` checks the password with the registry before storing it in
// Docker's config.json, and push/pull then succeed until `logout`.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeApp } from "../support/apps.ts";
import { BIN, runSpindle } from "../support/cli.ts";
import { registryUnavailable, startRegistry, type TestRegistry } from "../support/registry.ts";
import { suiteScope } from "../support/scope.ts";

const MANIFEST = `spin_manifest_version = 2
[application]
name = "private-app"

[[trigger.http]]
route = "/..."
component = "echo"
executor = { type = "wagi" }

[component.echo]
source = "echo.wasm"
`;

describe("registry authentication", { skip: registryUnavailable() ?? false }, () => {
  const scope = suiteScope();
  let registry: TestRegistry;
  let env: NodeJS.ProcessEnv;
  let configFile: string;
  let app: string;
  let reference: string;

  before(async () => {
    registry = await startRegistry(scope, { users: { alice: "s3cret-pw" } });
    reference = `${registry.host}/team/private:v1`;
    const home = mkdtempSync(join(tmpdir(), "spindle-home-"));
    scope.after(() => rmSync(home, { recursive: true, force: true }));
    env = { XDG_CACHE_HOME: join(home, "cache"), DOCKER_CONFIG: join(home, "docker") };
    configFile = join(home, "docker", "config.json");
    app = makeApp(scope, { manifest: MANIFEST, guests: { "echo.wasm": "echo-env" } });
  });

  it("refuses an anonymous push with the 401 and a login hint", async () => {
    const result = await runSpindle(["registry", "push", reference, "-f", app], { env });
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      new RegExp(`(?:^|\\n)Error: .*${registry.host} requires authentication \\(HTTP 401`),
    );
    assert.match(
      result.stderr,
      new RegExp(`hint: log in first: spindle registry login ${registry.host} -u <user>`),
    );
  });

  it("does not store a password the registry refuses", async () => {
    const result = await runSpindle(["registry", "login", registry.host, "-u", "alice", "-p", "wrong"], {
      env,
    });
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      new RegExp(`(?:^|\\n)Error: ${registry.host} rejected the username or password`),
    );
    assert.equal(existsSync(configFile), false);
  });

  it("logs in with the password from stdin, then pushes and pulls", async () => {
    const login = await loginWithStdin(
      ["registry", "login", registry.host, "-u", "alice", "--password-stdin"],
      "s3cret-pw\n",
      env,
    );
    assert.equal(login.code, 0, login.stderr);
    assert.equal(login.stdout, `Login succeeded for ${registry.host} (stored in ${configFile})\n`);
    const config = JSON.parse(readFileSync(configFile, "utf8")) as {
      auths: Record<string, { auth: string }>;
    };
    assert.deepEqual(config.auths, {
      [registry.host]: { auth: Buffer.from("alice:s3cret-pw").toString("base64") },
    });

    const push = await runSpindle(["registry", "push", reference, "-f", app], { env });
    assert.equal(push.code, 0, push.stderr);
    const pull = await runSpindle(["registry", "pull", reference], { env });
    assert.equal(pull.code, 0, pull.stderr);
  });

  it("tells a refused stored login from a missing one", async () => {
    const wrong = { ...env, DOCKER_CONFIG: mkdtempSync(join(tmpdir(), "spindle-docker-")) };
    scope.after(() => rmSync(wrong["DOCKER_CONFIG"] ?? "", { recursive: true, force: true }));
    const auth = Buffer.from("alice:stale").toString("base64");
    writeFileSync(
      join(wrong["DOCKER_CONFIG"] ?? "", "config.json"),
      JSON.stringify({ auths: { [registry.host]: { auth } } }),
    );
    const result = await runSpindle(["registry", "pull", reference], { env: wrong });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /hint: the stored login was refused; log in again/);
  });

  it("forgets the login on logout", async () => {
    const logout = await runSpindle(["registry", "logout", registry.host], { env });
    assert.equal(logout.stdout, `Removed login for ${registry.host}\n`);
    const config = JSON.parse(readFileSync(configFile, "utf8")) as { auths: Record<string, unknown> };
    assert.deepEqual(config.auths, {});
    const pull = await runSpindle(["registry", "pull", reference], { env });
    assert.equal(pull.code, 1);
    assert.match(pull.stderr, /requires authentication \(HTTP 401/);
    const again = await runSpindle(["registry", "logout", registry.host], { env });
    assert.equal(again.stdout, `Not logged in to ${registry.host}\n`);
  });
});

function loginWithStdin(args: string[], input: string, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  child.stdin.end(input);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}
