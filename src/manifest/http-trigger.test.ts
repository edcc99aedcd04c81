import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { expectError, HEAD, parse } from "./test-helpers.ts";

const COMPONENTS = `
[component.hello]
source = "hello.wasm"
[component.world]
source = "world.wasm"
`;
const trigger = (body: string) => `${HEAD}[[trigger.http]]\ncomponent = "hello"\n${body}\n${COMPONENTS}`;

void describe("HTTP trigger", () => {
  void it("reads routes and executors", () => {
    const manifest = parse(`${HEAD}
[[trigger.http]]
route = "/hello"
component = "hello"
[[trigger.http]]
route = { private = true }
component = "world"
executor = { type = "spin" }
[[trigger.http]]
route = "/cgi/..."
component = "world"
executor = { type = "wagi", argv = "\${SCRIPT_NAME} \${ARGS}", entrypoint = "_start" }
${COMPONENTS}`);
    assert.deepEqual(
      manifest.triggers.map((t) => t.http),
      [
        { route: { kind: "path", route: "/hello" }, executor: { type: "http" } },
        { route: { kind: "private" }, executor: { type: "http" } },
        {
          route: { kind: "path", route: "/cgi/..." },
          executor: { type: "wagi", argv: "${SCRIPT_NAME} ${ARGS}", entrypoint: "_start" },
        },
      ],
    );
    assert.deepEqual(manifest.triggers[1]?.config, { route: { private: true }, executor: { type: "spin" } });
  });

  void it("requires a route", () => {
    expectError(trigger(""), {
      at: "[[trigger.http]]",
      keyPath: "trigger.http[0]",
      problem: "missing field `route`",
    });
  });

  void it("rejects { private = false } in Spin's words", () => {
    expectError(trigger("route = { private = false }"), {
      at: "route =",
      keyPath: "trigger.http[0].route",
      problem:
        "route must be a string pattern or '{ private = true }': component 'hello' has { private = false }",
    });
  });

  void it("rejects a route of the wrong type", () => {
    expectError(trigger("route = 1"), {
      at: "route =",
      problem: "invalid type: integer `1`, expected a string pattern or '{ private = true }'",
    });
  });

  void it("rejects unknown keys, suggesting the closest", () => {
    expectError(trigger('route = "/"\nrout = "/x"'), {
      at: "rout =",
      keyPath: "trigger.http[0].rout",
      problem: "unknown field `rout`, expected one of `id`, `component`, `route`, `executor`",
      hint: "did you mean `route`?",
    });
  });

  void it("refuses static_response", () => {
    expectError(trigger('route = "/"\nstatic_response = { body = "hi" }'), {
      at: "static_response",
      keyPath: "trigger.http[0].static_response",
      problem: "`static_response` is not supported by this version of Spindle",
      hint: "serve the response from a component instead",
    });
  });

  void it("lists the executor types when the type is unknown", () => {
    expectError(trigger('route = "/"\nexecutor = { type = "cgi" }'), {
      at: "executor =",
      keyPath: "trigger.http[0].executor.type",
      problem: "unknown variant `cgi`, expected one of `http`, `spin`, `wagi`",
    });
  });

  void it("refuses the wasip3-unstable executor", () => {
    expectError(trigger('route = "/"\nexecutor = { type = "wasip3-unstable" }'), {
      at: "executor =",
      problem: 'executor type "wasip3-unstable" is not supported by this version of Spindle',
    });
  });

  void it("rejects a WAGI entrypoint other than _start", () => {
    expectError(trigger('route = "/"\n[trigger.http.executor]\ntype = "wagi"\nentrypoint = "main"'), {
      at: 'entrypoint = "main"',
      keyPath: "trigger.http[0].executor.entrypoint",
      problem: "Wagi component 'hello' cannot use deprecated 'entrypoint' field",
    });
  });

  void it("rejects unknown executor keys", () => {
    expectError(trigger('route = "/"\nexecutor = { type = "http", argv = "x" }'), {
      at: "executor =",
      keyPath: "trigger.http[0].executor.argv",
      problem: "unknown field `argv`, expected `type`",
    });
  });

  void it("requires the executor type", () => {
    expectError(trigger('route = "/"\nexecutor = { argv = "x" }'), {
      at: "executor =",
      keyPath: "trigger.http[0].executor",
      problem: "missing field `type`",
    });
  });
});

void describe("HTTP route warnings", () => {
  void it("warns about duplicate routes in Spin's format; the last one wins", () => {
    const manifest = parse(`${HEAD}
[[trigger.http]]
route = "/same"
component = "hello"
[[trigger.http]]
route = "/same"
component = "world"
[[trigger.http]]
route = "/same"
component = "hello"
[[trigger.http]]
route = "/other"
component = "hello"
${COMPONENTS}`);
    assert.deepEqual(manifest.warnings, [
      "The following component routes are duplicates and will never be used:\n  hello: /same (duplicate of world)\n  world: /same (duplicate of hello)",
    ]);
    assert.equal(manifest.triggers.length, 4);
  });

  void it("warns about routes under /.well-known/spin/", () => {
    const manifest = parse(trigger('route = ".well-known/spin/status"'));
    assert.deepEqual(manifest.warnings, [
      'trigger `hello-http-trigger`: the route ".well-known/spin/status" is under /.well-known/spin/, which is reserved, so component `hello` will never be routed to',
    ]);
  });
});
