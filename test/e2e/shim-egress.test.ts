// End to end: with SPINDLE_SHIM_SHARING=node the one shim of the node runs in the node's network
// namespace, yet a pod's app connects out from the pod's. The pod is played as the CRI plugin makes one
// (test/support/pods.ts), under the real containerd; a web server listens only inside the pod's namespace,
// on its loopback, and the app's outbound HTTP reaches it by address, by a name of the pod's hosts file,
// and by a name that only a DNS server listening inside the pod's namespace knows (the pod's resolv.conf
// names it, so the app's queries must leave from the pod too).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { once } from "node:events";
import { join } from "node:path";
import { listenInNetworkNamespace } from "../../src/shim/container/network-namespace.ts";
import { makeApp } from "../support/apps.ts";
import { componentWasm, TEST_CACHE_HOME } from "../support/components.ts";
import { startContainerd, until } from "../support/containerd.ts";
import { startDnsServerIn } from "../support/dns-server.ts";
import { fetchIn, pauseRoot, podNetwork, podsUnavailable, runPod } from "../support/pods.ts";
import { freePort } from "../support/ports.ts";
import type { Scope } from "../support/scope.ts";

const skip = podsUnavailable();

const manifest = (port: number) => `spin_manifest_version = 2
[application]
name = "pod-egress"

[[trigger.http]]
route = "/..."
component = "probe"

[component.probe]
source = "probe.wasm"
allowed_outbound_hosts = ["http://127.0.0.1:${port}", "http://web.pod.test:${port}", "http://api:${port}"]
`;

describe("containerd shim: a pod's outbound connections leave from its network namespace", { skip }, () => {
  it("reaches a server only the pod's namespace has, under the node's one shim", async (t) => {
    const scope: Scope = { after: (fn) => t.after(fn) };
    const port = await freePort();
    const root = makeApp(scope, {
      manifest: manifest(port),
      files: { "pod/hosts": "127.0.0.1\tlocalhost\n127.0.0.1\tweb.pod.test\n" },
    });
    copyFileSync(componentWasm("http-probe"), join(root, "probe.wasm"));
    // The transpiled component is cached where the other suites cache it.
    mkdirSync(join(root, ".cache"));
    mkdirSync(join(TEST_CACHE_HOME, "spindle"), { recursive: true });
    symlinkSync(join(TEST_CACHE_HOME, "spindle"), join(root, ".cache", "spindle"));
    const ns = `spindle-${process.pid}-egress`;
    const network = podNetwork(scope, ns);
    const web = createServer((req, res) => res.end(`inside the pod, to ${req.headers.host}`));
    web.listen({ fd: listenInNetworkNamespace(network, { host: "127.0.0.1", port }) });
    await once(web, "listening");
    t.after(() => new Promise((resolve) => web.close(resolve)));

    const dns = await startDnsServerIn(scope, ns, { "api.svc.test": ["127.0.0.1"] });
    writeFileSync(join(root, "pod", "resolv.conf"), `nameserver ${dns.address}\nsearch svc.test\n`);

    const containerd = await startContainerd(scope, {
      SPINDLE_SHIM_SHARING: "node",
      SPINDLE_SHIM_IDLE_EXIT: "1",
    });
    const mount = (file: string) => [
      "--mount",
      `type=bind,src=${join(root, "pod", file)},dst=/etc/${file},options=rbind:ro`,
    ];
    const { appId } = await runPod(containerd, {
      pod: "egress",
      network,
      pauseRoot: pauseRoot(scope),
      appRoot: root,
      appFlags: [...mount("hosts"), ...mount("resolv.conf")],
    });
    const outbound = (target: string) =>
      until("the pod's app to answer", async () =>
        fetchIn(ns, "http://127.0.0.1:80/outbound", { "x-target": target }),
      );
    for (const host of ["127.0.0.1", "web.pod.test", "api"]) {
      const response = await outbound(`http://${host}:${port}/`);
      assert.deepEqual(
        { status: response.status, body: JSON.parse(response.body) as unknown },
        { status: 200, body: { status: 200, body: `inside the pod, to ${host}:${port}` } },
      );
    }
    for (const id of [appId, "egress"]) {
      await containerd.ctr("task", "kill", "--signal", "SIGKILL", id);
      await until(`${id} to stop`, async () =>
        (await containerd.ctr("task", "ls")).stdout.match(new RegExp(`^${id}\\s+\\d+\\s+STOPPED`, "m"))
          ? true
          : undefined,
      );
      await containerd.ctr("task", "rm", id);
      await containerd.ctr("container", "rm", id);
    }
  });
});
