import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { expectError, HEAD, parse } from "./test-helpers.ts";

const COMPONENTS = `
[component.hello]
source = "hello.wasm"

[component.world]
source = "world.wasm"
`;

void describe("trigger normalisation", () => {
  void it("generates trigger ids and hoists inline components as Spin does", () => {
    const manifest = parse(`${HEAD}
[[trigger.http]]
route = "/hello"
component = "hello"

[[trigger.http]]
route = "/again"
component = "hello"

[[trigger.http]]
id = "web"
route = "/web/..."
component = { source = "web.wasm" }

[[trigger.http]]
route = "/inline"
[trigger.http.component]
source = "inline.wasm"
allowed_outbound_hosts = ["https://example.com"]
${COMPONENTS}`);
    assert.deepEqual(
      manifest.triggers.map((t) => [t.id, t.component]),
      [
        ["hello-http-trigger", "hello"],
        ["http-trigger1", "hello"],
        ["web", "web-component"],
        ["http-trigger2", "http-trigger2-component"],
      ],
    );
    assert.deepEqual(
      [...manifest.components.keys()],
      ["hello", "world", "web-component", "http-trigger2-component"],
    );
    assert.deepEqual(manifest.components.get("web-component")?.source, { kind: "file", path: "web.wasm" });
    const allowed = manifest.components.get("http-trigger2-component")?.allowedOutboundHosts;
    assert.deepEqual(allowed, ["https://example.com"]);
  });

  void it("lets the locker find a hoisted component's keys under its new id", () => {
    const text = `${HEAD}[[trigger.http]]\nroute = "/"\n[trigger.http.component]\nsource = "inline.wasm"\n`;
    const manifest = parse(text);
    assert.equal(manifest.keyLines.get("component.http-trigger1-component.source"), 7);
    assert.equal(manifest.keyLines.get("trigger.http[0].component.source"), 7);
  });

  void it("keeps trigger types grouped in order of first appearance", () => {
    const manifest = parse(`${HEAD}
[[trigger.redis]]
channel = "a"
address = "redis://localhost"
component = "hello"
[[trigger.http]]
route = "/"
component = "hello"
[[trigger.redis]]
channel = "b"
address = "redis://localhost"
component = "world"
${COMPONENTS}`);
    assert.deepEqual(
      manifest.triggers.map((t) => t.id),
      ["hello-redis-trigger", "world-redis-trigger", "hello-http-trigger"],
    );
  });
});

void describe("trigger errors", () => {
  void it("names an undefined component and lists the defined ones", () => {
    expectError(`${HEAD}[[trigger.http]]\nroute = "/"\ncomponent = "helo"\n${COMPONENTS}`, {
      at: 'component = "helo"',
      keyPath: "trigger.http[0].component",
      problem: "component `helo` is not defined (defined components: `hello`, `world`)",
      hint: "did you mean `hello`?",
    });
  });

  void it("says when no components are defined at all", () => {
    expectError(`${HEAD}[[trigger.http]]\nroute = "/"\ncomponent = "zzz"\n`, {
      at: 'component = "zzz"',
      problem: "component `zzz` is not defined (there are no [component.<id>] tables)",
      hint: "add a [component.zzz] table",
    });
  });

  void it("rejects duplicate trigger ids", () => {
    const text = `${HEAD}[[trigger.http]]\nid = "main"\nroute = "/a"\ncomponent = "hello"\n[[trigger.redis]]\nid = "main" # again\nchannel = "c"\ncomponent = "hello"\n${COMPONENTS}`;
    expectError(text, {
      at: "# again",
      keyPath: "trigger.redis[0].id",
      problem: "duplicate trigger id `main` (also used by trigger.http[0])",
    });
  });

  void it("rejects a component reference that is not a kebab id", () => {
    expectError(`${HEAD}[[trigger.http]]\nroute = "/"\ncomponent = "Hello_World"\n`, {
      at: "component =",
      problem: "invalid component id `Hello_World`: words must be separated with '-', not '_'",
    });
  });

  void it("requires a component", () => {
    expectError(`${HEAD}[[trigger.http]]\nroute = "/"\n`, {
      at: "[[trigger.http]]",
      keyPath: "trigger.http[0]",
      problem: "missing field `component`",
    });
  });

  void it("rejects a component of the wrong type", () => {
    expectError(`${HEAD}[[trigger.http]]\nroute = "/"\ncomponent = ["a"]\n`, {
      at: "component =",
      problem: "invalid type: array, expected a component id or an inline component table",
    });
  });

  void it("refuses `components` on a trigger", () => {
    expectError(
      `${HEAD}[[trigger.http]]\nroute = "/"\ncomponent = "hello"\ncomponents = { middleware = ["a"] }\n${COMPONENTS}`,
      {
        at: "components =",
        keyPath: "trigger.http[0].components",
        problem: "`components` on a trigger is not supported by this version of Spindle",
      },
    );
  });

  void it("refuses trigger `dependencies`", () => {
    expectError(
      `${HEAD}[[trigger.http]]\nroute = "/"\ncomponent = "hello"\n[trigger.http.dependencies]\nmiddleware = []\n${COMPONENTS}`,
      {
        at: "[trigger.http.dependencies]",
        problem: "`dependencies` on a trigger is not supported by this version of Spindle",
      },
    );
  });

  void it("asks for double brackets when a trigger type is a single table", () => {
    expectError(`${HEAD}[trigger.http]\nroute = "/"\ncomponent = "hello"\n${COMPONENTS}`, {
      at: "[trigger.http]",
      keyPath: "trigger.http",
      problem: "invalid type: table, expected an array of trigger tables",
      hint: "[[trigger.http]]",
    });
  });

  void it("checks inline components like named ones", () => {
    expectError(`${HEAD}[[trigger.http]]\nroute = "/"\ncomponent = { source = "a.wasm", sorce = "b" }\n`, {
      at: "component =",
      keyPath: "trigger.http[0].component.sorce",
      problem: expectedUnknownSorce(),
      hint: "did you mean `source`?",
    });
  });
});

function expectedUnknownSorce(): string {
  return "unknown field `sorce`, expected one of `source`, `description`, `variables`, `environment`, `files`, `exclude_files`, `allowed_http_hosts`, `allowed_outbound_hosts`, `key_value_stores`, `sqlite_databases`, `ai_models`, `targets`, `build`, `tool`, `dependencies_inherit_configuration`, `dependencies`, `profile`";
}
