// End to end: `spindle doctor` reports on this machine, on a running app's admin endpoint, and with
// `--node` on containerd (Debian's, started by the test, its config extended by the node installer), the
// shim and a RuntimeClass in the fake Kubernetes API server, and on a k0s layout the installer's drop-in
// found through the imports of k0s's containerd.toml.
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { makeApp } from "../support/apps.ts";
import { runSpindle, startApp } from "../support/cli.ts";
import { containerdUnavailable, startContainerd, type Containerd } from "../support/containerd.ts";
import { startFakeKube } from "../support/fake-kube.ts";
import { installerHost } from "../support/node-installer.ts";
import { adminUrl } from "../support/prometheus.ts";
import { suiteScope } from "../support/scope.ts";

const INSTALLER = fileURLToPath(new URL("../../deploy/node-installer/install.sh", import.meta.url));
const RUNTIME_CLASS = fileURLToPath(new URL("../../deploy/runtimeclass.yaml", import.meta.url));

const MANIFEST = `spin_manifest_version = 2
[application]
name = "checked"

[[trigger.http]]
route = "/..."
component = "status"
executor = { type = "wagi" }

[component.status]
source = "status.wasm"
`;

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("spindle doctor", () => {
  it("reports the runtime, and a reachable admin endpoint", async (t) => {
    const dir = makeApp(t, { manifest: MANIFEST, guests: { "status.wasm": "wagi-status" } });
    const app = await startApp(t, ["-f", dir, "--admin-listen", "127.0.0.1:0"]);
    const result = await runSpindle(["doctor", "--admin", adminUrl(app)]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^Spindle doctor\n/);
    assert.match(
      result.stdout,
      new RegExp(`\\[ok\\] +Node\\.js +v${process.versions.node.replaceAll(".", "\\.")}`),
    );
    assert.match(result.stdout, /\[ok\] +JSPI/);
    assert.match(result.stdout, /\[ok\] +node:sqlite/);
    assert.match(result.stdout, /\[ok\] +cache directory/);
    assert.match(
      result.stdout,
      /\[ok\] +admin endpoint +http:\/\/127\.0\.0\.1:\d+\/metrics answered with Spindle's metrics/,
    );
  });

  it("fails, with a hint, when the admin endpoint does not answer", async () => {
    const result = await runSpindle(["doctor", "--admin", `127.0.0.1:${await closedPort()}`]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /\[fail\] admin endpoint +http:\/\/127\.0\.0\.1:\d+\/metrics is unreachable/);
    assert.match(result.stdout, /hint: start the app with `spindle up --admin-listen HOST:PORT`/);
    assert.match(result.stdout, /1 problem/);
  });
});

// `--node` against Debian's real containerd, whose config the node installer has just extended.
describe("spindle doctor --node", { skip: containerdUnavailable() }, () => {
  const scope = suiteScope();
  let containerd: Containerd;
  let config: string;
  before(async () => {
    containerd = await startContainerd(scope);
    config = join(containerd.dir, "config.toml");
    const assets = join(containerd.dir, "assets");
    mkdirSync(join(assets, "bin"), { recursive: true });
    writeFileSync(join(assets, "bin", "containerd-shim-spindle-v2.js"), "// shim\n");
    execFileSync("bash", [INSTALLER, "install"], {
      env: {
        ...process.env,
        HOST_ROOT: containerd.dir,
        CONTAINERD_CONFIG: "/config.toml",
        ASSETS: assets,
        RESTART: "never",
      },
    });
  });
  const address = () => join(containerd.dir, "containerd.sock");

  it("finds the installer's runtime and containerd, and the launcher it names missing from this host", async () => {
    const result = await runSpindle(
      ["doctor", "--containerd-config", config, "--containerd-address", address()],
      { env: { KUBECONFIG: join(containerd.dir, "no-kubeconfig") } },
    );
    assert.equal(result.code, 1, result.stdout + result.stderr);
    const launcher = "/opt/spindle/containerd-shim-spindle-v2";
    assert.ok(
      result.stdout.includes(
        `[ok]   CRI runtime      ${config} registers runtime "spindle" (${launcher}) in plugins."io.containerd.grpc.v1.cri"`,
      ),
      result.stdout,
    );
    // The installer ran against a scratch host root, so the launcher it names is not on this machine.
    if (!existsSync(launcher)) {
      assert.match(result.stdout, /\[fail\] shim +\/opt\/spindle\/containerd-shim-spindle-v2 is missing/);
      assert.match(result.stdout, /hint: install the shim with the node installer/);
    }
    assert.match(result.stdout, /\[ok\] +containerd +v?1\.\d+\.\S+ \(\S+\) answers on \/tmp\/ctrd-/);
    assert.match(result.stdout, /\[skip\] RuntimeClass +not checked: no kubeconfig/);
  });

  it("is all ok with the shim on PATH, containerd answering and the cluster's RuntimeClass", async (t) => {
    const byName = join(containerd.dir, "by-name.toml");
    writeFileSync(
      byName,
      readFileSync(config, "utf8").replace(
        '"/opt/spindle/containerd-shim-spindle-v2"',
        '"io.containerd.spindle.v2"',
      ),
    );
    const kube = await startFakeKube(t);
    // The RuntimeClasses users apply, as they are in the repository.
    for (const runtimeClass of parseAllDocuments(readFileSync(RUNTIME_CLASS, "utf8"))) {
      const created = await fetch(`${kube.url}/apis/node.k8s.io/v1/runtimeclasses`, {
        method: "POST",
        headers: { authorization: `Bearer ${kube.token}`, "content-type": "application/json" },
        body: JSON.stringify(runtimeClass.toJS()),
      });
      assert.equal(created.status, 201);
    }
    const path = [join(containerd.dir, "bin"), dirname(process.execPath), process.env["PATH"]].join(
      delimiter,
    );
    const result = await runSpindle(
      [
        "doctor",
        "--containerd-config",
        byName,
        "--containerd-address",
        address(),
        "--kubeconfig",
        kube.kubeconfig,
      ],
      { env: { PATH: path } },
    );
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(
      result.stdout,
      /\[ok\] +CRI runtime +.* registers runtime "spindle" \(io\.containerd\.spindle\.v2\)/,
    );
    assert.match(
      result.stdout,
      /\[ok\] +shim +\/tmp\/ctrd-\w+\/bin\/containerd-shim-spindle-v2 runs \(version \d+\.\d+\.\d+/,
    );
    assert.match(result.stdout, /\[ok\] +containerd +/);
    assert.match(result.stdout, /\[ok\] +RuntimeClass +spindle hands pods to runtime "spindle"/);
  });
});

// k0s's containerd reaches the runtime only through an import: the node installer's drop-in in containerd.d/.
it("spindle doctor --node finds the node installer's k0s drop-in through k0s's containerd.toml imports", async (t) => {
  const { path, run } = installerHost(t, {});
  const config = path("/etc/k0s/containerd.toml");
  mkdirSync(dirname(config), { recursive: true });
  const dropins = path("/etc/k0s/containerd.d/*.toml");
  writeFileSync(config, `# k0s_managed=true\nversion = 3\nimports = [${JSON.stringify(dropins)}]\n`);
  run("install");
  const result = await runSpindle(
    ["doctor", "--containerd-config", config, "--containerd-address", path("/no.sock")],
    { env: { KUBECONFIG: path("/no-kubeconfig") } },
  );
  assert.ok(
    result.stdout.includes(
      `[ok]   CRI runtime      ${path("/etc/k0s/containerd.d/spindle.toml")} (imported by ${config}) registers runtime "spindle" (/opt/spindle/containerd-shim-spindle-v2) in plugins."io.containerd.cri.v1.runtime"`,
    ),
    result.stdout,
  );
});
