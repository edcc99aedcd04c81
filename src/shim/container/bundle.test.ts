import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isSandbox, readBundleSpec } from "./bundle.ts";

function bundle(t: { after(fn: () => unknown): void }, spec: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "shim-bundle-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "config.json"), JSON.stringify(spec));
  return dir;
}

test("reads the pod's network namespace, process and container type as the CRI plugin writes them", (t) => {
  const dir = bundle(t, {
    root: { path: "rootfs" },
    process: { args: ["/pause"], cwd: "/", env: ["A=1", "A=2"] },
    annotations: { "io.kubernetes.cri.container-type": "sandbox" },
    linux: {
      namespaces: [{ type: "pid" }, { type: "network", path: "/var/run/netns/cni-1234" }, { type: "ipc" }],
    },
  });
  const spec = readBundleSpec(dir);
  assert.equal(spec.networkNamespace, "/var/run/netns/cni-1234");
  assert.deepEqual(
    [spec.args, spec.cwd, spec.env.get("A"), spec.rootPath],
    [["/pause"], "/", "2", join(dir, "rootfs")],
  );
  assert.equal(isSandbox(spec), true);
});

test("a spec that asks for a new network namespace, or none, names no namespace to join", (t) => {
  const fresh = readBundleSpec(bundle(t, { linux: { namespaces: [{ type: "network" }] } }));
  assert.equal(fresh.networkNamespace, undefined);
  const host = readBundleSpec(
    bundle(t, { annotations: { "io.kubernetes.cri.container-type": "container" } }),
  );
  assert.deepEqual(
    [host.networkNamespace, isSandbox(host), host.args, host.cwd],
    [undefined, false, [], "/"],
  );
});
