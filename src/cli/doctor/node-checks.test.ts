import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import {
  checkContainerdConfig,
  checkPodNetworking,
  defaultContainerdPaths,
  findSpindleRuntime,
} from "./node-checks.ts";

/** What the node installer appends to a containerd 1.x config. */
const INSTALLED_V2 = `version = 2
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "pause:3.9"

# BEGIN spindle runtime (added by the spindle node installer)
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.spindle]
  runtime_type = "/opt/spindle/containerd-shim-spindle-v2"
# END spindle runtime
`;

describe("findSpindleRuntime", () => {
  it("finds the installer's block in a containerd 1.x (version 2) config", () => {
    assert.deepEqual(findSpindleRuntime(INSTALLED_V2), {
      kind: "registered",
      table: "io.containerd.grpc.v1.cri",
      name: "spindle",
      runtimeType: "/opt/spindle/containerd-shim-spindle-v2",
    });
  });

  it("reads containerd 2.x (version 3) runtimes from io.containerd.cri.v1.runtime, by runtime name too", () => {
    const config = `version = 3
[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"
[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.wasm]
  runtime_type = "io.containerd.spindle.v2"
`;
    assert.deepEqual(findSpindleRuntime(config), {
      kind: "registered",
      table: "io.containerd.cri.v1.runtime",
      name: "wasm",
      runtimeType: "io.containerd.spindle.v2",
    });
  });

  it("reads a config without a version as version 1, with the short plugin name", () => {
    const config = `[plugins.cri.containerd.runtimes.spindle]\nruntime_type = "io.containerd.spindle.v2"\n`;
    assert.equal(findSpindleRuntime(config).kind, "registered");
  });

  it("says a runtime is misplaced when the config's version does not read its table", () => {
    const config = INSTALLED_V2.replace("version = 2", "version = 3");
    assert.deepEqual(findSpindleRuntime(config), {
      kind: "misplaced",
      name: "spindle",
      table: "io.containerd.grpc.v1.cri",
      version: 3,
    });
  });

  it("ignores other runtimes and finds none in an empty config", () => {
    const runc = `version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]\nruntime_type = "io.containerd.runc.v2"\n`;
    assert.deepEqual(findSpindleRuntime(runc), { kind: "absent", version: 2 });
    assert.deepEqual(findSpindleRuntime(""), { kind: "absent", version: 1 });
  });

  it("throws on text that is not TOML", () => {
    assert.throws(() => findSpindleRuntime("[plugins\n"));
  });
});

describe("checkContainerdConfig", () => {
  const file = (t: { after(fn: () => unknown): void }, text: string) => {
    const dir = mkdtempSync(join(tmpdir(), "spindle-doctor-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "config.toml"), text);
    return join(dir, "config.toml");
  };

  it("reports the registered runtime and returns it for the shim and RuntimeClass checks", (t) => {
    const path = file(t, INSTALLED_V2);
    const { result, runtime } = checkContainerdConfig(path);
    assert.equal(result.status, "ok");
    assert.match(result.detail, /registers runtime "spindle" \(\/opt\/spindle\/containerd-shim-spindle-v2\)/);
    assert.deepEqual(
      { name: runtime?.name, runtimeType: runtime?.runtimeType },
      { name: "spindle", runtimeType: "/opt/spindle/containerd-shim-spindle-v2" },
    );
  });

  it("fails with a hint naming the table to use", (t) => {
    const { result, runtime } = checkContainerdConfig(
      file(t, INSTALLED_V2.replace("version = 2", "version = 3")),
    );
    assert.equal(result.status, "fail");
    assert.equal(runtime, undefined);
    assert.match(
      result.detail,
      /in plugins\."io\.containerd\.grpc\.v1\.cri", which config version 3 does not read/,
    );
    assert.match(
      result.hint ?? "",
      /\[plugins\."io\.containerd\.cri\.v1\.runtime"\.containerd\.runtimes\.spindle\]/,
    );
  });

  it("fails on a missing file and on invalid TOML, naming the file", (t) => {
    const missing = checkContainerdConfig("/nonexistent/config.toml").result;
    assert.deepEqual([missing.status, missing.detail], ["fail", "/nonexistent/config.toml does not exist"]);
    const path = file(t, "version = \n");
    const invalid = checkContainerdConfig(path).result;
    assert.equal(invalid.status, "fail");
    assert.ok(invalid.detail.startsWith(`${path} is not valid TOML: `), invalid.detail);
  });
});

describe("checkContainerdConfig with imports", () => {
  /** A directory holding `files` (relative path → content); returns its path. */
  const tree = (t: { after(fn: () => unknown): void }, files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), "spindle-doctor-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    return dir;
  };
  const V3_DROPIN = `version = 3\n[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.spindle]\nruntime_type = "/opt/spindle/containerd-shim-spindle-v2"\n`;

  it("finds the runtime in a drop-in a glob imports, as k0s 1.36 imports containerd.d/", (t) => {
    const dir = tree(t, {
      "containerd.toml": `# k0s_managed=true\nversion = 3\nimports = ["containerd.d/*.toml"]\n`,
      "containerd.d/other.toml": "version = 3\n",
      "containerd.d/spindle.toml": V3_DROPIN,
    });
    const { result, runtime } = checkContainerdConfig(join(dir, "containerd.toml"));
    assert.equal(result.status, "ok", result.detail);
    assert.equal(
      result.detail,
      `${join(dir, "containerd.d/spindle.toml")} (imported by ${join(dir, "containerd.toml")}) registers runtime "spindle" (/opt/spindle/containerd-shim-spindle-v2) in plugins."io.containerd.cri.v1.runtime"`,
    );
    assert.equal(runtime?.name, "spindle");
  });

  it("reads each import in its own version, through imports of imports, each file once", (t) => {
    const dir = tree(t, {
      "a.toml": `imports = ["b.toml", "containerd.toml"]\n`,
      "b.toml": INSTALLED_V2,
    });
    const root = join(dir, "containerd.toml");
    writeFileSync(root, `version = 3\nimports = [${JSON.stringify(join(dir, "a.toml"))}]\n`);
    const { result } = checkContainerdConfig(root);
    assert.equal(result.status, "ok", result.detail);
    assert.match(result.detail, /b\.toml \(imported by \S+containerd\.toml\) registers runtime "spindle"/);
  });

  it("reports a misplaced runtime in an import, and none found among the files", (t) => {
    const misplaced = tree(t, {
      "containerd.toml": `version = 3\nimports = ["spindle.toml"]\n`,
      "spindle.toml": INSTALLED_V2.replace("version = 2", "version = 3"),
    });
    const { result } = checkContainerdConfig(join(misplaced, "containerd.toml"));
    assert.equal(result.status, "fail");
    assert.match(
      result.detail,
      /spindle\.toml \(imported by \S+\) registers runtime "spindle" in plugins\."io\.containerd\.grpc\.v1\.cri", which config version 3/,
    );

    const none = tree(t, {
      "containerd.toml": `version = 2\nimports = ["cri.toml"]\n`,
      "cri.toml": "version = 2\n",
    });
    const absent = checkContainerdConfig(join(none, "containerd.toml")).result;
    assert.equal(absent.status, "fail");
    assert.match(absent.detail, /containerd\.toml \(and the files it imports\) registers no runtime/);
  });

  it("fails on an import that is missing or not TOML, naming it and the file importing it", (t) => {
    const dir = tree(t, { "containerd.toml": `version = 2\nimports = ["cri.toml"]\n` });
    const root = join(dir, "containerd.toml");
    const missing = checkContainerdConfig(root).result;
    assert.equal(missing.status, "fail");
    assert.ok(missing.detail.startsWith(`${join(dir, "cri.toml")}, imported by ${root}, cannot be read: `));
    writeFileSync(join(dir, "cri.toml"), "version = \n");
    const invalid = checkContainerdConfig(root).result;
    assert.ok(
      invalid.detail.startsWith(`${join(dir, "cri.toml")}, imported by ${root}, is not valid TOML: `),
    );
    assert.equal(invalid.hint, "fix the file: containerd will not start with it either");
  });
});

it("finds the containerd of MicroK8s, RKE2, k3s or k0s by the config they generate, else containerd's defaults", () => {
  const only = (present: string) => (path: string) => path === present;
  assert.deepEqual(defaultContainerdPaths(only("/var/lib/rancher/k3s/agent/etc/containerd/config.toml")), {
    config: "/var/lib/rancher/k3s/agent/etc/containerd/config.toml",
    address: "/run/k3s/containerd/containerd.sock",
  });
  assert.equal(
    defaultContainerdPaths(only("/var/lib/rancher/rke2/agent/etc/containerd/config.toml")).config,
    "/var/lib/rancher/rke2/agent/etc/containerd/config.toml",
  );
  assert.deepEqual(defaultContainerdPaths(only("/etc/k0s/containerd.toml")), {
    config: "/etc/k0s/containerd.toml",
    address: "/run/k0s/containerd.sock",
  });
  assert.deepEqual(defaultContainerdPaths(only("/var/snap/microk8s/current/args/containerd.toml")), {
    config: "/var/snap/microk8s/current/args/containerd.toml",
    address: "/var/snap/microk8s/common/run/containerd.sock",
  });
  assert.equal(
    defaultContainerdPaths(
      (path) =>
        path === "/etc/k0s/containerd.toml" || path === "/var/snap/microk8s/current/args/containerd.toml",
    ).config,
    "/var/snap/microk8s/current/args/containerd.toml",
  );
  assert.deepEqual(
    defaultContainerdPaths(() => false),
    {
      config: "/etc/containerd/config.toml",
      address: "/run/containerd/containerd.sock",
    },
  );
});

it("reports the shim's sharing from the launcher the runtime starts, and that setns is reachable", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "doctor-launcher-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const launcher = join(dir, "containerd-shim-spindle-v2");
  writeFileSync(launcher, '#!/bin/sh\nSPINDLE_SHIM_SHARING=node exec node shim.js "$@"\n');
  const node = await checkPodNetworking(launcher, "");
  assert.deepEqual(
    [node.status, node.detail],
    ["ok", "one shim for every pod of the node; setns reachable through node:ffi"],
  );
  writeFileSync(launcher, "#!/bin/sh\nSPINDLE_SHIM_SHARING=cluster exec node shim.js\n");
  const bad = await checkPodNetworking(launcher, "");
  assert.equal(bad.status, "fail");
  assert.match(bad.detail, /SPINDLE_SHIM_SHARING is "cluster": expected pod or node/);
  writeFileSync(launcher, '#!/bin/sh\nexec node shim.js "$@"\n');
  assert.equal(
    (await checkPodNetworking(launcher, "")).detail,
    "one shim per pod; setns reachable through node:ffi",
  );
  // A runtime named by type: the launcher on PATH is the one read.
  writeFileSync(launcher, '#!/bin/sh\nSPINDLE_SHIM_SHARING=node exec node shim.js "$@"\n');
  chmodSync(launcher, 0o755);
  const onPath = await checkPodNetworking("io.containerd.spindle.v2", `/nonexistent:${dir}`);
  assert.match(onPath.detail, /^one shim for every pod of the node;/);
  for (const [runtimeType, path] of [
    ["io.containerd.spindle.v2", "/nonexistent"],
    [join(dir, "missing"), dir],
  ] as const) {
    assert.equal((await checkPodNetworking(runtimeType, path)).status, "skip");
  }
});
