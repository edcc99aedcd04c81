import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { expectError, HEAD, HELLO, parse } from "./test-helpers.ts";

void describe("component fields", () => {
  void it("reads environment, labels, models and description", () => {
    const manifest = parse(`${HEAD}${HELLO}description = "Says hello"
environment = { RUST_LOG = "info" }
key_value_stores = ["default", "user-data", "cache_v2"]
sqlite_databases = ["default"]
ai_models = ["llama2-chat"]
exclude_files = ["secret.txt"]
targets = ["spin-up:3.2"]
[component.hello.tool.spin-test]
source = "tests.wasm"
`);
    const hello = manifest.components.get("hello");
    assert.equal(hello?.description, "Says hello");
    assert.deepEqual([...(hello?.environment ?? [])], [["RUST_LOG", "info"]]);
    assert.deepEqual(hello?.keyValueStores, ["default", "user-data", "cache_v2"]);
    assert.deepEqual(hello?.sqliteDatabases, ["default"]);
    assert.deepEqual(hello?.aiModels, ["llama2-chat"]);
    assert.deepEqual(hello?.excludeFiles, ["secret.txt"]);
  });

  void it("rejects unknown keys, suggesting the closest one", () => {
    expectError(`${HEAD}${HELLO}enviroment = { A = "b" }\n`, {
      at: "enviroment",
      keyPath: "component.hello.enviroment",
      problem:
        "unknown field `enviroment`, expected one of `source`, `description`, `variables`, `environment`, `files`, `exclude_files`, `allowed_http_hosts`, `allowed_outbound_hosts`, `key_value_stores`, `sqlite_databases`, `ai_models`, `targets`, `build`, `tool`, `dependencies_inherit_configuration`, `dependencies`, `profile`",
      hint: "did you mean `environment`?",
    });
  });

  void it("points the version 1 `config` field at `variables`", () => {
    expectError(`${HEAD}${HELLO}config = { a = "b" }\n`, {
      at: "config =",
      problem: expectedUnknown("config"),
      hint: "rename it to `variables`",
    });
  });

  void it("requires environment values to be strings", () => {
    expectError(`${HEAD}${HELLO}environment = { PORT = 8080 }\n`, {
      at: "environment =",
      keyPath: "component.hello.environment.PORT",
      problem: "invalid type: integer `8080`, expected a string",
    });
  });

  void it("rejects labels that are neither kebab-case nor snake_case", () => {
    expectError(`${HEAD}${HELLO}key_value_stores = ["default", "b@dlabel"]\n`, {
      at: "key_value_stores",
      keyPath: "component.hello.key_value_stores[1]",
      problem: 'invalid label "b@dlabel": expected kebab-case or snake_case',
    });
  });

  void it("rejects SQLite labels mixing separators", () => {
    expectError(`${HEAD}${HELLO}sqlite_databases = ["my-db_1"]\n`, {
      at: "sqlite_databases",
      problem: 'invalid label "my-db_1": expected kebab-case or snake_case',
    });
  });

  void it("rejects a string where a list is expected", () => {
    expectError(`${HEAD}${HELLO}ai_models = "llama2-chat"\n`, {
      at: "ai_models",
      keyPath: "component.hello.ai_models",
      problem: 'invalid type: string "llama2-chat", expected an array',
    });
  });

  void it("ignores tool tables and accepts dependencies_inherit_configuration = false and empty dependencies", () => {
    const manifest = parse(`${HEAD}${HELLO}dependencies_inherit_configuration = false
[component.hello.dependencies]
[component.hello.tool.anything]
whatever = [1, { x = true }]
`);
    assert.ok(manifest.components.has("hello"));
  });
});

void describe("component features Spindle does not support yet", () => {
  void it("refuses component dependencies", () => {
    expectError(`${HEAD}${HELLO}[component.hello.dependencies]\n"my:dep/iface" = ">= 0.1.0"\n`, {
      at: "[component.hello.dependencies]",
      keyPath: "component.hello.dependencies",
      problem: "`dependencies` is not supported by this version of Spindle",
      hint: "compose the dependencies",
    });
  });

  void it("refuses dependencies_inherit_configuration = true", () => {
    expectError(`${HEAD}${HELLO}dependencies_inherit_configuration = true\n`, {
      at: "dependencies_inherit_configuration",
      problem: "`dependencies_inherit_configuration` is not supported by this version of Spindle",
    });
  });

  void it("refuses profiles", () => {
    expectError(`${HEAD}${HELLO}[component.hello.profile.debug]\nsource = "debug.wasm"\n`, {
      at: "[component.hello.profile.debug]",
      keyPath: "component.hello.profile",
      problem: "`profile` is not supported by this version of Spindle",
      hint: "remove the profile",
    });
  });
});

function expectedUnknown(key: string): string {
  return `unknown field \`${key}\`, expected one of \`source\`, \`description\`, \`variables\`, \`environment\`, \`files\`, \`exclude_files\`, \`allowed_http_hosts\`, \`allowed_outbound_hosts\`, \`key_value_stores\`, \`sqlite_databases\`, \`ai_models\`, \`targets\`, \`build\`, \`tool\`, \`dependencies_inherit_configuration\`, \`dependencies\`, \`profile\``;
}
