// End to end: the component executor serving a JavaScript wasi:http component (built with the Spin JS
// SDK's tool) over real HTTP against `spindle up`: the request as the guest sees it, statuses, bodies
// streamed both ways, faults, fresh instances, environment, files, outbound denial, header rules, and the
// load-time refusals.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeApp } from "../support/apps.ts";
import { runSpindle, startApp, type RunningApp } from "../support/cli.ts";
import { componentFromWat, componentWasm, TEST_CACHE_HOME } from "../support/components.ts";
import { request } from "../support/http.ts";
import { suiteScope } from "../support/scope.ts";

const env = { XDG_CACHE_HOME: TEST_CACHE_HOME };

const MANIFEST = `spin_manifest_version = 2
[application]
name = "components"

[[trigger.http]]
route = "/trap"
component = "trap"

[[trigger.http]]
route = "/silent"
component = "silent"

[[trigger.http]]
route = "/..."
component = "probe"

[component.probe]
source = "probe.wasm"
files = [{ source = "static", destination = "/data" }]
environment = { GREETING = "hello" }

[component.trap]
source = "trap.wasm"

[component.silent]
source = "silent.wasm"
`;

/** A component built against wasi:http 0.2.0 whose handler does `body` and nothing else. */
function handlerWat(body: string): string {
  return `(component
  (import "wasi:http/types@0.2.0" (instance $types
    (export "incoming-request" (type (sub resource)))
    (export "response-outparam" (type (sub resource)))))
  (alias export $types "incoming-request" (type $req))
  (alias export $types "response-outparam" (type $out))
  (core module $m (func (export "handle") (param i32 i32) ${body}))
  (core instance $i (instantiate $m))
  (func $handle (param "request" (own $req)) (param "response-out" (own $out))
    (canon lift (core func $i "handle")))
  (instance $h (export "handle" (func $handle)))
  (export "wasi:http/incoming-handler@0.2.0" (instance $h)))`;
}

function pattern(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7) % 256;
  return bytes;
}

describe("component executor", () => {
  const scope = suiteScope();
  let app: RunningApp;
  before(async () => {
    const dir = makeApp(scope, {
      manifest: MANIFEST,
      files: {
        "static/hello.txt": "hello from a file\n",
        "trap.wasm": await componentFromWat(handlerWat("unreachable")),
        "silent.wasm": await componentFromWat(handlerWat("")),
      },
    });
    copyFileSync(componentWasm("http-probe"), join(dir, "probe.wasm"));
    app = await startApp(scope, ["-f", dir, "--env", "FROM_FLAG=yes"], { env, startTimeoutMs: 180_000 });
  });

  it("passes method, URL and headers, with exactly Spin's injected spin-* headers", async () => {
    const response = await request(app.url, "/request?x=1", {
      method: "PUT",
      headers: { Host: "example.com", "X-Custom": "v", "spin-path-info": "forged" },
    });
    assert.equal(response.status, 200);
    const seen = JSON.parse(response.body) as { method: string; url: string; headers: [string, string][] };
    assert.equal(seen.method, "PUT");
    assert.equal(seen.url, "http://example.com/request?x=1");
    const headers = new Map(seen.headers);
    assert.equal(headers.get("x-custom"), "v");
    const spin = seen.headers.filter(([name]) => name.startsWith("spin-") || name.startsWith("spin_"));
    const clientAddr = headers.get("spin-client-addr") ?? "";
    assert.match(clientAddr, /^127\.0\.0\.1:\d+$/);
    assert.deepEqual(
      spin.sort(([a], [b]) => a.localeCompare(b)),
      [
        ["spin-base-path", "/"],
        ["spin-client-addr", clientAddr],
        ["spin-component-route", ""],
        ["spin-full-url", "http://example.com/request?x=1"],
        ["spin-matched-route", "/..."],
        ["spin-path-info", "/request"],
        ["spin-raw-component-route", "/..."],
      ],
    );
  });

  for (const method of ["GET", "POST", "DELETE", "PATCH", "OPTIONS", "PURGE"]) {
    it(`passes the ${method} method`, async () => {
      const response = await request(app.url, "/request", { method });
      assert.equal((JSON.parse(response.body) as { method: string }).method, method);
    });
  }

  for (const code of [201, 404, 418, 503]) {
    it(`answers with the guest's status ${code} and headers`, async () => {
      const response = await request(app.url, `/status?code=${code}`);
      assert.equal(response.status, code);
      assert.equal(response.body, `status ${code}`);
      assert.equal(response.headers.get("x-probe"), "status");
    });
  }

  it("streams a large request body into the guest and back out", async () => {
    const sent = pattern(5 * 1024 * 1024 + 3);
    const response = await fetch(`${app.url}/echo`, { method: "POST", body: sent });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("x-method"), "POST");
    assert.deepEqual(new Uint8Array(await response.arrayBuffer()), sent);
  });

  it("hands the guest the whole request body", async () => {
    const sent = pattern(3 * 1024 * 1024);
    let sum = 0;
    for (let i = 0; i < sent.length; i += 1009) sum = (sum + (sent[i] as number)) % 65521;
    const response = await fetch(`${app.url}/echo-length`, { method: "POST", body: sent });
    assert.deepEqual(await response.json(), { length: sent.length, sum });
  });

  it("sends a large response body", async () => {
    const size = 6 * 1024 * 1024 + 5;
    const body = new Uint8Array(await (await fetch(`${app.url}/large?size=${size}`)).arrayBuffer());
    assert.equal(body.length, size);
    const wrong = body.findIndex((byte, i) => byte !== i % 251);
    assert.equal(wrong, -1, `first wrong byte at ${wrong}`);
  });

  it("streams the response as the guest writes it", async () => {
    const started = Date.now();
    const response = await fetch(`${app.url}/stream?chunks=3&delay=400`);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    const firstAt = Date.now() - started;
    let text = new TextDecoder().decode(first.value);
    for (let next = await reader.read(); next.done !== true; next = await reader.read()) {
      text += new TextDecoder().decode(next.value);
    }
    const endAt = Date.now() - started;
    assert.equal(text, "chunk 0\nchunk 1\nchunk 2\n");
    assert.ok(endAt - firstAt >= 600, `first chunk at ${firstAt} ms, end at ${endAt} ms`);
  });

  it("answers an exception in the handler with an empty 500", async () => {
    const response = await request(app.url, "/throw");
    assert.equal(response.status, 500);
    assert.equal(response.body, "");
  });

  it("answers a trap with an empty 500 and logs it with the request id", async () => {
    const response = await request(app.url, "/trap");
    assert.equal(response.status, 500);
    assert.equal(response.body, "");
    const logged = JSON.parse(await app.stderrLine('"path":"/trap"')) as Record<string, string>;
    assert.equal(logged["component"], "trap");
    assert.match(logged["request_id"] ?? "", /^[0-9a-f]{16}$/);
    assert.match(logged["error"] ?? "", /trapped before responding: unreachable/);
  });

  it("answers a guest that returns without a response with an empty 500", async () => {
    const response = await request(app.url, "/silent");
    assert.equal(response.status, 500);
    assert.equal(response.body, "");
    const line = await app.stderrLine('"path":"/silent"');
    assert.match(line, /guest failed to produce a response prior to returning/);
  });

  it("keeps serving after faults", async () => {
    assert.equal((await request(app.url, "/status?code=200")).status, 200);
  });

  it("creates a fresh instance for every request", async () => {
    const counts = await Promise.all(
      Array.from({ length: 6 }, async () => JSON.parse((await request(app.url, "/counter")).body) as unknown),
    );
    assert.deepEqual(
      counts,
      Array.from({ length: 6 }, () => ({ requests: 1 })),
    );
  });

  it("gives the guest exactly the component's environment", async () => {
    const response = await request(app.url, "/env");
    assert.deepEqual(JSON.parse(response.body), { GREETING: "hello", FROM_FLAG: "yes" });
  });

  it("mounts the component's files read-only at their paths", async () => {
    const file = await request(app.url, "/file?path=/data/hello.txt");
    assert.deepEqual(JSON.parse(file.body), { type: "regular-file", size: 18, text: "hello from a file\n" });
    const missing = await request(app.url, "/file?path=/data/missing.txt");
    assert.deepEqual(JSON.parse(missing.body), { error: "no-entry" });
    const write = await request(app.url, "/file-write?path=/data/new.txt");
    assert.deepEqual(JSON.parse(write.body), { error: "not-permitted" });
  });

  it("denies outbound HTTP by default, as an error value the guest sees", async () => {
    const target = { "x-target": `${app.url}/counter` };
    const raw = await request(app.url, "/outbound-raw", { headers: target });
    assert.equal(raw.status, 200);
    assert.deepEqual(JSON.parse(raw.body), { error: { tag: "HTTP-request-denied" } });
    const viaFetch = await request(app.url, "/outbound", { headers: target });
    assert.equal(viaFetch.status, 502, "fetch rejects inside the guest; the guest answers");
    assert.match(viaFetch.body, /NetworkError/);
  });

  it("applies the header rules: forbidden names, syntax, immutability, case-insensitive names", async () => {
    const rules = JSON.parse((await request(app.url, "/fields")).body) as unknown;
    assert.deepEqual(rules, {
      append: "ok",
      readBack: "v",
      forbidden: "forbidden",
      badName: "invalid-syntax",
      badValue: "invalid-syntax",
      fromListForbidden: "forbidden",
      immutable: "immutable",
      entries: [["x-custom", "v"]],
    });
  });
});

describe("component load-time checks", () => {
  async function expectRefusal(
    t: Parameters<typeof makeApp>[0],
    bytes: Uint8Array,
    expected: readonly string[],
  ) {
    const dir = makeApp(t, {
      manifest: `spin_manifest_version = 2
[application]
name = "refused"
[[trigger.http]]
route = "/..."
component = "app"
[component.app]
source = "app.wasm"
`,
    });
    writeFileSync(join(dir, "app.wasm"), bytes);
    const result = await runSpindle(["up", "-f", dir, "--listen", "127.0.0.1:0"], { env });
    assert.equal(result.code, 1, result.stderr);
    for (const text of [`component "app" (${join(dir, "app.wasm")})`, ...expected]) {
      assert.ok(result.stderr.includes(text), `expected ${JSON.stringify(text)} in:\n${result.stderr}`);
    }
  }

  it("refuses corrupt component bytes", async (t) => {
    const corrupt = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 0x0a, 0xff, 0x01]);
    await expectRefusal(t, corrupt, ["is not a valid WebAssembly component"]);
  });

  it("names the legacy Spin HTTP world as unsupported", async (t) => {
    const legacy = await componentFromWat(
      `(component (instance $i) (export "fermyon:spin/inbound-http" (instance $i)))`,
    );
    await expectRefusal(t, legacy, ["legacy Spin HTTP interface fermyon:spin/inbound-http"]);
  });

  it("lists what a component exports when it has no HTTP handler", async (t) => {
    const command = await componentFromWat(
      `(component (instance $i) (export "wasi:cli/run@0.2.0" (instance $i)) (export "x:y/z" (instance $i)))`,
    );
    await expectRefusal(t, command, [
      "exports none of the interfaces",
      "it exports wasi:cli/run@0.2.0, x:y/z",
    ]);
  });

  it("lists the imports Spindle does not provide", async (t) => {
    const wat = handlerWat("").replace(
      "(alias export",
      `(import "fermyon:spin/mysql@2.0.0" (instance))
  (import "wasi:sockets/tcp@0.2.3" (instance))
  (import "wasi:io/poll@0.3.0" (instance))
  (alias export`,
    );
    await expectRefusal(t, await componentFromWat(wat), [
      "imports interfaces Spindle does not provide: fermyon:spin/mysql@2.0.0, wasi:sockets/tcp@0.2.3, wasi:io/poll@0.3.0",
    ]);
  });
});
