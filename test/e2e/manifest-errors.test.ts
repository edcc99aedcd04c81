// End to end: every kind of bad manifest stops `spindle up` before it listens, with exit status 1 and a
// message naming the file, the line, the key and a fix. One case per error.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { makeApp } from "../support/apps.ts";
import { runSpindle } from "../support/cli.ts";

const HEAD = `spin_manifest_version = 2
[application]
name = "bad"
`;
const TRIGGER = `[[trigger.http]]
route = "/..."
component = "hello"
executor = { type = "wagi" }
`;
const COMPONENT = `[component.hello]
source = "hello.wasm"
`;

/** [name, manifest, expected stderr pieces (the first is the `Error:` line)] */
const CASES: readonly (readonly [string, string, readonly string[]])[] = [
  [
    "malformed TOML",
    `${HEAD}${TRIGGER}[component.hello\nsource = "x"`,
    ["spin.toml:8", "invalid TOML", "hint:"],
  ],
  [
    "a version 1 manifest",
    `spin_manifest_version = "1"\nname = "old"\n[[component]]\nid = "hello"\nsource = "hello.wasm"\n`,
    ["spin.toml:1", "version 1", "spin_manifest_version = 2", "[component.x]"],
  ],
  [
    "an unknown manifest version",
    `spin_manifest_version = 3\n${HEAD.slice(26)}`,
    ["spin.toml:1", "invalid manifest version"],
  ],
  ["no manifest version", `[application]\nname = "x"\n${TRIGGER}${COMPONENT}`, ["spin_manifest_version"]],
  [
    "an unknown top-level key",
    `${HEAD}colour = "blue"\n${TRIGGER}${COMPONENT}`,
    ["spin.toml:4", "unknown field `colour`"],
  ],
  [
    "an unknown component key, with a suggestion",
    `${HEAD}${TRIGGER}${COMPONENT}enviroment = { A = "b" }\n`,
    ["spin.toml:10", "component.hello", "unknown field `enviroment`", "environment"],
  ],
  [
    "a wrong type",
    `${HEAD}${TRIGGER}[component.hello]\nsource = 42\n`,
    ["spin.toml:9", "component.hello.source"],
  ],
  [
    "a bad component id",
    `${HEAD}${TRIGGER.replace('"hello"', '"hello_world"')}[component.hello_world]\nsource = "hello.wasm"\n`,
    ["words must be separated with '-', not '_'"],
  ],
  [
    "a bad variable name",
    `${HEAD}[variables]\n"1abc" = { default = "x" }\n${TRIGGER}${COMPONENT}`,
    ["spin.toml:5", "variables", "must start with an ASCII letter"],
  ],
  [
    "a variable that is neither required nor has a default",
    `${HEAD}[variables]\ntoken = { secret = true }\n${TRIGGER}${COMPONENT}`,
    ["spin.toml:5", "variables.token", "must be `required` OR have a `default`"],
  ],
  [
    "a trigger naming an unknown component",
    `${HEAD}${TRIGGER.replace('"hello"', '"nope"')}${COMPONENT}`,
    ["spin.toml:6", "nope", "hello"],
  ],
  [
    "a component defined twice",
    `${HEAD}${TRIGGER}${COMPONENT}${COMPONENT}`,
    ["spin.toml:10", 'duplicate component id "hello"'],
  ],
  [
    "a duplicate trigger id",
    `${HEAD}[[trigger.http]]\nid = "t"\nroute = "/a"\ncomponent = "hello"\n[[trigger.http]]\nid = "t"\nroute = "/b"\ncomponent = "hello"\n${COMPONENT}`,
    ["spin.toml:9", "duplicate trigger id `t`"],
  ],
  [
    "a route that is neither a path nor private",
    `${HEAD}[[trigger.http]]\nroute = { private = false }\ncomponent = "hello"\n${COMPONENT}`,
    ["spin.toml:5", "route must be a string pattern or '{ private = true }'"],
  ],
  [
    "a deprecated WAGI entrypoint",
    `${HEAD}${TRIGGER.replace('{ type = "wagi" }', '{ type = "wagi", entrypoint = "main" }')}${COMPONENT}`,
    ["spin.toml:7", "Wagi component 'hello' cannot use deprecated 'entrypoint' field"],
  ],
  [
    "an unknown executor",
    `${HEAD}${TRIGGER.replace('{ type = "wagi" }', '{ type = "cgi" }')}${COMPONENT}`,
    ["spin.toml:7", "cgi", "wagi"],
  ],
  [
    "an application base other than /",
    `${HEAD}[application.trigger.http]\nbase = "/api"\n${TRIGGER}${COMPONENT}`,
    ["deprecated trigger 'base' field"],
  ],
  [
    "a digest without sha256:",
    `${HEAD}${TRIGGER}[component.hello]\nsource = { url = "http://127.0.0.1/x.wasm", digest = "md5:abc" }\n`,
    ["spin.toml:9", "must start with 'sha256:'"],
  ],
  [
    "a registry source",
    `${HEAD}${TRIGGER}[component.hello]\nsource = { package = "a:b", version = "1.0.0" }\n`,
    ["spin.toml:9", "component.hello.source", "registry"],
  ],
  [
    "a files pattern ending in ..",
    `${HEAD}${TRIGGER}${COMPONENT}files = ["static/.."]\n`,
    ["spin.toml:10", "parent directory path (..)"],
  ],
  [
    "a bad allowed_outbound_hosts entry",
    `${HEAD}${TRIGGER}${COMPONENT}allowed_outbound_hosts = ["example.com"]\n`,
    ["spin.toml:10", "does not contain a scheme"],
  ],
  [
    "a template naming an unknown variable",
    `${HEAD}${TRIGGER}${COMPONENT}[component.hello.variables]\nkey = "{{ nope }}"\n`,
    ["spin.toml:11", 'unknown variable "nope"'],
  ],
  [
    "an unmatched {{ in a template",
    `${HEAD}${TRIGGER}${COMPONENT}[component.hello.variables]\nkey = "{{ x"\n`,
    ["spin.toml:11", "unmatched '{{' in template"],
  ],
  ["no application name", `spin_manifest_version = 2\n[application]\n${TRIGGER}${COMPONENT}`, ["name"]],
  ["no triggers", `${HEAD}${COMPONENT}`, ["trigger"]],
  [
    "a missing component source",
    `${HEAD}${TRIGGER}[component.hello]\nsource = "target/missing.wasm"\n[component.hello.build]\ncommand = "true"\n`,
    ["spin.toml:9", "component.hello.source", "target/missing.wasm", "does not exist", "spindle build"],
  ],
  [
    "a missing files entry",
    `${HEAD}${TRIGGER}${COMPONENT}files = ["nothing-here.txt"]\n`,
    ["spin.toml:10", "component.hello.files[0]", "does not exist"],
  ],
  [
    "a files entry outside the app directory",
    `${HEAD}${TRIGGER}${COMPONENT}files = [{ source = "../", destination = "/up" }]\n`,
    ["component.hello.files[0]", "outside the application directory"],
  ],
];

describe("manifest errors stop spindle up with a located, actionable message", { concurrency: 4 }, () => {
  for (const [name, manifest, expected] of CASES) {
    it(name, async (t) => {
      const dir = makeApp(t, { manifest, guests: { "hello.wasm": "echo-env" } });
      const result = await runSpindle(["up", "-f", dir, "--listen", "127.0.0.1:0"]);
      assert.equal(result.code, 1, result.stderr);
      assert.doesNotMatch(result.stdout, /Serving/);
      const errorLine = result.stderr.split("\n").find((l) => l.startsWith("Error: "));
      assert.ok(errorLine, result.stderr);
      for (const piece of expected)
        assert.ok(result.stderr.includes(piece), `missing ${piece} in:\n${result.stderr}`);
      assert.ok(result.stderr.includes("spin.toml"), "names the file");
      assert.ok(!result.stderr.includes("Internal error"), result.stderr);
    });
  }
});
