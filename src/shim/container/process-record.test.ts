import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { forgetProcess, killRecordedProcess, recordProcess } from "./process-record.ts";

function bundle(t: { after(fn: () => unknown): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "shim-record-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test("delete's clean-up kills the recorded process, once", async (t) => {
  const dir = bundle(t);
  const child = spawn("sleep", ["30"], { stdio: "ignore" });
  const exited = once(child, "exit");
  recordProcess(dir, child.pid!);
  assert.equal(killRecordedProcess(dir), true);
  const [, signal] = (await exited) as [number | null, string | null];
  assert.equal(signal, "SIGKILL");
  assert.equal(killRecordedProcess(dir), false, "the record is gone with the process");
});

test("a pid whose start time differs from the record's is another process and is left alone", async (t) => {
  const dir = bundle(t);
  const child = spawn("sleep", ["30"], { stdio: "ignore" });
  t.after(() => child.kill("SIGKILL"));
  writeFileSync(join(dir, "spindle-process"), `${child.pid} 1\n`);
  assert.equal(killRecordedProcess(dir), false);
  assert.equal(child.exitCode, null);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(child.signalCode, null, "still running");
});

test("a deleted task's record is forgotten", (t) => {
  const dir = bundle(t);
  recordProcess(dir, process.pid);
  assert.equal(existsSync(join(dir, "spindle-process")), true);
  forgetProcess(dir);
  assert.equal(existsSync(join(dir, "spindle-process")), false);
});
