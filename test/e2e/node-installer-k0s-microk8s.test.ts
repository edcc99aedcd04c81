// End to end: the node installer script on k0s and MicroK8s nodes, against a throw-away host root — the
// drop-in it writes for k0s, the template it extends for MicroK8s (both checked by Debian's containerd
// parsing the result, when installed), that running it twice changes nothing, that uninstall restores what
// was there, and which distribution `auto` picks.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import {
  CONTAINERD_CONFIG,
  configDump,
  containerdBinary,
  installerHost,
  K3S_DIR,
  K3S_V2,
  LAUNCHER,
  runtimeTable,
  spindleRuntimeType,
} from "../support/node-installer.ts";

const K0S_CONFIG = "/etc/k0s/containerd.toml";
const K0S_DROPIN = "/etc/k0s/containerd.d/spindle.toml";
const MICROK8S_TEMPLATE = "/var/snap/microk8s/current/args/containerd-template.toml";

// The containerd.toml k0s generates, abridged: k0s 1.36 and later run containerd 2.x and import the
// drop-ins; earlier releases run containerd 1.7 and import the CRI config they merged the drop-ins into.
const K0S_V3 = `# k0s_managed=true
# (k0s regenerates this file on start)
imports = ["/etc/k0s/containerd.d/*.toml"]
version = 3

[plugins]
  [plugins."io.containerd.cri.v1.images"]
    [plugins."io.containerd.cri.v1.images".pinned_images]
      sandbox = "quay.io/k0sproject/pause:3.10"
  [plugins."io.containerd.cri.v1.runtime"]
`;
const K0S_V2 = `# k0s_managed=true
# (k0s regenerates this file on start)
imports = ["/run/k0s/containerd-cri.toml"]
version = 2
`;

// MicroK8s's containerd template, abridged: the snap substitutes the \${...} placeholders when it
// renders containerd.toml from it on every start.
const MICROK8S = `version = 2
oom_score = 0

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.10"

  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "\${SNAPSHOTTER}"
    default_runtime_name = "\${RUNTIME}"

    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "\${RUNTIME_TYPE}"

  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "\${SNAP_DATA}/opt/cni/bin"
    conf_dir = "\${SNAP_DATA}/args/cni-network"
`;

/** What MicroK8s renders from its template: the placeholders filled in. */
const renderMicroK8s = (template: string) =>
  template
    .replaceAll("${SNAP_DATA}", "/var/snap/microk8s/current")
    .replaceAll("${SNAPSHOTTER}", "overlayfs")
    .replaceAll("${RUNTIME_TYPE}", "io.containerd.runc.v2")
    .replaceAll("${RUNTIME}", "runc");

const dropin = (version: number, domain: string) => `version = ${version}\n\n${runtimeTable(domain)}`;

describe("node installer on k0s and MicroK8s", () => {
  it("k0s 1.36+: a version 3 drop-in of its own, once; uninstall deletes it", (t) => {
    const { path, read, run } = installerHost(t, { [K0S_CONFIG]: K0S_V3 });
    assert.match(
      run("install"),
      /added the spindle runtime in \/etc\/k0s\/containerd\.d\/spindle\.toml \(io\.containerd\.cri\.v1\.runtime\)/,
    );
    const written = read(K0S_DROPIN);
    assert.match(written, /^# Written by the spindle node installer/);
    assert.ok(written.endsWith(dropin(3, "io.containerd.cri.v1.runtime")), written);
    assert.equal(read(K0S_CONFIG), K0S_V3, "k0s rewrites its containerd.toml itself");
    // containerd 1.6 cannot interpret version 3's plugins, but parses the drop-in as a config.
    if (containerdBinary !== undefined) configDump(t, written);

    assert.match(run("install"), /spindle\.toml already has the spindle runtime/);
    assert.equal(read(K0S_DROPIN), written);

    assert.match(
      run("uninstall"),
      /removed the spindle runtime: deleted \/etc\/k0s\/containerd\.d\/spindle\.toml/,
    );
    assert.equal(existsSync(path(K0S_DROPIN)), false);
    assert.equal(read(K0S_CONFIG), K0S_V3);
    assert.equal(existsSync(path("/opt/spindle")), false);
  });

  it("k0s before 1.36: a version 2 drop-in, rewritten as version 3 once k0s runs containerd 2.x", (t) => {
    const { path, read, run } = installerHost(t, { [K0S_CONFIG]: K0S_V2 });
    run("install", { DISTRIBUTION: "k0s" });
    const written = read(K0S_DROPIN);
    assert.ok(written.endsWith(dropin(2, "io.containerd.grpc.v1.cri")), written);
    if (containerdBinary !== undefined) {
      // containerd importing the drop-in, as k0s imports the CRI config it merged the drop-ins into.
      const imports = `version = 2\nimports = [${JSON.stringify(path(K0S_DROPIN))}]\n`;
      assert.equal(spindleRuntimeType(configDump(t, imports)), LAUNCHER);
    }

    writeFileSync(path(K0S_CONFIG), K0S_V3);
    assert.match(
      run("install"),
      /updated the spindle runtime in \S+spindle\.toml \(io\.containerd\.cri\.v1\.runtime\)/,
    );
    assert.ok(read(K0S_DROPIN).endsWith(dropin(3, "io.containerd.cri.v1.runtime")));
  });

  it("k0s: refuses a containerd.toml it does not manage that imports no drop-ins, and a drop-in it did not write", (t) => {
    const own = 'version = 3\n\n[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.spindle]\n';
    const { path, read, run } = installerHost(t, { [K0S_CONFIG]: "version = 3\n" });
    assert.throws(
      () => run("install", { DISTRIBUTION: "k0s" }),
      (error: { status: number; stderr: string }) =>
        error.status === 1 && /\/etc\/k0s\/containerd\.toml is not managed by k0s/.test(error.stderr),
    );
    assert.equal(existsSync(path("/opt/spindle")), false);

    writeFileSync(path(K0S_CONFIG), 'version = 3\nimports = ["/etc/k0s/containerd.d/*.toml"]\n');
    run("install", { DISTRIBUTION: "k0s" });
    assert.ok(read(K0S_DROPIN).endsWith(dropin(3, "io.containerd.cri.v1.runtime")));
    writeFileSync(path(K0S_DROPIN), own);
    assert.throws(
      () => run("install", { DISTRIBUTION: "k0s" }),
      (error: { stderr: string }) =>
        /spindle\.toml exists and the installer did not write it/.test(error.stderr),
    );
    run("uninstall", { DISTRIBUTION: "k0s" });
    assert.equal(read(K0S_DROPIN), own);
  });

  it("k0s: stops at a drop-in directory it cannot write, with the error, and restarts nothing", (t) => {
    const { run } = installerHost(t, {
      [K0S_CONFIG]: K0S_V3,
      "/etc/k0s/containerd.d": "a file where the directory should be\n",
    });
    assert.throws(
      () => run("install", { DISTRIBUTION: "k0s", RESTART: "auto" }),
      (error: { status: number; stdout: string; stderr: string }) =>
        error.status !== 0 &&
        /containerd\.d: Not a directory|File exists/.test(error.stderr) &&
        !/added the spindle runtime|restart/.test(error.stdout + error.stderr),
    );
  });

  it("MicroK8s: the runtime appended to its containerd template, once; uninstall restores it byte for byte", (t) => {
    const { path, read, run } = installerHost(t, {
      [MICROK8S_TEMPLATE]: MICROK8S,
      [CONTAINERD_CONFIG]: "version = 2\n",
    });
    assert.match(
      run("install"),
      /added the spindle runtime to \/var\/snap\/microk8s\/current\/args\/containerd-template\.toml \(io\.containerd\.grpc\.v1\.cri\)/,
    );
    const written = read(MICROK8S_TEMPLATE);
    assert.ok(written.startsWith(MICROK8S));
    assert.ok(written.includes(runtimeTable("io.containerd.grpc.v1.cri")), written);
    assert.doesNotMatch(written, /SystemdCgroup/);
    assert.equal(read(CONTAINERD_CONFIG), "version = 2\n", "the node's own containerd is not MicroK8s's");

    assert.match(run("install"), /already has the spindle runtime/);
    assert.equal(read(MICROK8S_TEMPLATE), written);

    if (containerdBinary !== undefined) {
      assert.equal(spindleRuntimeType(configDump(t, renderMicroK8s(written))), LAUNCHER);
    }

    run("uninstall");
    assert.equal(read(MICROK8S_TEMPLATE), MICROK8S);
    assert.equal(existsSync(path("/opt/spindle")), false);
  });

  it("auto: MicroK8s before RKE2, k3s and k0s; k0s by the containerd.toml it generates", (t) => {
    const both = installerHost(t, { [MICROK8S_TEMPLATE]: MICROK8S, [`${K3S_DIR}/config.toml`]: K3S_V2 });
    both.run("install");
    assert.ok(both.read(MICROK8S_TEMPLATE).includes(runtimeTable("io.containerd.grpc.v1.cri")));
    assert.equal(existsSync(both.path(`${K3S_DIR}/config.toml.tmpl`)), false);

    const k0s = installerHost(t, { [K0S_CONFIG]: K0S_V3, [CONTAINERD_CONFIG]: "version = 2\n" });
    k0s.run("install");
    assert.ok(existsSync(k0s.path(K0S_DROPIN)));
    assert.equal(k0s.read(CONTAINERD_CONFIG), "version = 2\n");
  });
});
