// End to end: an app the containerd shim serves resolves host names with the files its spec mounts at
// /etc/resolv.conf and /etc/hosts, as its pod would, asking a DNS server the test starts that alone knows
// the names. Served as the shim's task service serves it (`serveSpinApp`, no root needed): outbound HTTP
// reaches a server by a short name (through the search domain), by its full name, and by a hosts-file
// name; a name nobody knows is the guest's DNS error. Under the real containerd, with the files
// bind-mounted by `ctr run --mount` as the CRI plugin mounts the pod's: the Redis trigger subscribes to
// `redis://redis:<port>` and its component writes back through outbound Redis at the same name.
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { createServer as createHttpServer } from "node:http";
import { join } from "node:path";
import { serveSpinApp } from "../../src/shim/container/spin-app.ts";
import { makeApp, redisSubscriberManifest } from "../support/apps.ts";
import { componentWasm, spinProbeWasm, TEST_CACHE_HOME } from "../support/components.ts";
import { containerdUnavailable, startContainerd, until } from "../support/containerd.ts";
import { startDnsServer } from "../support/dns-server.ts";
import { request } from "../support/http.ts";
import { freePort } from "../support/ports.ts";
import { publish, REDIS_MISSING, redisAvailable, startRedis, waitForList } from "../support/redis.ts";
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

const containerdSkip = containerdUnavailable() ?? (redisAvailable() ? false : REDIS_MISSING);

describe(
  "host names of an app under containerd resolve with its mounted files",
  { skip: containerdSkip },
  () => {
    it("runs a Redis trigger and outbound Redis at a name only the pod's DNS server knows", async (t) => {
      const redis = await startRedis(t);
      assert.ok(redis !== undefined, REDIS_MISSING);
      const dns = await startDnsServer(t, { "redis.svc.test": ["127.0.0.1"] });
      const address = `redis://redis:${redis.port}`;
      const root = makeApp(t, {
        manifest: redisSubscriberManifest("subscriber", address),
        files: {
          "pod/resolv.conf": `search svc.test\nnameserver ${dns.address}\noptions ndots:5\n`,
          "pod/hosts": "127.0.0.1\tlocalhost\n",
        },
      });
      copyFileSync(
        spinProbeWasm("redis-trigger-probe", "redis-spin.wit", "inbound-redis-spin.wit"),
        join(root, "probe.wasm"),
      );
      const containerd = await startContainerd(t);
      const log = join(containerd.dir, "subscriber.log");
      const mount = (file: string) =>
        `type=bind,src=${join(root, "pod", file)},dst=/etc/${file},options=rbind:ro`;
      // Not `--net-host`: ctr then mounts the node's own resolv.conf and hosts over these, as runc would see them.
      const run = await containerd.ctr(
        ...["run", "-d", "--runtime", "io.containerd.spindle.v2", "--log-uri", `file://${log}`],
        ...["--mount", mount("resolv.conf"), "--mount", mount("hosts"), "--rootfs", root, "subscriber", "/"],
      );
      assert.equal(run.code, 0, run.stderr);
      const output = () => (existsSync(log) ? readFileSync(log, "utf8") : "");
      // The component is prepared inside the container first (its cache is there), which takes a while.
      for (let waited = 0; !/^Active Channels on redis:\d+:$/m.test(output()); waited += 200) {
        assert.ok(
          waited < 180_000 && !output().includes("Error:"),
          `the Redis trigger never started:\n${output()}`,
        );
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await publish(redis, "jobs", { text: "by name", key: "done", address });
      assert.deepEqual(await waitForList(redis, "done", 1), ["by name"]);
      assert.equal((await containerd.ctr("task", "kill", "-s", "SIGKILL", "subscriber")).code, 0);
      await until("the task to stop", async () =>
        (await containerd.ctr("task", "ls")).stdout.includes("STOPPED") ? true : undefined,
      );
      await containerd.ctr("task", "rm", "subscriber");
      await containerd.ctr("container", "rm", "subscriber");
    });
  },
);
