import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { expectError, HELLO } from "./test-helpers.ts";

const APP = `[application]\nname = "shop"\n${HELLO}`;

void describe("manifest version", () => {
  void it("requires spin_manifest_version", () => {
    expectError(APP, {
      at: null,
      keyPath: "spin_manifest_version",
      problem: "missing field `spin_manifest_version`",
      hint: "spin_manifest_version = 2",
    });
  });

  void it("explains how to convert a version 1 manifest", () => {
    const v1 = `spin_manifest_version = "1"
name = "shop"
trigger = { type = "http", base = "/" }

[[component]]
id = "hello"
source = "hello.wasm"
[component.trigger]
route = "/hello"
`;
    const error = expectError(v1, {
      at: 'spin_manifest_version = "1"',
      keyPath: "spin_manifest_version",
      problem: "this is a version 1 manifest, and Spindle reads only version 2 manifests",
    });
    for (const step of [
      "spin_manifest_version = 2",
      "[application]",
      "[component.x]",
      "[[trigger.http]]",
      "`variables`",
      "base",
    ]) {
      assert.ok(error.hint?.includes(step), `hint mentions ${step}`);
    }
  });

  void it("recognises the spin_version alias of a version 1 manifest", () => {
    expectError(`spin_version = "1"\nname = "x"\n`, {
      at: "spin_version",
      keyPath: "spin_version",
      problem: "this is a version 1 manifest, and Spindle reads only version 2 manifests",
    });
  });

  const invalid: [string, string][] = [
    ['"0"', `invalid manifest version: "0"`],
    ['"77.301.12"', `invalid manifest version: "77.301.12"`],
    ["3", "invalid manifest version: 3"],
    ["2.0", "invalid manifest version: 2.0"],
    ['"2"', `invalid manifest version: "2"`],
  ];
  for (const [value, problem] of invalid) {
    void it(`rejects spin_manifest_version = ${value}`, () => {
      expectError(`spin_manifest_version = ${value}\n${APP}`, { at: "spin_manifest_version", problem });
    });
  }
});
