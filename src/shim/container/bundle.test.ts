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

test("reads the sources of the pod's resolv.conf and hosts mounts, the last bind of each", (t) => {
  const sandbox = "/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/abc";
  const dir = bundle(t, {
    mounts: [
      { destination: "/proc", type: "proc", source: "proc" },
      { destination: "/etc/hosts", type: "bind", source: "/tmp/old-hosts", options: ["rbind", "ro"] },
      {
        destination: "/etc/hosts",
        type: "bind",
        source: `${sandbox}/hosts`,
        options: ["rbind", "rprivate", "rw"],
      },
      { destination: "/etc/resolv.conf", source: "resolv.conf", options: ["rbind", "ro"] },
      { destination: "/etc/hostname", type: "bind", source: `${sandbox}/hostname` },
    ],
  });
  assert.deepEqual(readBundleSpec(dir).nameFiles, {
    resolvConf: join(dir, "resolv.conf"),
    hosts: `${sandbox}/hosts`,
  });
  const other = readBundleSpec(
    bundle(t, { mounts: [{ destination: "/etc/resolv.conf", type: "tmpfs", source: "tmpfs" }, null] }),
  );
  assert.deepEqual(other.nameFiles, { resolvConf: undefined, hosts: undefined });
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
