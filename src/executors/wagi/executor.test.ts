import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import wabtInit from "wabt";
import type { EngineModule } from "../../engine/memory-recycler.ts";
import { compileRecyclable } from "../../engine/module-cache.ts";
import { SpindleError } from "../../errors.ts";
import { GuestFault, type HttpGuestRequest, type HttpGuestResponse } from "../http.ts";
import { buildCgiInvocation } from "./cgi.ts";
import { createWagiHandler, type WagiHandlerOptions } from "./executor.ts";

const guests = join(import.meta.dirname, "../../../test/guests");
const work = mkdtempSync(join(tmpdir(), "spindle-wagi-"));
after(() => rmSync(work, { recursive: true, force: true }));
const wabt = await wabtInit();
const encoder = new TextEncoder();
const text = (bytes: HttpGuestResponse["body"]): string => new TextDecoder().decode(bytes as Uint8Array);

async function compileC(name: string): Promise<EngineModule> {
  const output = join(work, `${name}.wasm`);
  const args = ["--target=wasm32-wasi", "-O2", "-Wl,--strip-all", "-o", output, join(guests, `${name}.c`)];
  await promisify(execFile)("clang", args);
  return compileRecyclable(readFileSync(output));
}

function compileWat(source: string): Promise<EngineModule> {
  const parsed = wabt.parseWat("guest.wat", source);
  try {
    return compileRecyclable(new Uint8Array(parsed.toBinary({}).buffer));
  } finally {
    parsed.destroy();
  }
}

function request(
  pathWithQuery: string,
  init: { method?: string; body?: string; headers?: [string, string][] } = {},
) {
  async function* body(): AsyncIterable<Uint8Array> {
    if (init.body !== undefined) {
      const bytes = encoder.encode(init.body);
      yield await Promise.resolve(bytes.subarray(0, 3));
      yield bytes.subarray(3);
    }
  }
  const path = pathWithQuery.split("?")[0] ?? "";
  const req: HttpGuestRequest = {
    method: init.method ?? "GET",
    scheme: "http",
    authority: "localhost:3000",
    pathWithQuery,
    headers: [["host", "localhost:3000"], ...(init.headers ?? [])],
    body: body(),
    protocol: "HTTP/1.1",
    requestId: "req-1",
    spin: {
      fullUrl: `http://localhost:3000${pathWithQuery}`,
      pathInfo: path.slice("/app".length),
      matchedRoute: "/app/...",
      rawComponentRoute: "/app/...",
      componentRoute: "/app",
      basePath: "/",
      clientAddr: "127.0.0.1:40000",
      params: [],
    },
  };
  return req;
}

interface Sink {
  readonly stderr: string[];
  readonly options: Pick<WagiHandlerOptions, "output" | "environment" | "files" | "componentId">;
}

function sink(): Sink {
  const stderr: string[] = [];
  const decoder = new TextDecoder();
  return {
    stderr,
    options: {
      componentId: "app",
      environment: new Map(),
      files: new Map(),
      output: {
        stdout: () => assert.fail("stdout is the response, not a log"),
        stderr: (b) => stderr.push(decoder.decode(b)),
      },
    },
  };
}

const hasClang = await promisify(execFile)("clang", ["--version"]).then(
  () => true,
  () => false,
);

void describe(
  "createWagiHandler with C guests",
  { skip: hasClang ? false : "clang is not installed" },
  () => {
    let echoEnv: EngineModule;
    let catFile: EngineModule;
    before(async () => {
      [echoEnv, catFile] = await Promise.all([compileC("echo-env"), compileC("cat-file")]);
    });

    void it("serves a request with the exact CGI argv, environment and body of the request", async () => {
      const environment = new Map([["GREETING", "hello"]]);
      const handler = createWagiHandler({ ...sink().options, module: echoEnv, environment });
      const req = request("/app/echo?x=1&y=2", {
        method: "POST",
        body: "name=spindle",
        headers: [["content-type", "application/x-www-form-urlencoded"]],
      });
      const response = await handler.handle(req);
      const { args, env } = buildCgiInvocation(req, { environment, contentLength: 12 });
      const expected = [
        ...args.map((arg, i) => `argv[${i}]=${arg}`),
        ...env.map(([name, value]) => `${name}=${value}`),
        "--- body ---",
        "name=spindle",
      ].join("\n");
      assert.equal(response.status, 200);
      assert.deepEqual(response.headers, [["content-type", "text/plain"]]);
      assert.equal(text(response.body), expected);
      for (const line of [
        "argv[0]=/app/echo",
        "argv[2]=y=2",
        "CONTENT_LENGTH=12",
        "REQUEST_METHOD=POST",
        "GREETING=hello",
      ]) {
        assert.ok(expected.split("\n").includes(line), line);
      }
      assert.ok(expected.includes("\nHTTP_CONTENT_TYPE=application/x-www-form-urlencoded\n"));
    });

    void it("reads mapped files and nothing outside them", async () => {
      writeFileSync(join(work, "a.txt"), "mapped\n");
      writeFileSync(join(work, "secret.txt"), "not mapped\n");
      const files = new Map([["/static/a.txt", join(work, "a.txt")]]);
      const handler = createWagiHandler({ ...sink().options, module: catFile, files });
      const read = await handler.handle(request("/app/cat?/static/a.txt"));
      assert.deepEqual([read.status, text(read.body)], [200, "mapped\n"]);
      const escape = await handler.handle(request("/app/cat?/static/../../secret.txt"));
      assert.deepEqual(
        [escape.status, text(escape.body)],
        [404, "/static/../../secret.txt: Capabilities insufficient\n"],
      );
      const unmapped = await handler.handle(request("/app/cat?/secret.txt"));
      assert.deepEqual(
        [unmapped.status, text(unmapped.body)],
        [404, "/secret.txt: No such file or directory\n"],
      );
      const write = await handler.handle(request("/app/cat?w:/static/a.txt"));
      assert.deepEqual([write.status, text(write.body)], [404, "/static/a.txt: Operation not permitted\n"]);
    });
  },
);

const WAT_PRELUDE = `
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "content-type: text/plain\\n\\n")
  (data (i32.const 200) "oops\\n")
  (func $write (param $fd i32) (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))`;

void describe("createWagiHandler with WAT guests", () => {
  void it("sends stderr to the output sink and stdout to the client", async () => {
    const out = sink();
    const module = await compileWat(`(module ${WAT_PRELUDE}
      (func (export "_start") (call $write (i32.const 2) (i32.const 200) (i32.const 5))
        (call $write (i32.const 1) (i32.const 100) (i32.const 26)) (call $write (i32.const 1) (i32.const 200) (i32.const 5))))`);
    const response = await createWagiHandler({ ...out.options, module }).handle(request("/app"));
    assert.deepEqual(out.stderr, ["oops\n"]);
    assert.equal(text(response.body), "oops\n");
  });

  void it("starts every request from a fresh instance", async () => {
    const module = await compileWat(`(module ${WAT_PRELUDE}
      (global $runs (mut i32) (i32.const 48))
      (func (export "_start")
        (global.set $runs (i32.add (global.get $runs) (i32.const 1)))
        (i32.store8 (i32.const 300) (global.get $runs))
        (call $write (i32.const 1) (i32.const 100) (i32.const 26)) (call $write (i32.const 1) (i32.const 300) (i32.const 1))))`);
    const handler = createWagiHandler({ ...sink().options, module });
    const bodies = await Promise.all(
      [1, 2, 3].map(async () => text((await handler.handle(request("/app"))).body)),
    );
    assert.deepEqual(bodies, ["1", "1", "1"]);
  });

  void it("gives every request a never-used instance even when instances are pooled", async () => {
    // Counts runs in a global and in linear memory; either would show 2 on a reused instance.
    const module = await compileWat(`(module ${WAT_PRELUDE}
      (global $runs (mut i32) (i32.const 48))
      (data (i32.const 300) "0")
      (func (export "_start")
        (global.set $runs (i32.add (global.get $runs) (i32.const 1)))
        (i32.store8 (i32.const 301) (global.get $runs))
        (i32.store8 (i32.const 300) (i32.add (i32.load8_u (i32.const 300)) (i32.const 1)))
        (call $write (i32.const 1) (i32.const 100) (i32.const 26)) (call $write (i32.const 1) (i32.const 300) (i32.const 2))))`);
    const handler = createWagiHandler({ ...sink().options, module, poolSize: 2 });
    const bodies: string[] = [];
    for (let i = 0; i < 6; i++) {
      await new Promise((resolve) => setImmediate(resolve)); // lets the pool refill between requests
      const burst = [1, 2, 3].map(async () => text((await handler.handle(request("/app"))).body));
      bodies.push(...(await Promise.all(burst)));
    }
    assert.deepEqual(
      bodies,
      Array.from({ length: 18 }, () => "11"),
    );
  });

  void it("shows a request nothing a previous request left in a recycled memory", async () => {
    // Prints the byte at 400 (as a digit), then leaves 7 there; a reused memory that was not wiped shows 7.
    const module = await compileWat(`(module ${WAT_PRELUDE}
      (func (export "_start")
        (i32.store8 (i32.const 301) (i32.add (i32.load8_u (i32.const 400)) (i32.const 48)))
        (i32.store8 (i32.const 400) (i32.const 7))
        (call $write (i32.const 1) (i32.const 100) (i32.const 26)) (call $write (i32.const 1) (i32.const 301) (i32.const 1))))`);
    assert.ok(module.memories !== undefined, "the module runs on recycled memories");
    const handler = createWagiHandler({ ...sink().options, module, poolSize: 1 });
    const bodies: string[] = [];
    for (let i = 0; i < 5; i++) {
      bodies.push(text((await handler.handle(request("/app"))).body));
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.deepEqual(bodies, ["0", "0", "0", "0", "0"]);
    assert.ok(module.memories.idle <= 1, "memories came back to be reused");
  });

  void it("treats proc_exit(0) as success and a non-zero exit as a fault", async () => {
    const exiting = async (code: number) =>
      await compileWat(`(module ${WAT_PRELUDE}
        (func (export "_start") (call $write (i32.const 1) (i32.const 100) (i32.const 26)) (call $proc_exit (i32.const ${code}))))`);
    const ok = await createWagiHandler({ ...sink().options, module: await exiting(0) }).handle(
      request("/app"),
    );
    assert.equal(ok.status, 200);
    const failing = createWagiHandler({ ...sink().options, module: await exiting(3) });
    await assert.rejects(failing.handle(request("/app")), (error) => {
      assert.ok(error instanceof GuestFault);
      assert.equal(error.component, "app");
      assert.match(error.message, /exited with code 3/);
      return true;
    });
  });

  void it("turns a trap into a fault carrying the trap as its cause", async () => {
    const module = await compileWat(`(module ${WAT_PRELUDE} (func (export "_start") unreachable))`);
    await assert.rejects(
      createWagiHandler({ ...sink().options, module }).handle(request("/app")),
      (error) => {
        assert.ok(error instanceof GuestFault);
        assert.ok(error.cause instanceof WebAssembly.RuntimeError);
        return true;
      },
    );
  });

  void it("faults when the guest writes nothing to stdout", async () => {
    const module = await compileWat(`(module ${WAT_PRELUDE} (func (export "_start")))`);
    await assert.rejects(
      createWagiHandler({ ...sink().options, module }).handle(request("/app")),
      /did not write to stdout/,
    );
  });

  void it("refuses at load time a module that is not a preview 1 command", async () => {
    const module = await compileWat(
      `(module (import "env" "f" (func)) (memory (export "memory") 1) (func (export "_start")))`,
    );
    assert.throws(() => createWagiHandler({ ...sink().options, module }), SpindleError);
  });
});
