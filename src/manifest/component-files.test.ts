import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { expectError, HEAD, HELLO, parse } from "./test-helpers.ts";

const withFiles = (files: string) => `${HEAD}${HELLO}files = ${files}\n`;

void describe("component files", () => {
  void it("reads patterns and placements", () => {
    const manifest = parse(withFiles('["static/**/*", { source = "data", destination = "/data" }]'));
    assert.deepEqual(manifest.components.get("hello")?.files, [
      { kind: "pattern", pattern: "static/**/*" },
      { kind: "placement", source: "data", destination: "/data" },
    ]);
    assert.deepEqual(manifest.warnings, []);
  });

  void it("rejects a pattern ending in ..", () => {
    expectError(withFiles('["ok", "assets/.."]'), {
      at: "files =",
      keyPath: "component.hello.files[1]",
      problem: "A file pattern can't end in a parent directory path (..)",
      hint: "source-destination form",
    });
  });

  void it("rejects a pattern ending in .", () => {
    expectError(withFiles('["."]'), {
      at: "files =",
      keyPath: "component.hello.files[0]",
      problem: "A file pattern can't end in a current directory path (.)",
    });
  });

  void it("warns about patterns that take the whole application directory", () => {
    const manifest = parse(withFiles('["**/*"]'));
    assert.equal(manifest.warnings.length, 1);
    assert.match(manifest.warnings[0] ?? "", /^component\.hello\.files\[0\]: .*"\.\/\*\*\/\*"/);
  });

  void it("requires an absolute destination", () => {
    expectError(withFiles('[\n  { source = "data", destination = "data" },\n]'), {
      at: 'destination = "data"',
      keyPath: "component.hello.files[0].destination",
      problem: '`destination` "data" must be an absolute path',
      hint: 'destination = "/data"',
    });
  });

  void it("rejects unknown keys in a placement", () => {
    expectError(withFiles('[{ source = "data", destination = "/", dest = "/" }]'), {
      at: "files =",
      keyPath: "component.hello.files[0].dest",
      problem: "unknown field `dest`, expected `source` or `destination`",
    });
  });

  void it("rejects entries of the wrong type", () => {
    expectError(withFiles("[1]"), {
      at: "files =",
      problem: `invalid type: integer \`1\`, expected a pattern or a table like { source = "…", destination = "/…" }`,
    });
  });
});

void describe("component build", () => {
  void it("turns a single command into a list", () => {
    const manifest = parse(`${HEAD}${HELLO}[component.hello.build]\ncommand = "make"\n`);
    assert.deepEqual(manifest.components.get("hello")?.build, { commands: ["make"], watch: [] });
  });

  void it("keeps several commands in order, with workdir and watch", () => {
    const manifest = parse(
      `${HEAD}${HELLO}[component.hello.build]\ncommand = ["npm ci", "npm run build"]\nworkdir = "web"\nwatch = ["src/**/*.ts"]\n`,
    );
    assert.deepEqual(manifest.components.get("hello")?.build, {
      commands: ["npm ci", "npm run build"],
      workdir: "web",
      watch: ["src/**/*.ts"],
    });
  });

  void it("rejects unknown build keys", () => {
    expectError(`${HEAD}${HELLO}[component.hello.build]\ncommand = "make"\ncommands = "x"\n`, {
      at: 'commands = "x"',
      keyPath: "component.hello.build.commands",
      problem: "unknown field `commands`, expected one of `command`, `workdir`, `watch`",
      hint: "did you mean `command`?",
    });
  });

  void it("requires a command", () => {
    expectError(`${HEAD}${HELLO}[component.hello.build]\nworkdir = "x"\n`, {
      at: "[component.hello.build]",
      keyPath: "component.hello.build",
      problem: "missing field `command`",
    });
  });

  void it("rejects a command of the wrong type", () => {
    expectError(`${HEAD}${HELLO}[component.hello.build]\ncommand = true\n`, {
      at: "command = true",
      problem: "invalid type: boolean `true`, expected a command string or an array of command strings",
    });
  });
});
