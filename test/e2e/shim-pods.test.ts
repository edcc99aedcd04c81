// End to end: pods as the CRI plugin makes them, under Debian's real containerd and
// containerd-shim-spindle-v2. Each pod gets a network namespace (`ip netns add`, as CNI would), a sandbox
// container whose process holds it (the `pause` role, played by a copy of sleep), and app containers that
// join `/proc/<sandbox pid>/ns/net` — the annotations and namespace paths are those the CRI plugin writes.
// Two pods both serve on port 80, each inside its own namespace. With SPINDLE_SHIM_SHARING=node one shim
// process serves every pod and leaves once the last is gone.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { readlinkSync, statSync } from "node:fs";
import { greetManifest, makeApp } from "../support/apps.ts";
import { alive, startContainerd, until, type Containerd } from "../support/containerd.ts";
import { fetchIn, listTasks, pauseRoot, podNetwork, podsUnavailable, runPod } from "../support/pods.ts";
import { suiteScope, type Scope } from "../support/scope.ts";

const skip = podsUnavailable();

describe("containerd shim: pods with their own network namespaces", { skip }, () => {
  const scope = suiteScope();
  let pause: string;
  const apps = new Map<string, string>();
  before(() => {
    pause = pauseRoot(scope);
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

  async function removePod(containerd: Containerd, pod: string): Promise<void> {
    for (const id of [`${pod}-app`, pod]) {
      assert.equal((await containerd.ctr("task", "kill", "--signal", "SIGKILL", id)).code, 0);
      await until(`${id} to stop`, async () =>
        (await listTasks(containerd)).get(id)?.status === "STOPPED" ? true : undefined,
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
        const path = podNetwork(podScope, ns);
        const { sandboxPid, appId } = await runPod(containerd, {
          pod,
          network: path,
          pauseRoot: pause,
          appRoot: app,
        });
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
      const listed = await listTasks(containerd);
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

  it("stops a pod's sandbox process when its shim dies, as containerd's clean-up asks", async (t) => {
    const podScope: Scope = { after: (fn) => t.after(fn) };
    const containerd = await startContainerd(podScope);
    const network = podNetwork(podScope, `spindle-${process.pid}-crash`);
    const { sandboxPid, appId } = await runPod(containerd, {
      pod: "crash",
      network,
      pauseRoot: pause,
      appRoot: apps.get("one")!,
    });
    await until("the app to answer", async () =>
      fetchIn(`spindle-${process.pid}-crash`, "http://127.0.0.1/"),
    );
    const shim = (await listTasks(containerd)).get(appId)?.pid ?? 0;
    process.kill(shim, "SIGKILL");
    await until("the sandbox process to be stopped", () =>
      Promise.resolve(alive(sandboxPid) ? undefined : true),
    );
    // containerd's clean-up after a dead shim removes its tasks; the containers stay, to be removed.
    await until("containerd to drop both tasks", async () => {
      const tasks = await listTasks(containerd);
      return tasks.has("crash") || tasks.has(appId) ? undefined : true;
    });
    for (const id of [appId, "crash"]) {
      assert.equal((await containerd.ctr("container", "rm", id)).code, 0);
    }
  });
});
