// End to end: pods as the CRI plugin makes them, under Debian's real containerd and
// containerd-shim-spindle-v2. Each pod gets a network namespace (`ip netns add`, as CNI would), a sandbox
// container whose process holds it (the `pause` role, played by a copy of sleep), and app containers that
// join `/proc/<sandbox pid>/ns/net` — the annotations and namespace paths are those the CRI plugin writes.
// Two pods both serve on port 80, each inside its own namespace. With SPINDLE_SHIM_SHARING=node one shim
// process serves every pod and leaves once the last is gone.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readlinkSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { greetManifest, makeApp } from "../support/apps.ts";
import { containerdUnavailable, startContainerd, type Containerd } from "../support/containerd.ts";
import { suiteScope, type Scope } from "../support/scope.ts";

const RUNTIME = "io.containerd.spindle.v2";

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function unavailable(): string | undefined {
  const containerd = containerdUnavailable();
  if (containerd !== undefined) return containerd;
  try {
    execFileSync("ip", ["netns", "list"], { stdio: "ignore" });
  } catch {
    return "`ip netns` is not available (Debian's iproute2; scripts/setup.sh installs it)";
  }
  return undefined;
}

/** A network namespace as CNI leaves one for a pod: loopback up, removed with the scope. */
function networkNamespace(scope: Scope, name: string): string {
  execFileSync("ip", ["netns", "add", name]);
  scope.after(() => execFileSync("ip", ["netns", "delete", name]));
  execFileSync("ip", ["netns", "exec", name, "ip", "link", "set", "lo", "up"]);
  return `/var/run/netns/${name}`;
}

/** GETs `url` from inside the network namespace `name`; the response's status and body. */
function fetchIn(name: string, url: string): Promise<{ status: number; body: string }> {
  const script = `const r = await fetch(${JSON.stringify(url)}); console.log(JSON.stringify({ status: r.status, body: await r.text() }));`;
  return new Promise((resolve, reject) => {
    execFile(
      "ip",
      ["netns", "exec", name, process.execPath, "--input-type=module", "-e", script],
      { timeout: 10_000 },
      (error, stdout) =>
        error === null ? resolve(JSON.parse(stdout) as never) : reject(new Error(error.message)),
    );
  });
}

const skip = unavailable();

describe("containerd shim: pods with their own network namespaces", { skip }, () => {
  const scope = suiteScope();
  let pauseRoot: string;
  const apps = new Map<string, string>();
  before(() => {
    // The sandbox's program: anything that waits for a signal; the shim runs it from the root filesystem.
    pauseRoot = mkdtempSync(join(tmpdir(), "spindle-pause-"));
    scope.after(() => rmSync(pauseRoot, { recursive: true, force: true }));
    copyFileSync("/bin/sleep", join(pauseRoot, "pause"));
    for (const greeting of ["one", "two"]) {
      apps.set(
        greeting,
        makeApp(scope, {
          manifest: greetManifest(greeting, `hello from pod ${greeting}`),
          guests: { "greet.wasm": "greet-var" },
        }),
      );
    }
  });

  /** `ctr task ls` as id → pid and status. */
  async function tasks(containerd: Containerd): Promise<Map<string, { pid: number; status: string }>> {
    const { stdout } = await containerd.ctr("task", "ls");
    const rows = stdout
      .split("\n")
      .slice(1)
      .filter((line) => line.trim() !== "");
    return new Map(
      rows.map((line) => {
        const [id = "", pid = "", status = ""] = line.split(/\s+/);
        return [id, { pid: Number(pid), status }];
      }),
    );
  }

  /** A pod as the CRI plugin runs one: the sandbox in `namespace`, then one app container joining it. */
  async function runPod(containerd: Containerd, pod: string, namespace: string, app: string) {
    const cri = (type: string) => [
      `--annotation=io.kubernetes.cri.container-type=${type}`,
      `--annotation=io.kubernetes.cri.sandbox-id=${pod}`,
    ];
    const sandbox = await containerd.ctr(
      "run",
      "-d",
      "--runtime",
      RUNTIME,
      ...cri("sandbox"),
      "--with-ns",
      `network:${namespace}`,
      "--rootfs",
      pauseRoot,
      pod,
      "/pause",
      "infinity",
    );
    assert.equal(sandbox.code, 0, sandbox.stderr);
    const sandboxPid = (await tasks(containerd)).get(pod)?.pid ?? 0;
    const appId = `${pod}-app`;
    const container = await containerd.ctr(
      "run",
      "-d",
      "--runtime",
      RUNTIME,
      ...cri("container"),
      "--with-ns",
      `network:/proc/${sandboxPid}/ns/net`,
      "--rootfs",
      app,
      appId,
      "/",
    );
    assert.equal(container.code, 0, container.stderr);
    return { sandboxPid, appId };
  }

  async function removePod(containerd: Containerd, pod: string): Promise<void> {
    for (const id of [`${pod}-app`, pod]) {
      assert.equal((await containerd.ctr("task", "kill", "--signal", "SIGKILL", id)).code, 0);
      await until(`${id} to stop`, async () =>
        (await tasks(containerd)).get(id)?.status === "STOPPED" ? true : undefined,
      );
      await containerd.ctr("task", "rm", id);
      assert.equal((await containerd.ctr("container", "rm", id)).code, 0);
    }
  }

  for (const sharing of ["pod", "node"] as const) {
    it(`serves two pods on port 80, each in its own network namespace (SPINDLE_SHIM_SHARING=${sharing})`, async (t) => {
      const podScope: Scope = { after: (fn) => t.after(fn) };
      const containerd = await startContainerd(podScope, {
        SPINDLE_SHIM_SHARING: sharing,
        SPINDLE_SHIM_IDLE_EXIT: "1",
      });
      const pods = [
        { pod: `${sharing}-one`, ns: `spindle-${process.pid}-${sharing}-1`, app: apps.get("one")! },
        { pod: `${sharing}-two`, ns: `spindle-${process.pid}-${sharing}-2`, app: apps.get("two")! },
      ];
      const started = [];
      for (const { pod, ns, app } of pods) {
        const path = networkNamespace(podScope, ns);
        const { sandboxPid, appId } = await runPod(containerd, pod, path, app);
        // The sandbox's own process holds the pod's namespace, as pause does.
        assert.notEqual(sandboxPid, 0);
        assert.equal(readlinkSync(`/proc/${sandboxPid}/ns/net`), `net:[${statSync(path).ino}]`);
        started.push({ pod, ns, appId, sandboxPid });
      }
      for (const [i, { ns }] of started.entries()) {
        const response = await until("the pod's app to answer", async () =>
          fetchIn(ns, "http://127.0.0.1:80/?GREETING"),
        );
        assert.equal(response.status, 200);
        assert.match(response.body, new RegExp(`hello from pod ${i === 0 ? "one" : "two"}`));
      }
      const listed = await tasks(containerd);
      const shims = new Set(started.map(({ appId }) => listed.get(appId)?.pid));
      assert.equal(shims.size, sharing === "node" ? 1 : 2, "app containers report their shim's pid");
      // A pod's shim lives in the pod's namespace, so its app's outbound connections leave from there too;
      // the node's shim stays in the node's.
      for (const { appId, sandboxPid } of started) {
        const shimNamespace = readlinkSync(`/proc/${listed.get(appId)?.pid}/ns/net`);
        const expected = sharing === "pod" ? `/proc/${sandboxPid}/ns/net` : "/proc/self/ns/net";
        assert.equal(shimNamespace, readlinkSync(expected));
      }
      for (const { pod } of started) await removePod(containerd, pod);
      for (const pid of shims) {
        await until("the shim to exit", () => Promise.resolve(alive(pid!) ? undefined : true));
      }
      for (const { sandboxPid } of started)
        assert.equal(alive(sandboxPid), false, "the sandbox process is gone");
    });
  }
});
