// End to end: the node installer script against a throw-away host root — the shim files and launcher it
// installs, the containerd 1.x and 2.x config blocks it adds (checked by Debian's containerd parsing the
// result, when installed), that running it twice changes nothing, and that uninstall restores the config.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

const INSTALLER = fileURLToPath(new URL("../../deploy/node-installer/install.sh", import.meta.url));

function host(t: { after(fn: () => unknown): void }, config: string | undefined) {
  const dir = mkdtempSync(join(tmpdir(), "spindle-node-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const assets = join(dir, "assets");
  mkdirSync(join(assets, "bin"), { recursive: true });
  writeFileSync(join(assets, "bin", "containerd-shim-spindle-v2.js"), "// shim\n");
  const root = join(dir, "root");
  const configPath = join(root, "etc", "containerd", "config.toml");
  if (config !== undefined) {
    mkdirSync(join(root, "etc", "containerd"), { recursive: true });
    writeFileSync(configPath, config);
  }
  const run = (action: string, env: Record<string, string> = {}) =>
    execFileSync("bash", [INSTALLER, action], {
      env: { ...process.env, HOST_ROOT: root, ASSETS: assets, RESTART: "never", ...env },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  return { root, configPath, run };
}

const containerd = (process.env["PATH"] ?? "")
  .split(delimiter)
  .map((d) => join(d, "containerd"))
  .find((p) => existsSync(p));

describe("node installer", () => {
  it("adds the runtime to a containerd 1.x config, once, and removes exactly that", (t) => {
    const original = 'version = 2\n\n[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = "pause:3.9"\n';
    const { root, configPath, run } = host(t, original);
    assert.match(run("install"), /added the spindle runtime/);
    const config = readFileSync(configPath, "utf8");
    assert.ok(config.startsWith(original));
    assert.match(
      config,
      /\[plugins\."io\.containerd\.grpc\.v1\.cri"\.containerd\.runtimes\.spindle\]\n {2}runtime_type = "\/opt\/spindle\/containerd-shim-spindle-v2"\n/,
    );
    const launcher = join(root, "opt", "spindle", "containerd-shim-spindle-v2");
    assert.equal(statSync(launcher).mode & 0o777, 0o755);
    assert.match(
      readFileSync(launcher, "utf8"),
      /SPINDLE_SHIM_SHARING=pod exec \/opt\/spindle\/node_modules\/node\/bin\/node \/opt\/spindle\/bin\/containerd-shim-spindle-v2\.js "\$@"/,
    );
    assert.ok(existsSync(join(root, "opt", "spindle", "bin", "containerd-shim-spindle-v2.js")));

    assert.match(run("install"), /already has the spindle runtime/);
    assert.equal(readFileSync(configPath, "utf8"), config);

    if (containerd !== undefined) {
      const dump = execFileSync(containerd, ["--config", configPath, "config", "dump"], { encoding: "utf8" });
      const table = dump.slice(dump.indexOf(".containerd.runtimes.spindle]"));
      assert.match(
        table.slice(0, table.indexOf("\n\n")),
        /runtime_type = "\/opt\/spindle\/containerd-shim-spindle-v2"/,
      );
    }

    run("uninstall");
    assert.equal(readFileSync(configPath, "utf8"), `${original}\n`);
    assert.equal(existsSync(join(root, "opt", "spindle")), false);
  });

  it("writes a launcher for one shim per node with SHIM_SHARING=node, and refuses any other value", (t) => {
    const { root, run } = host(t, "version = 2\n");
    run("install", { SHIM_SHARING: "node" });
    const launcher = readFileSync(join(root, "opt", "spindle", "containerd-shim-spindle-v2"), "utf8");
    assert.match(launcher, /^SPINDLE_SHIM_SHARING=node exec /m);
    assert.throws(
      () => run("install", { SHIM_SHARING: "cluster" }),
      (error: { stderr: string }) => /SHIM_SHARING is "cluster": expected pod/.test(error.stderr),
    );
  });

  it("uses the CRI runtime plugin of containerd 2.x for a version 3 config", (t) => {
    const { configPath, run } = host(t, "version = 3\n");
    run("install");
    assert.match(
      readFileSync(configPath, "utf8"),
      /\[plugins\."io\.containerd\.cri\.v1\.runtime"\.containerd\.runtimes\.spindle\]/,
    );
  });

  it("creates a missing config with the 1.x block", (t) => {
    const { configPath, run } = host(t, undefined);
    run("install");
    assert.match(
      readFileSync(configPath, "utf8"),
      /io\.containerd\.grpc\.v1\.cri"\.containerd\.runtimes\.spindle/,
    );
  });
});
