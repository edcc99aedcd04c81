import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkAdmin, checkCacheDir, checkNode } from "./checks.ts";

test("an old Node.js fails with a hint", () => {
  assert.equal(checkNode("26.1.0").status, "ok");
  const old = checkNode("20.19.0");
  assert.equal(old.status, "fail");
  assert.match(old.hint ?? "", /npx spindle/);
});

test("a missing cache directory is fine; an existing one is checked for writing", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "spindle-doctor-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.match(checkCacheDir(join(dir, "absent")).detail, /not created yet/);
  assert.match(checkCacheDir(dir).detail, /writable; 0 prepared components/);
});

test("the admin endpoint is skipped unless asked for", async () => {
  assert.equal((await checkAdmin(undefined)).status, "skip");
});
