// End to end: what `ctr task metrics` — and so containerd's CRI plugin, the kubelet, `kubectl top` and
// HorizontalPodAutoscalers — reads from containerd-shim-spindle-v2's Stats, under Debian's real containerd,
// for pods played as the CRI plugin makes them (see test/support/pods.ts), in both sharing modes.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { greetManifest, makeApp } from "../support/apps.ts";
import { startContainerd, until, type Containerd } from "../support/containerd.ts";
import { fetchIn, listTasks, pauseRoot, podNetwork, podsUnavailable, runPod } from "../support/pods.ts";
import { suiteScope, type Scope } from "../support/scope.ts";

const skip = podsUnavailable();
const MIB = 1024 * 1024;

/** The parts of `ctr task metrics --format json` (a cgroups v1 Metrics) the kubelet's figures come from. */
interface Metrics {
  readonly cpu?: { readonly usage?: { readonly total?: number } };
  readonly memory?: { readonly usage?: { readonly usage?: number } };
}

async function metrics(containerd: Containerd, id: string): Promise<Metrics> {
  const result = await containerd.ctr("task", "metrics", "--format", "json", id);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Metrics;
}

function residentBytes(pid: number): number {
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kib) * 1024;
}

describe("containerd shim: task metrics", { skip }, () => {
  const scope = suiteScope();
  let pause: string;
  let app: string;
  before(() => {
    pause = pauseRoot(scope);
    app = makeApp(scope, {
      manifest: greetManifest("stats", "hello from the stats pod"),
      guests: { "greet.wasm": "greet-var" },
    });
  });

  async function startPod(t: { after(fn: () => unknown): void }, sharing: "pod" | "node") {
    const podScope: Scope = { after: (fn) => t.after(fn) };
    const containerd = await startContainerd(podScope, { SPINDLE_SHIM_SHARING: sharing });
    const ns = `spindle-${process.pid}-stats-${sharing}`;
    const network = podNetwork(podScope, ns);
    const pod = await runPod(containerd, {
      pod: `stats-${sharing}`,
      network,
      pauseRoot: pause,
      appRoot: app,
    });
    for (let i = 0; i < 5; i++) {
      const response = await until("the pod's app to answer", async () =>
        fetchIn(ns, "http://127.0.0.1/?GREETING"),
      );
      assert.equal(response.status, 200);
    }
    const shimPid = (await listTasks(containerd)).get(pod.appId)?.pid ?? 0;
    return { containerd, ...pod, pod: `stats-${sharing}`, shimPid };
  }

  it("a pod's own shim reports its whole process for the app, and the sandbox's process for the sandbox", async (t) => {
    const { containerd, appId, pod, sandboxPid } = await startPod(t, "pod");
    const served = await metrics(containerd, appId);
    const cpu = served.cpu?.usage?.total ?? 0;
    assert.ok(cpu > 0, `the app's CPU time is counted: ${cpu} ns`);
    const memory = served.memory?.usage?.usage ?? 0;
    assert.ok(memory > 10 * MIB, `the shim's resident memory is the app's: ${memory} bytes`);

    const sandbox = await metrics(containerd, pod);
    const sandboxMemory = sandbox.memory?.usage?.usage ?? 0;
    assert.ok(sandboxMemory > 0 && sandboxMemory < 10 * MIB, `the pause process's memory: ${sandboxMemory}`);
    assert.ok(Math.abs(sandboxMemory - residentBytes(sandboxPid)) < MIB);

    // An exited task, as runc's: the CPU time it used, no memory.
    assert.equal((await containerd.ctr("task", "kill", "--signal", "SIGKILL", appId)).code, 0);
    await until("the app to stop", async () =>
      (await listTasks(containerd)).get(appId)?.status === "STOPPED" ? true : undefined,
    );
    const exited = await metrics(containerd, appId);
    assert.ok((exited.cpu?.usage?.total ?? 0) >= cpu);
    assert.equal(exited.memory?.usage?.usage ?? 0, 0);
  });

  it("the node's shim reports an app's Wasm linear memory and no CPU time", async (t) => {
    const { containerd, appId, shimPid } = await startPod(t, "node");
    const served = await metrics(containerd, appId);
    assert.equal(served.cpu, undefined, "no CPU time is attributed to one app of a shared process");
    const memory = served.memory?.usage?.usage ?? 0;
    assert.ok(memory > 0, "the app's instances hold linear memory");
    assert.equal(memory % 65_536, 0, `whole Wasm pages: ${memory}`);
    assert.ok(memory < residentBytes(shimPid), "less than the shared shim holds");
  });
});
