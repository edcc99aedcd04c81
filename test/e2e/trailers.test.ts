// End to end: HTTP/1.1 trailers through a raw wasi:http component. The request's chunked trailers reach
// the guest through `future-trailers` once it has read the body; the trailers it finishes its response
// body with reach the client after the last chunk.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync } from "node:fs";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { join } from "node:path";
import { makeApp } from "../support/apps.ts";
import { startApp, type RunningApp } from "../support/cli.ts";
import { componentWasm, TEST_CACHE_HOME } from "../support/components.ts";
import { suiteScope } from "../support/scope.ts";

const MANIFEST = `spin_manifest_version = 2
[application]
name = "trailers"

[[trigger.http]]
route = "/..."
component = "trailers"

[component.trailers]
source = "trailers.wasm"
`;

interface Exchange {
  readonly response: IncomingMessage;
  readonly body: string;
}

/** Sends a chunked request whose body ends with `trailers`, and reads the whole response. */
function send(url: string, path: string, trailers: Record<string, string>): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, url), {
      method: "POST",
      headers: { te: "trailers", trailer: Object.keys(trailers).join(", ") },
    });
    req.on("error", reject);
    req.on("response", (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ response, body }));
    });
    req.write("four");
    req.write("more");
    if (Object.keys(trailers).length > 0) req.addTrailers(trailers);
    req.end();
  });
}

describe("HTTP trailers", () => {
  const scope = suiteScope();
  let app: RunningApp;
  before(async () => {
    const dir = makeApp(scope, { manifest: MANIFEST });
    copyFileSync(componentWasm("trailers"), join(dir, "trailers.wasm"));
    app = await startApp(scope, ["-f", dir], {
      env: { XDG_CACHE_HOME: TEST_CACHE_HOME },
      startTimeoutMs: 180_000,
    });
  });

  it("gives the guest the request's trailers after the body", async () => {
    const { response, body } = await send(app.url, "/", { "X-Checksum": "abc123", "X-Count": "2" });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(JSON.parse(body), { size: 8, trailers: { "x-checksum": "abc123", "x-count": "2" } });
  });

  it("tells the guest there were none when the request had no trailers", async () => {
    const { body } = await send(app.url, "/", {});
    assert.deepEqual(JSON.parse(body), { size: 8, trailers: null });
  });

  it("sends the trailers the guest finished its response body with", async () => {
    const { response } = await send(app.url, "/?t=x-digest:sha-1&t=x-rows:7", {});
    assert.equal(response.headers["transfer-encoding"], "chunked");
    assert.deepEqual(response.trailers, { "x-digest": "sha-1", "x-rows": "7" });
  });
});
