// End to end: with SPINDLE_SHIM_SHARING=node the one shim of the node runs in the node's network
// namespace, yet a pod's app connects out from the pod's. The pod is played as the CRI plugin makes one
// (test/support/pods.ts), under the real containerd; a web server listens only inside the pod's namespace,
// on its loopback, and the app's outbound HTTP reaches it by address, by a name of the pod's hosts file,
// and by a name that only a DNS server listening inside the pod's namespace knows (the pod's resolv.conf
// names it, so the app's queries must leave from the pod too). The host's own HTTP clients leave from the
// pod as well: a Vault variable provider (the fake Vault of test/support/fake-vault.ts; no Vault can run
// here) at a name only the pod's hosts file knows, served only inside the pod's namespace, gives the app
// its variable.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { once } from "node:events";
import { join } from "node:path";
import { listenInNetworkNamespace } from "../../src/shim/container/network-namespace.ts";
import { makeApp } from "../support/apps.ts";
import { componentWasm, TEST_CACHE_HOME } from "../support/components.ts";
import { startContainerd, until, type Containerd } from "../support/containerd.ts";
import { startDnsServerIn } from "../support/dns-server.ts";
import { FAKE_VAULT_TOKEN, fakeVault } from "../support/fake-vault.ts";
import { fetchIn, pauseRoot, podNetwork, podsUnavailable, runPod } from "../support/pods.ts";
import { freePort } from "../support/ports.ts";
import type { Scope } from "../support/scope.ts";
import { kvProbeWasm } from "./key-value-probe.ts";

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

const vaultManifest = `spin_manifest_version = 2
[application]
name = "pod-vault"

[variables]
api_key = { required = true }

[[trigger.http]]
route = "/..."
component = "probe"

[component.probe]
source = "probe.wasm"

[component.probe.variables]
api_key = "{{ api_key }}"
`;

/** An app root with `files` and the probe `wasm`, whose transpiled component is cached with the others. */
function appRoot(scope: Scope, spec: { manifest: string; files: Record<string, string>; wasm: string }) {
  const root = makeApp(scope, spec);
  copyFileSync(spec.wasm, join(root, "probe.wasm"));
  mkdirSync(join(root, ".cache"));
  mkdirSync(join(TEST_CACHE_HOME, "spindle"), { recursive: true });
  symlinkSync(join(TEST_CACHE_HOME, "spindle"), join(root, ".cache", "spindle"));
  return root;
}

/** `ctr run` flags bind-mounting the pod's `/etc/<file>` from `root/pod/<file>`, as the CRI plugin does. */
const mount = (root: string, file: string) => [
  "--mount",
  `type=bind,src=${join(root, "pod", file)},dst=/etc/${file},options=rbind:ro`,
];

/** Kills and removes the app container, then the pod's sandbox. */
async function removePod(containerd: Containerd, appId: string, pod: string): Promise<void> {
  for (const id of [appId, pod]) {
    await containerd.ctr("task", "kill", "--signal", "SIGKILL", id);
    await until(`${id} to stop`, async () =>
      (await containerd.ctr("task", "ls")).stdout.match(new RegExp(`^${id}\\s+\\d+\\s+STOPPED`, "m"))
        ? true
        : undefined,
    );
    await containerd.ctr("task", "rm", id);
    await containerd.ctr("container", "rm", id);
  }
}

describe("containerd shim: a pod's outbound connections leave from its network namespace", { skip }, () => {
  it("reaches a server only the pod's namespace has, under the node's one shim", async (t) => {
    const scope: Scope = { after: (fn) => t.after(fn) };
    const port = await freePort();
    const root = appRoot(scope, {
      manifest: manifest(port),
      files: { "pod/hosts": "127.0.0.1\tlocalhost\n127.0.0.1\tweb.pod.test\n" },
      wasm: componentWasm("http-probe"),
    });
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
    const { appId } = await runPod(containerd, {
      pod: "egress",
      network,
      pauseRoot: pauseRoot(scope),
      appRoot: root,
      appFlags: [...mount(root, "hosts"), ...mount(root, "resolv.conf")],
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
    await removePod(containerd, appId, "egress");
  });

  it("gives the app a variable from a Vault only the pod's namespace has, by a name of its hosts file", async (t) => {
    const scope: Scope = { after: (fn) => t.after(fn) };
    const port = await freePort();
    const root = appRoot(scope, {
      manifest: vaultManifest,
      files: {
        "pod/hosts": "127.0.0.1\tlocalhost\n127.0.0.1\tvault.pod.test\n",
        "runtime-config.toml": [
          "[[variables_provider]]",
          'type = "vault"',
          `url = "http://vault.pod.test:${port}"`,
          `token = "${FAKE_VAULT_TOKEN}"`,
          'mount = "secret"',
        ].join("\n"),
      },
      wasm: kvProbeWasm(),
    });
    const ns = `spindle-${process.pid}-vault`;
    const network = podNetwork(scope, ns);
    const vault = createServer(fakeVault({ api_key: { value: "from the pod's vault" } }));
    vault.listen({ fd: listenInNetworkNamespace(network, { host: "127.0.0.1", port }) });
    await once(vault, "listening");
    t.after(() => new Promise((resolve) => vault.close(resolve)));

    const containerd = await startContainerd(scope, {
      SPINDLE_SHIM_SHARING: "node",
      SPINDLE_SHIM_IDLE_EXIT: "1",
    });
    const log = join(containerd.dir, "vault-app.log");
    const { appId } = await runPod(containerd, {
      pod: "vault",
      network,
      pauseRoot: pauseRoot(scope),
      appRoot: root,
      appFlags: [...mount(root, "hosts"), "--log-uri", `file://${log}`],
    });
    const output = () => (existsSync(log) ? readFileSync(log, "utf8") : "");
    const response = await until("the pod's app to answer", async () =>
      fetchIn(ns, "http://127.0.0.1:80/var?name=api_key"),
    ).catch((error: Error) => assert.fail(`${error.message}; the app's output:\n${output()}`));
    assert.deepEqual(
      { status: response.status, body: JSON.parse(response.body) as unknown },
      { status: 200, body: { ok: "from the pod's vault" } },
    );
    await removePod(containerd, appId, "vault");
  });
});
