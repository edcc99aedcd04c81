import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { procStatFields } from "./proc-stat.ts";

test("reads a process's fields past a command name holding spaces and parentheses", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "proc-stat-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const program = join(dir, "a) (b c");
  copyFileSync("/bin/sleep", program);
  const child = spawn(program, ["30"], { stdio: "ignore" });
  t.after(() => child.kill("SIGKILL"));
  await once(child, "spawn");
  const fields = procStatFields(child.pid!);
  assert.ok(fields !== undefined);
  // Field 4 is the parent's pid; field 22, the start time, is a count of clock ticks.
  assert.equal(fields[1], String(process.pid));
  assert.match(fields[19] ?? "", /^\d+$/);
});

test("a process that is gone has no fields", async () => {
  const child = spawn("true", { stdio: "ignore" });
  await once(child, "exit");
  assert.equal(procStatFields(child.pid!), undefined);
});
