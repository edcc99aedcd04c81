// End to end: the variables host interface (fermyon:spin/variables@2.0.0) through `spindle up`, with a
// JavaScript component: Spin's conformance `variables` case, component variables rendered from app
// variables (a default, the environment, and `.env` in the current directory after the environment), and
// a component seeing only the variables it declares.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { makeApp } from "../support/apps.ts";
import { startApp, type RunningApp } from "../support/cli.ts";
import { TEST_CACHE_HOME } from "../support/components.ts";
import { request } from "../support/http.ts";
import { suiteScope } from "../support/scope.ts";
import { kvProbeWasm } from "./key-value-probe.ts";

const MANIFEST = `spin_manifest_version = 2
[application]
name = "variables"

[variables]
host = { default = "example.com" }
token = { required = true }
region = { required = true }

[[trigger.http]]
route = "/plain/..."
component = "plain"

[[trigger.http]]
route = "/..."
component = "probe"

[component.probe]
source = "probe.wasm"
[component.probe.variables]
variable = "value"
url = "https://{{ host }}/api?region={{ region }}"
token = "{{ token }}"

[component.plain]
source = "probe.wasm"
`;

async function get(app: RunningApp, path: string): Promise<unknown> {
  const response = await request(app.url, path);
  assert.equal(response.status, 200, response.body);
  return JSON.parse(response.body) as unknown;
}

describe("variables capability", () => {
  const scope = suiteScope();
  let app: RunningApp;
  before(async () => {
    const dir = makeApp(scope, {
      manifest: MANIFEST,
      files: { ".env": "SPIN_VARIABLE_TOKEN=from-dotenv\nSPIN_VARIABLE_REGION=from-dotenv\n" },
    });
    copyFileSync(kvProbeWasm(), join(dir, "probe.wasm"));
    app = await startApp(scope, ["-f", dir], {
      cwd: dir,
      env: { XDG_CACHE_HOME: TEST_CACHE_HOME, SPIN_VARIABLE_REGION: "from-env" },
      startTimeoutMs: 180_000,
    });
  });

  it("passes the conformance variables case", async () => {
    const response = await request(app.url, "/variables-conformance");
    assert.equal(response.body, "");
    assert.equal(response.status, 200);
  });

  it("renders component variables from app variables: default, environment, then .env", async () => {
    assert.deepEqual(await get(app, "/var?name=url"), { ok: "https://example.com/api?region=from-env" });
    assert.deepEqual(await get(app, "/var?name=token"), { ok: "from-dotenv" });
  });

  it("answers undefined for an app variable the component does not declare", async () => {
    const outcome = await get(app, "/var?name=host");
    assert.deepEqual(outcome, { err: { tag: "undefined", val: 'no variable for "probe"."host"' } });
    const plain = await get(app, "/plain/var?name=variable");
    assert.deepEqual(plain, { err: { tag: "undefined", val: 'no variable for "plain"."variable"' } });
  });

  it("answers invalid-name with the reason", async () => {
    const outcome = (await get(app, "/var?name=Upper")) as { err: { tag: string; val: string } };
    assert.equal(outcome.err.tag, "invalid-name");
    assert.match(outcome.err.val, /invalid character 'U'/);
  });
});

describe("variables providers from the runtime config", () => {
  const scope = suiteScope();
  let app: RunningApp;
  before(async () => {
    const dir = makeApp(scope, {
      manifest: MANIFEST,
      files: {
        "runtime-config.toml": `[[variables_provider]]
type = "static"
values = { token = "from-static", region = "from-static" }

[[variables_provider]]
type = "env"
prefix = "MY_APP"
dotenv_path = "my-app.env"
`,
        "my-app.env": "MY_APP_HOST=dotenv.example.com\n",
        ".env": "SPIN_VARIABLE_HOST=shadowed.example.com\n",
      },
    });
    copyFileSync(kvProbeWasm(), join(dir, "probe.wasm"));
    app = await startApp(
      scope,
      [
        "-f",
        dir,
        "--runtime-config-file",
        join(dir, "runtime-config.toml"),
        "--variable",
        "region=from-flag",
      ],
      {
        cwd: dir,
        env: {
          XDG_CACHE_HOME: TEST_CACHE_HOME,
          SPIN_VARIABLE_TOKEN: "from-default-env",
          MY_APP_TOKEN: "from-my-app-env",
        },
        startTimeoutMs: 180_000,
      },
    );
  });

  it("asks --variable first, then the file's providers in order, before the default environment", async () => {
    assert.deepEqual(await get(app, "/var?name=token"), { ok: "from-static" });
    assert.deepEqual(await get(app, "/var?name=url"), {
      ok: "https://dotenv.example.com/api?region=from-flag",
    });
  });
});
