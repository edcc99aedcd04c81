import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { looksLikeReference } from "./reference.ts";

describe("looksLikeReference (Spin's rule for up -f)", () => {
  let cwd: string;
  before(() => {
    cwd = mkdtempSync(join(tmpdir(), "spindle-from-"));
    mkdirSync(join(cwd, "myapp"));
    writeFileSync(join(cwd, "myapp", "spin.toml"), "");
  });
  after(() => rmSync(cwd, { recursive: true, force: true }));

  const cases: [string, boolean][] = [
    ["ghcr.io/me/app:v1", true],
    ["ghcr.io/me/app", true],
    ["localhost:5000/app", true],
    ["app:v1", true],
    ["me/app:latest", true],
    [`me/app@sha256:${"a".repeat(64)}`, true],
    ["docker.io/me/app", true],
    ["me/app", false],
    ["foo/spin.toml", false],
    ["spin.toml", false],
    ["./spin.toml", false],
    ["../elsewhere", false],
    ["myapp", false],
    ["myapp/spin.toml", false],
    ["Not A Ref", false],
  ];
  for (const [from, expected] of cases) {
    it(`${from} → ${expected ? "registry" : "path"}`, () =>
      assert.equal(looksLikeReference(from, cwd), expected));
  }

  it("treats an existing path as a path even when it parses as a tagged reference", () => {
    mkdirSync(join(cwd, "app:v2"));
    assert.equal(looksLikeReference("app:v2", cwd), false);
  });
});
