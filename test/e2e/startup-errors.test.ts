// End to end: bad input outside the manifest's syntax — sources that are not runnable, a digest that does
// not match, a port in use, missing variables, bad flags — each ends `spindle up` with exit status 1 and a
// clear message before anything listens.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import wabtInit from "wabt";
import { guestWasm, makeApp } from "../support/apps.ts";
import { BIN, runSpindle, startApp } from "../support/cli.ts";
import { request } from "../support/http.ts";
import type { Scope } from "../support/scope.ts";

const wabt = await wabtInit();

function wat(source: string): Uint8Array {
  const module = wabt.parseWat("guest.wat", source);
  try {
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

function manifest(source: string, executor = 'executor = { type = "wagi" }', extra = ""): string {
  return `spin_manifest_version = 2
[application]
name = "startup"
${extra}
[[trigger.http]]
route = "/..."
component = "app"
${executor}

[component.app]
source = ${source}
`;
}

async function expectFailure(args: readonly string[], pieces: readonly string[], env?: NodeJS.ProcessEnv) {
  const result = await runSpindle(
    ["up", "--listen", "127.0.0.1:0", ...args],
    env === undefined ? {} : { env },
  );
  assert.equal(result.code, 1, `${result.stdout}\n${result.stderr}`);
  assert.doesNotMatch(result.stdout, /Serving/);
  for (const piece of pieces)
    assert.ok(result.stderr.includes(piece), `missing ${piece} in:\n${result.stderr}`);
  assert.ok(!result.stderr.includes("Internal error"), result.stderr);
  return result;
}

async function listenOn(t: Scope, handler: (path: string) => Uint8Array | undefined): Promise<string> {
  const server: Server = createServer((req, res) => {
    const body = handler(req.url ?? "/");
    res.statusCode = body === undefined ? 404 : 200;
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("start-up errors", { concurrency: 4 }, () => {
  it("refuses a source that is not WebAssembly", async (t) => {
    const dir = makeApp(t, {
      manifest: manifest('"app.wasm"'),
      files: { "app.wasm": "#!/bin/sh\necho hi\n" },
    });
    await expectFailure(["-f", dir], ['component "app"', "app.wasm is not a WebAssembly file"]);
  });

  it("refuses a WAGI module without _start", async (t) => {
    const bytes = wat('(module (memory (export "memory") 1) (func (export "run")))');
    const dir = makeApp(t, { manifest: manifest('"app.wasm"'), files: { "app.wasm": bytes } });
    await expectFailure(["-f", dir], ["Component 'app'", "_start"]);
  });

  it("refuses a WAGI module importing something the host does not provide", async (t) => {
    const bytes = wat(
      '(module (import "env" "magic" (func)) (memory (export "memory") 1) (func (export "_start")))',
    );
    const dir = makeApp(t, { manifest: manifest('"app.wasm"'), files: { "app.wasm": bytes } });
    await expectFailure(["-f", dir], ["Component 'app'", "env.magic"]);
  });

  it("refuses a component binary for the WAGI executor", async (t) => {
    const component = Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00);
    const dir = makeApp(t, { manifest: manifest('"app.wasm"'), files: { "app.wasm": component } });
    await expectFailure(["-f", dir], ["Component 'app' is a WebAssembly component"]);
  });

  it("says how to run a WASI command under the default executor", async (t) => {
    const dir = makeApp(t, { manifest: manifest('"app.wasm"', ""), guests: { "app.wasm": "echo-env" } });
    await expectFailure(["-f", dir], ['component "app"', 'executor = { type = "wagi" }']);
  });

  it("downloads a { url, digest } source, verifies it and serves it", async (t) => {
    const wasm = readFileSync(guestWasm("echo-env"));
    const base = await listenOn(t, (path) => (path === "/echo.wasm" ? wasm : undefined));
    const digest = `sha256:${createHash("sha256").update(wasm).digest("hex")}`;
    const cache = mkdtempSync(join(tmpdir(), "spindle-cache-"));
    t.after(() => rmSync(cache, { recursive: true, force: true }));
    const dir = makeApp(t, { manifest: manifest(`{ url = "${base}/echo.wasm", digest = "${digest}" }`) });
    const app = await startApp(t, ["-f", dir], { env: { XDG_CACHE_HOME: cache } });
    assert.equal((await request(app.url, "/")).status, 200);
    assert.ok(existsSync(join(cache, "spindle", "wasm", digest)));
  });

  it("refuses a { url, digest } source whose content does not match, caching nothing", async (t) => {
    const base = await listenOn(t, () => Buffer.from("tampered"));
    const digest = `sha256:${"0".repeat(64)}`;
    const cache = mkdtempSync(join(tmpdir(), "spindle-cache-"));
    t.after(() => rmSync(cache, { recursive: true, force: true }));
    const dir = makeApp(t, { manifest: manifest(`{ url = "${base}/app.wasm", digest = "${digest}" }`) });
    await expectFailure(["-f", dir], ["spin.toml:11", "digest mismatch", digest], { XDG_CACHE_HOME: cache });
    assert.equal(existsSync(join(cache, "spindle", "wasm", digest)), false);
  });

  it("refuses a port that is already in use", async (t) => {
    const taken = new URL(await listenOn(t, () => undefined)).port;
    const dir = makeApp(t, { manifest: manifest('"app.wasm"'), guests: { "app.wasm": "echo-env" } });
    const result = await runSpindle(["up", "-f", dir, "--listen", `127.0.0.1:${taken}`]);
    assert.equal(result.code, 1);
    assert.ok(result.stderr.includes(`cannot listen on 127.0.0.1:${taken}: the address is already in use`));
    assert.ok(result.stderr.includes("--listen"), result.stderr);
  });

  it("says what went wrong when an address cannot be listened on for a reason it does not explain", async (t) => {
    const dir = makeApp(t, { manifest: manifest('"app.wasm"'), guests: { "app.wasm": "echo-env" } });
    // A link-local address needs a scope (an interface) to be bound: EINVAL.
    const result = await runSpindle(["up", "-f", dir, "--listen", "[fe80::1]:3999"]);
    assert.equal(result.code, 1);
    assert.ok(
      result.stderr.includes("cannot listen on [fe80::1]:3999: listen EINVAL: invalid argument"),
      result.stderr,
    );
  });

  it("takes the listen address from SPIN_HTTP_LISTEN_ADDR", async (t) => {
    const dir = makeApp(t, { manifest: manifest('"app.wasm"'), guests: { "app.wasm": "echo-env" } });
    const result = await runSpindle(["up", "-f", dir], { env: { SPIN_HTTP_LISTEN_ADDR: "not-an-address" } });
    assert.equal(result.code, 1);
    assert.ok(result.stderr.includes('invalid listen address "not-an-address"'), result.stderr);
  });

  it("refuses a path that does not exist", async () => {
    await expectFailure(["-f", "/nonexistent/app"], ["'/nonexistent/app' not found"]);
  });

  it("refuses an unknown command and an unknown option", async () => {
    const command = await runSpindle(["launch"]);
    assert.equal(command.code, 1);
    assert.ok(command.stderr.includes("unknown command 'launch'"), command.stderr);
    const option = await runSpindle(["up", "--colour"]);
    assert.equal(option.code, 1);
    assert.ok(option.stderr.includes("--colour"), option.stderr);
    assert.ok(option.stderr.includes("spindle up --help"), option.stderr);
  });

  it("explains that an old Node.js cannot run it", async (t) => {
    const oldNode = "/usr/bin/node";
    const { execFileSync } = await import("node:child_process");
    const version = existsSync(oldNode) ? execFileSync(oldNode, ["--version"], { encoding: "utf8" }) : "";
    if (!/^v(1\d|2[0-3])\./.test(version)) return t.skip("no Node.js older than 24 on this machine");
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      import("node:child_process")
        .then(({ execFile }) =>
          execFile(oldNode, [BIN, "up"], (error, _stdout, stderr) =>
            resolve({ code: error?.code as number, stderr }),
          ),
        )
        .catch((error: unknown) => resolve({ code: null, stderr: String(error) }));
    });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /spindle needs Node\.js 24 or newer/);
  });
});
