// End to end: an app the containerd shim serves (`serveSpinApp`, as the shim's task service calls it)
// resolves host names with the files its spec mounts at /etc/resolv.conf and /etc/hosts, as its pod would:
// outbound HTTP reaches a server by a short name that only the test's DNS server knows (through the search
// domain), by its full name, and by a hosts-file name; a name nobody knows is the guest's DNS error. Needs
// neither root nor containerd.
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { createServer as createHttpServer } from "node:http";
import { join } from "node:path";
import { serveSpinApp } from "../../src/shim/container/spin-app.ts";
import { makeApp } from "../support/apps.ts";
import { componentWasm, TEST_CACHE_HOME } from "../support/components.ts";
import { startDnsServer } from "../support/dns-server.ts";
import { request } from "../support/http.ts";
import { freePort } from "../support/ports.ts";
import { suiteScope } from "../support/scope.ts";

const manifest = (port: number) => `spin_manifest_version = 2
[application]
name = "pod-dns"

[[trigger.http]]
route = "/..."
component = "probe"

[component.probe]
source = "probe.wasm"
allowed_outbound_hosts = ["http://*:${port}"]
`;

describe("host names of a shim-served app resolve as in its pod", () => {
  const scope = suiteScope();
  let appUrl: string;
  let webPort: number;

  before(async () => {
    const web = createHttpServer((req, res) => res.end(`web ${req.headers.host}`));
    await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve));
    scope.after(() => new Promise((resolve) => web.close(resolve)));
    webPort = (web.address() as AddressInfo).port;
    const dns = await startDnsServer(scope, { "web.svc.test": ["127.0.0.1"] });
    const root = makeApp(scope, { manifest: manifest(webPort) });
    copyFileSync(componentWasm("http-probe"), join(root, "probe.wasm"));
    // The transpiled component is cached where the other suites cache it.
    mkdirSync(join(root, ".cache"));
    mkdirSync(join(TEST_CACHE_HOME, "spindle"), { recursive: true });
    symlinkSync(join(TEST_CACHE_HOME, "spindle"), join(root, ".cache", "spindle"));
    // Where the CRI plugin keeps a pod's copies of the files, bind-mounted into each of its containers.
    const sandbox = join(root, "sandbox");
    mkdirSync(sandbox);
    writeFileSync(
      join(sandbox, "resolv.conf"),
      `search svc.test\nnameserver ${dns.address}\noptions ndots:5\n`,
    );
    writeFileSync(join(sandbox, "hosts"), "127.0.0.1\tlocalhost\n127.0.0.1\tdb.local db\n");
    const port = await freePort();
    const output = { write: () => undefined, close: () => undefined };
    const app = await serveSpinApp({
      id: "pod-dns",
      annotations: {},
      root,
      env: new Map([["SPIN_HTTP_LISTEN_ADDR", `127.0.0.1:${port}`]]),
      networkNamespace: undefined,
      nameFiles: { resolvConf: join(sandbox, "resolv.conf"), hosts: join(sandbox, "hosts") },
      stdout: output,
      stderr: output,
    });
    scope.after(() => app.close());
    appUrl = `http://127.0.0.1:${port}`;
  });

  async function outbound(target: string): Promise<unknown> {
    const response = await request(appUrl, "/outbound-raw", { headers: { "x-target": target } });
    return JSON.parse(response.body) as unknown;
  }

  it("reaches a service by its short name through the search domain, and by its full name", async () => {
    const short = await request(appUrl, "/outbound", { headers: { "x-target": `http://web:${webPort}/` } });
    assert.deepEqual(JSON.parse(short.body), { status: 200, body: `web web:${webPort}` });
    const full = await request(appUrl, "/outbound", {
      headers: { "x-target": `http://web.svc.test:${webPort}/` },
    });
    assert.deepEqual(JSON.parse(full.body), { status: 200, body: `web web.svc.test:${webPort}` });
  });

  it("reaches a name of the pod's hosts file", async () => {
    const response = await request(appUrl, "/outbound", { headers: { "x-target": `http://db:${webPort}/` } });
    assert.deepEqual(JSON.parse(response.body), { status: 200, body: `web db:${webPort}` });
  });

  it("gives the guest a DNS error for a name nobody knows", async () => {
    const outcome = (await outbound(`http://nowhere:${webPort}/`)) as { error?: { tag?: string } };
    assert.equal(outcome.error?.tag, "DNS-error", JSON.stringify(outcome));
  });
});
