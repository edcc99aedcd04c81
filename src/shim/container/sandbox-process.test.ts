import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ShimError } from "../ttrpc/status.ts";
import type { Container } from "./run.ts";
import { startSandboxProcess } from "./sandbox-process.ts";

const silent = { write: () => undefined, close: () => undefined };

function sandbox(t: { after(fn: () => unknown): void }, fields: Partial<Container>): Container {
  const root = mkdtempSync(join(tmpdir(), "shim-sandbox-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  return {
    id: "pod",
    annotations: {},
    root,
    env: new Map(),
    networkNamespace: undefined,
    nameFiles: { resolvConf: undefined, hosts: undefined },
    stdout: silent,
    stderr: silent,
    sandbox: true,
    args: ["/pause", "infinity"],
    cwd: "/",
    ...fields,
  };
}

test("a sandbox runs its program as a process of its own, whose pid containerd gets", async (t) => {
  const container = sandbox(t, {});
  copyFileSync("/bin/sleep", join(container.root, "pause"));
  const prepared = startSandboxProcess(container);
  assert.ok(prepared.pid !== undefined && prepared.pid !== process.pid);
  const run = prepared.start();
  run.kill(9);
  assert.equal(await run.exited, 137);
});

test("a sandbox whose program cannot be started fails Create instead of lending the shim's pid", async (t) => {
  const notExecutable = sandbox(t, {});
  writeFileSync(join(notExecutable.root, "pause"), "not a program", { mode: 0o644 });
  const noCwd = sandbox(t, { cwd: "/no-such-dir" });
  copyFileSync("/bin/sleep", join(noCwd.root, "pause"));
  for (const container of [notExecutable, noCwd]) {
    assert.throws(
      () => startSandboxProcess(container),
      (error: unknown) =>
        error instanceof ShimError &&
        error.kind === "failed-precondition" &&
        /the sandbox container pod cannot run \/pause/.test(error.message),
    );
  }
  // Node reports the failed spawn on the next tick: it must not reach the process as an uncaught error.
  await new Promise((resolve) => setImmediate(resolve));
});
