// End to end: the WAGI executor's CGI contract and output rules, over real HTTP against `spindle up`.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { makeApp, parseEcho } from "../support/apps.ts";
import { startApp, type RunningApp } from "../support/cli.ts";
import { request } from "../support/http.ts";
import { suiteScope } from "../support/scope.ts";

const MANIFEST = `spin_manifest_version = 2
[application]
name = "wagi"

[[trigger.http]]
route = "/echo/..."
component = "echo"
executor = { type = "wagi" }

[[trigger.http]]
route = "/argv/..."
component = "echo-argv"
executor = { type = "wagi", argv = "\${SCRIPT_NAME} fixed \${ARGS}" }

[[trigger.http]]
route = "/status"
component = "status"
executor = { type = "wagi" }

[component.echo]
source = "echo.wasm"
environment = { GREETING = "hello", HTTP_HOST = "from-manifest" }

[component.echo-argv]
source = "echo.wasm"

[component.status]
source = "status.wasm"
`;

describe("WAGI executor", () => {
  const scope = suiteScope();
  let app: RunningApp;
  let dir: string;
  before(async () => {
    dir = makeApp(scope, {
      manifest: MANIFEST,
      guests: { "echo.wasm": "echo-env", "status.wasm": "wagi-status" },
    });
    app = await startApp(scope, ["-f", dir, "--env", "FROM_FLAG=yes"]);
  });

  it("passes the request as CGI argv, environment and stdin", async () => {
    const response = await request(app.url, "/echo/a/b?x=1&y=2", {
      method: "POST",
      headers: { "Content-Type": "text/plain", Authorization: "Bearer secret", "X-Thing": "v" },
      body: "the body",
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "text/plain");
    const { env, body } = parseEcho(response.body);
    assert.equal(body, "the body");
    const port = new URL(app.url).port;
    const expected: Record<string, string> = {
      "argv[0]": "/echo/a/b",
      "argv[1]": "x=1",
      "argv[2]": "y=2",
      REQUEST_METHOD: "POST",
      QUERY_STRING: "x=1&y=2",
      CONTENT_LENGTH: "8",
      CONTENT_TYPE: "",
      GATEWAY_INTERFACE: "CGI/1.1",
      SERVER_SOFTWARE: "WAGI/1",
      SERVER_PROTOCOL: "HTTP/1.1",
      SERVER_NAME: "127.0.0.1",
      SERVER_PORT: port,
      SCRIPT_NAME: "/echo",
      PATH_INFO: "/a/b",
      X_RAW_PATH_INFO: "/a/b",
      REMOTE_ADDR: "127.0.0.1",
      REMOTE_HOST: "127.0.0.1",
      AUTH_TYPE: "",
      REMOTE_USER: "",
      HTTP_CONTENT_TYPE: "text/plain",
      HTTP_X_THING: "v",
      X_MATCHED_ROUTE: "/echo/...",
      X_COMPONENT_ROUTE: "/echo",
      GREETING: "hello",
      FROM_FLAG: "yes",
    };
    for (const [name, value] of Object.entries(expected)) assert.equal(env.get(name), value, name);
    assert.equal(env.has("HTTP_AUTHORIZATION"), false, "Authorization is never passed to the guest");
    assert.equal(env.has("HTTP_CONNECTION"), false);
  });

  it("expands a custom argv template", async () => {
    const { env } = parseEcho((await request(app.url, "/argv/z?q")).body);
    assert.equal(env.get("argv[0]"), "/argv/z");
    assert.equal(env.get("argv[1]"), "fixed");
    assert.equal(env.get("argv[2]"), "q");
  });

  it("applies the status header", async () => {
    const response = await request(app.url, "/status?status=201");
    assert.equal(response.status, 201);
    assert.equal(response.body, "wagi-status\n");
    assert.equal(response.headers.get("content-type"), "text/plain");
  });

  it("redirects with location: 302 by default, the given status otherwise", async () => {
    const redirect = await request(app.url, "/status?location=/elsewhere");
    assert.equal(redirect.status, 302);
    assert.equal(redirect.headers.get("location"), "/elsewhere");
    const permanent = await request(app.url, "/status?location=/x&status=301");
    assert.equal(permanent.status, 301);
    assert.equal(permanent.headers.get("location"), "/x");
  });

  it("passes other headers through", async () => {
    const response = await request(app.url, "/status?header=X-Custom:yes");
    assert.equal(response.headers.get("x-custom"), "yes");
  });

  it("answers 500 with Spin's message when neither content-type nor location is given", async () => {
    const response = await request(app.url, "/status?none");
    assert.equal(response.status, 500);
    assert.equal(response.body, "Exactly one of 'location' or 'content-type' must be specified");
  });

  it("answers 502 for an unparsable status", async () => {
    assert.equal((await request(app.url, "/status?bad-status")).status, 502);
  });

  for (const [query, what] of [
    ["exit=3", "a non-zero exit"],
    ["trap", "a trap"],
    ["silent", "no output"],
  ] as const) {
    it(`answers ${what} with an empty 500 and logs it with a request id`, async () => {
      const response = await request(app.url, `/status?${query}`);
      assert.equal(response.status, 500);
      assert.equal(response.body, "");
      const line = await app.stderrLine(`"path":"/status?${query}"`);
      const logged = JSON.parse(line) as Record<string, string>;
      assert.match(logged["request_id"] ?? "", /^[0-9a-f]{16}$/);
      assert.equal(logged["component"], "status");
    });
  }

  it("keeps serving after a guest fault", async () => {
    await request(app.url, "/status?trap");
    assert.equal((await request(app.url, "/status")).status, 200);
  });

  it("writes guest stderr to the log prefixed with the component id and to .spin/logs", async () => {
    await request(app.url, "/status?stderr");
    assert.equal(await app.stderrLine("[status] "), "[status] wagi-status: a line on stderr");
    const file = readFileSync(join(dir, ".spin", "logs", "status_stderr.txt"), "utf8");
    assert.ok(file.includes("wagi-status: a line on stderr\n"), file);
  });
});
