// End to end: `spindle up` routes requests as Spin does and gives the guest Spin's request facts. Every
// component runs the echo-env guest with WHO set to its id, so the response says which one served.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { makeApp, parseEcho } from "../support/apps.ts";
import { startApp, type RunningApp } from "../support/cli.ts";
import { request } from "../support/http.ts";
import { suiteScope, type Scope } from "../support/scope.ts";

const ROUTES: readonly (readonly [component: string, route: string])[] = [
  ["catchall", '"/..."'],
  ["exact", '"/exact"'],
  ["users-id", '"/users/:id"'],
  ["users-admin", '"/users/admin"'],
  ["files", '"/static/..."'],
  ["one", '"/one/..."'],
  ["two", '"/one/two/..."'],
  ["dup-first", '"/dup"'],
  ["dup-second", '"/dup"'],
  ["trailing", '"/trail/"'],
  ["noslash", '"noslash"'],
  ["star", '"/star/*"'],
  ["param", '"/p/:id"'],
  ["shape", '"/base/:path_segment/:path_end/..."'],
  ["hidden", "{ private = true }"],
];

function manifest(routes: readonly (readonly [string, string])[]): string {
  const parts = ['spin_manifest_version = 2\n[application]\nname = "routing"\nversion = "1.2.3"\n'];
  for (const [component, route] of routes) {
    parts.push(
      `[[trigger.http]]\nroute = ${route}\ncomponent = "${component}"\nexecutor = { type = "wagi" }\n`,
    );
  }
  for (const component of new Set(routes.map(([c]) => c))) {
    parts.push(`[component.${component}]\nsource = "echo.wasm"\nenvironment = { WHO = "${component}" }\n`);
  }
  return parts.join("\n");
}

async function startRouting(t: Scope, routes = ROUTES): Promise<RunningApp> {
  const dir = makeApp(t, { manifest: manifest(routes), guests: { "echo.wasm": "echo-env" } });
  return startApp(t, ["-f", dir]);
}

describe("routing", () => {
  const scope = suiteScope();
  let app: RunningApp;
  before(async () => {
    app = await startRouting(scope);
  });

  async function who(path: string): Promise<Map<string, string>> {
    const response = await request(app.url, path);
    assert.equal(response.status, 200, `${path}: ${response.body}`);
    return parseEcho(response.body).env;
  }

  const cases: readonly (readonly [path: string, component: string, pathInfo?: string])[] = [
    ["/", "catchall", "/"],
    ["/exact", "exact", ""],
    ["/exact/", "exact", ""],
    ["//exact", "exact", ""],
    ["/exact/more", "catchall", "/exact/more"],
    ["/users/42", "users-id", ""],
    ["/users/admin", "users-admin", ""],
    ["/static/css/site.css", "files", "/css/site.css"],
    ["/static", "files", ""],
    ["/static/", "files", "/"],
    ["/one/x", "one", "/x"],
    ["/one/two/x", "two", "/x"],
    ["/dup", "dup-second", ""],
    ["/trail", "trailing", ""],
    ["/noslash", "noslash", ""],
    ["/star/a/b", "star", "/a/b"],
    ["/p/a", "param", ""],
    // routefinder 0.5.4 (Spin's router) lets a trailing `:param` run to the next slash, dots included.
    ["/p/a.b", "param", ""],
    ["/users/%20x", "users-id", ""],
  ];
  for (const [path, component, pathInfo] of cases) {
    it(`${path} → ${component}`, async () => {
      const env = await who(path);
      assert.equal(env.get("WHO"), component);
      if (pathInfo !== undefined) assert.equal(env.get("PATH_INFO"), pathInfo);
    });
  }

  it("passes :params raw, as X_PATH_MATCH_* variables", async () => {
    const env = await who("/users/a%2Fb");
    assert.equal(env.get("WHO"), "users-id");
    assert.equal(env.get("X_PATH_MATCH_ID"), "a%2Fb");
  });

  it("gives the guest Spin's request facts with Spin's values, and drops forged spin-* headers (request-shape)", async () => {
    const response = await request(app.url, "/base/path/end/rest?key=value", {
      headers: { Host: "example.com", "User-Agent": "my-agent", Accept: "*/*", "spin-full-url": "forged" },
    });
    assert.equal(response.status, 200);
    const { env } = parseEcho(response.body);
    const facts = [...env].filter(([name]) => name.startsWith("X_") || name.startsWith("HTTP_SPIN"));
    const clientAddr = env.get("X_CLIENT_ADDR") ?? "";
    assert.match(clientAddr, /^127\.0\.0\.1:\d+$/);
    assert.deepEqual(
      new Map(facts),
      new Map([
        ["X_RAW_PATH_INFO", "/rest"],
        ["X_FULL_URL", "http://example.com/base/path/end/rest?key=value"],
        ["X_MATCHED_ROUTE", "/base/:path_segment/:path_end/..."],
        ["X_RAW_COMPONENT_ROUTE", "/base/:path_segment/:path_end/..."],
        ["X_COMPONENT_ROUTE", "/base/:path_segment/:path_end"],
        ["X_BASE_PATH", "/"],
        ["X_CLIENT_ADDR", clientAddr],
        ["X_PATH_MATCH_PATH_SEGMENT", "path"],
        ["X_PATH_MATCH_PATH_END", "end"],
      ]),
    );
    assert.equal(env.get("PATH_INFO"), "/rest");
    assert.equal(env.get("SCRIPT_NAME"), "/base/:path_segment/:path_end");
    assert.equal(env.get("HTTP_USER_AGENT"), "my-agent");
    assert.equal(env.get("HTTP_HOST"), "example.com");
  });

  it("prints the route table and the duplicate warning at start-up", () => {
    const { stdout, stderr } = app.output();
    const base = app.url;
    assert.match(stdout, new RegExp(`^Serving ${base}\nAvailable Routes:\n`));
    assert.ok(stdout.includes(`  exact: ${base}/exact\n`), stdout);
    assert.ok(stdout.includes(`  files: ${base}/static (wildcard)\n`), stdout);
    assert.ok(stdout.includes(`  catchall: ${base} (wildcard)\n`), stdout);
    assert.ok(!stdout.includes("hidden"), "private endpoints are not listed");
    assert.ok(!stdout.includes("dup-first"), "replaced duplicates are not listed");
    assert.ok(
      stderr.includes("The following component routes are duplicates and will never be used:"),
      stderr,
    );
    assert.ok(stderr.includes("  dup-first: /dup (duplicate of dup-second)"), stderr);
  });

  it("answers /.well-known/spin/health with 200 OK and info with the app's name and version", async () => {
    const health = await request(app.url, "/.well-known/spin/health");
    assert.equal(health.status, 200);
    assert.equal(health.body, "OK");
    assert.equal(health.headers.get("content-type"), undefined);
    const info = await request(app.url, "/.well-known/spin/info");
    assert.equal(info.headers.get("content-type"), "application/json");
    assert.deepEqual(JSON.parse(info.body), { name: "routing", version: "1.2.3" });
    const other = await request(app.url, "/.well-known/spin/other");
    assert.equal(other.status, 404);
    assert.equal(other.body, "");
  });

  it("sends no Connection or Keep-Alive header", async () => {
    const response = await request(app.url, "/exact");
    const names = response.rawHeaderNames.map((n) => n.toLowerCase());
    assert.ok(!names.includes("connection"), names.join());
    assert.ok(!names.includes("keep-alive"), names.join());
  });
});

describe("routing without a catch-all", () => {
  it("answers an unmatched path with 404 and an empty body, and never routes private endpoints", async (t) => {
    const app = await startRouting(t, [
      ["exact", '"/exact"'],
      ["hidden", "{ private = true }"],
    ]);
    for (const path of ["/", "/nope", "/exact/more", "/hidden"]) {
      const response = await request(app.url, path);
      assert.equal(response.status, 404, path);
      assert.equal(response.body, "", path);
      assert.equal(response.headers.get("content-type"), undefined, path);
      assert.equal(response.headers.get("content-length"), "0", path);
    }
  });
});
