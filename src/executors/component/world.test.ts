import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SpindleError } from "../../errors.ts";
import type { ComponentItem } from "./inspect.ts";
import { checkHttpWorld, checkRedisWorld, entryPoints } from "./world.ts";

const instance = (name: string): ComponentItem => ({ name, kind: "instance" });
const handler = instance("wasi:http/incoming-handler@0.2.3");

describe("checkHttpWorld", () => {
  it("accepts a handler importing any served interface at any 0.2 patch version", () => {
    for (const patch of [0, 3, 6, 10, 12]) {
      const world = checkHttpWorld("c", {
        imports: [
          "wasi:io/poll",
          "wasi:http/types",
          "wasi:filesystem/preopens",
          "wasi:random/insecure-seed",
        ].map((i) => instance(`${i}@0.2.${patch}`)),
        exports: [instance(`wasi:http/incoming-handler@0.2.${patch}`)],
      });
      assert.equal(world.exportName, `wasi:http/incoming-handler@0.2.${patch}`);
    }
  });

  it("accepts the host capabilities' interfaces at exactly the versions they serve", () => {
    const imports = [
      "fermyon:spin/key-value@2.0.0",
      "fermyon:spin/variables@2.0.0",
      "fermyon:spin/sqlite@2.0.0",
    ].map(instance);
    assert.equal(checkHttpWorld("c", { imports, exports: [handler] }).exportName, handler.name);
  });

  it("lists unsupported imports: other packages, other versions, unversioned, non-instance", () => {
    const imports = [
      instance("wasi:io/poll@0.2.3"),
      instance("fermyon:spin/mysql@2.0.0"),
      instance("fermyon:spin/key-value@3.0.0"),
      instance("wasi:io/streams@0.3.0"),
      instance("wasi:cli/environment"),
      { name: "wasi:clocks/wall-clock@0.2.3", kind: "func" } as const,
    ];
    assert.throws(
      () => checkHttpWorld('component "x" (x.wasm)', { imports, exports: [handler] }),
      (error: unknown) =>
        error instanceof SpindleError &&
        error.message ===
          'component "x" (x.wasm) imports interfaces Spindle does not provide: fermyon:spin/mysql@2.0.0, fermyon:spin/key-value@3.0.0, wasi:io/streams@0.3.0, wasi:cli/environment, wasi:clocks/wall-clock@0.2.3',
    );
  });

  it("names the legacy Spin handler", () => {
    assert.throws(
      () => checkHttpWorld("c", { imports: [], exports: [instance("fermyon:spin/inbound-http")] }),
      /legacy Spin HTTP interface fermyon:spin\/inbound-http/,
    );
  });

  it("lists the exports when no HTTP handler is among them", () => {
    assert.throws(
      () => checkHttpWorld("c", { imports: [], exports: [instance("wasi:cli/run@0.2.0")] }),
      /it exports wasi:cli\/run@0\.2\.0$/,
    );
    assert.throws(
      () => checkHttpWorld("c", { imports: [], exports: [instance("wasi:http/incoming-handler@0.3.0")] }),
      /none of the interfaces/,
    );
    assert.throws(() => checkHttpWorld("c", { imports: [], exports: [] }), /it exports nothing/);
  });
});

describe("checkRedisWorld", () => {
  const redisHandler = instance("fermyon:spin/inbound-redis");

  it("accepts Spin's inbound Redis handler and the types-only interface it uses", () => {
    const imports = [instance("fermyon:spin/redis-types"), instance("fermyon:spin/redis@2.0.0")];
    assert.deepEqual(checkRedisWorld("c", { imports, exports: [handler, redisHandler] }), {
      exportName: "fermyon:spin/inbound-redis",
      func: "handle-message",
      method: "handleMessage",
    });
  });

  it("names the missing export and what the component exports instead", () => {
    assert.throws(
      () => checkRedisWorld('component "x" (x.wasm)', { imports: [], exports: [handler] }),
      (error: unknown) =>
        error instanceof SpindleError &&
        error.message ===
          'component "x" (x.wasm) is bound to a Redis trigger but does not export fermyon:spin/inbound-redis; it exports wasi:http/incoming-handler@0.2.3',
    );
  });

  it("refuses the asynchronous Spin 4 handler by name", () => {
    assert.throws(
      () => checkRedisWorld("c", { imports: [], exports: [instance("spin:redis/inbound-redis@3.0.0")] }),
      /exports spin:redis\/inbound-redis@3\.0\.0, an asynchronous \(WASI 0\.3\) handler/,
    );
  });

  it("checks imports as for HTTP", () => {
    const imports = [instance("fermyon:spin/mysql@2.0.0")];
    assert.throws(
      () => checkRedisWorld("c", { imports, exports: [redisHandler] }),
      /does not provide: fermyon:spin\/mysql@2\.0\.0/,
    );
  });
});

describe("entryPoints", () => {
  it("lists every handler function, so one transpiled component serves every trigger", () => {
    const exports = [handler, instance("fermyon:spin/inbound-redis"), instance("wasi:cli/run@0.2.0")];
    assert.deepEqual(entryPoints({ imports: [], exports }), [
      "wasi:http/incoming-handler@0.2.3#handle",
      "fermyon:spin/inbound-redis#handle-message",
    ]);
  });
});
