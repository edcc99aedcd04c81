// The pod's resolver sends its queries from the pod's namespace, to a DNS server running there, over TCP too
// when the UDP answer is truncated. Outbound HTTP and HTTPS (TLS under a `[[client_tls]]` entry, over a
// socket made in the namespace), and the clients of outbound Redis, PostgreSQL and MQTT, Redis key-value
// stores, the Redis trigger and a libSQL database (the fake Hrana server of test/support/fake-hrana.ts)
// connect from the runtime config's outbound sockets: made in a pod's network namespace, their connections
// reach a relay that listens only there, on the pod's loopback, and that passes them on to the real server
// the test started on the host. The relay's port has nothing behind it on the host, so only a connection made
// in the pod's namespace gets through. Each is tried at the address and at a name of the pod's hosts file.
// Entering a namespace needs root: skipped otherwise.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { readFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { connect, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { startDnsServerIn } from "../../../test/support/dns-server.ts";
import { podNetwork } from "../../../test/support/pods.ts";
import { MOSQUITTO_MISSING, mosquittoAvailable, startMosquitto } from "../../../test/support/mqtt.ts";
import { POSTGRES_MISSING, postgresAvailable, startPostgres } from "../../../test/support/postgres.ts";
import { REDIS_MISSING, redisAvailable, startRedis } from "../../../test/support/redis.ts";
import { freePort } from "../../../test/support/ports.ts";
import { suiteScope, type Scope } from "../../../test/support/scope.ts";
import { selfSignedCert } from "../../../test/support/tls.ts";
import { startFakeHrana } from "../../../test/support/fake-hrana.ts";
import { blockedNetworks } from "../../capabilities/outbound-networking/blocked-networks.ts";
import { createOutboundFetch } from "../../capabilities/outbound-networking/outbound-fetch.ts";
import type { Capability } from "../../capabilities/capability.ts";
import { openStore } from "../../capabilities/key-value/open-store.ts";
import { createMqttCapability } from "../../capabilities/mqtt/mqtt.ts";
import { createPostgresCapability } from "../../capabilities/postgres/postgres.ts";
import { createRedisCapability } from "../../capabilities/redis/redis.ts";
import { createSqliteCapability } from "../../capabilities/sqlite/sqlite.ts";
import { testApp, testContext } from "../../capabilities/test-support.ts";
import type { OutboundSockets } from "../../net/outbound-socket.ts";
import { resolverLookup } from "../../net/resolver.ts";
import { silentLogger } from "../../observe/logger.ts";
import { subscribe } from "../../triggers/redis/subscriber.ts";
import { listenInNetworkNamespace, socketsInNetworkNamespace } from "./network-namespace.ts";

const root = process.getuid?.() === 0 ? false : "entering a network namespace needs root";
const HOSTS = ["127.0.0.1", "db.pod.test"];
const DNS_RECORDS = { "web.svc.test": ["127.0.0.1", "::1"], "big.svc.test": ["127.0.0.2"] };
const lookup = resolverLookup({ resolvConf: "", hosts: "127.0.0.1 db.pod.test\n" });

/** A relay inside the namespace at `pod`, on `port` of its loopback, to `target` on the host; counts. */
async function relay(
  scope: Scope,
  pod: string,
  target: number,
): Promise<{ port: number; count: () => number }> {
  let connections = 0;
  const open = new Set<Socket>();
  const server = createServer((client) => {
    connections += 1;
    open.add(client);
    const upstream = connect(target, "127.0.0.1");
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  const port = await freePort();
  server.listen({ fd: listenInNetworkNamespace(pod, { host: "127.0.0.1", port }) });
  await once(server, "listening");
  scope.after(() => {
    server.close();
    for (const client of open) client.destroy();
  });
  return { port, count: () => connections };
}

type Opener = {
  Connection: { open(...args: unknown[]): Promise<Record<string, (...a: unknown[]) => unknown>> };
};

/** Opens `host:port` through `capability`'s guest interface, from `sockets`, and uses it once. */
async function throughCapability(
  capability: Capability,
  scheme: string,
  use: (imports: Record<string, object>, address: string) => Promise<unknown>,
  sockets: OutboundSockets,
  host: string,
  port: number,
): Promise<void> {
  const app = testApp({ c: { metadata: { allowed_outbound_hosts: [`${scheme}://*:${port}`] } } });
  const context = testContext({ lookup, outboundSockets: sockets });
  const imports = (await capability.configureApp(app, context)).prepare("c");
  try {
    await use(imports, `${scheme}://${host}:${port}`);
  } finally {
    await capability.close();
  }
}

const open = (imports: Record<string, object>, name: string, ...args: unknown[]) =>
  (imports[name] as Opener).Connection.open(...args);

interface Case {
  readonly name: string;
  readonly skip: string | false;
  readonly start: (scope: Scope) => Promise<number | undefined>;
  readonly connect: (sockets: OutboundSockets, host: string, port: number) => Promise<unknown>;
}

const redisCase = (skip: string | false) => ({
  skip,
  start: async (scope: Scope) => (await startRedis(scope))?.port,
});

const CASES: readonly Case[] = [
  {
    name: "outbound Redis",
    ...redisCase(redisAvailable() ? false : REDIS_MISSING),
    connect: (sockets, host, port) =>
      throughCapability(
        createRedisCapability(),
        "redis",
        async (imports, address) => {
          const redis = await open(imports, "fermyon:spin/redis", address);
          return redis["get"]?.("k");
        },
        sockets,
        host,
        port,
      ),
  },
  {
    name: "a Redis key-value store",
    ...redisCase(redisAvailable() ? false : REDIS_MISSING),
    connect: async (sockets, host, port) => {
      const store = await openStore(
        "pod",
        { type: "redis", url: `redis://${host}:${port}` },
        lookup,
        sockets,
      );
      await store.close();
    },
  },
  {
    name: "the Redis trigger",
    ...redisCase(redisAvailable() ? false : REDIS_MISSING),
    connect: async (sockets, host, port) => {
      const subscriber = await subscribe({
        address: `redis://${host}:${port}`,
        channels: ["jobs"],
        onMessage: () => undefined,
        logger: silentLogger,
        lookup,
        sockets,
      });
      await subscriber.close();
    },
  },
  {
    name: "outbound PostgreSQL",
    skip: postgresAvailable() ? false : POSTGRES_MISSING,
    start: async (scope) => (await startPostgres(scope))?.port,
    connect: (sockets, host, port) =>
      throughCapability(
        createPostgresCapability(),
        "postgres",
        async (imports) => {
          const db = await open(
            imports,
            "spin:postgres/postgres",
            `postgres://postgres@${host}:${port}/postgres`,
          );
          return db["query"]?.("SELECT 1", []);
        },
        sockets,
        host,
        port,
      ),
  },
  {
    name: "a libSQL database",
    skip: false,
    start: async (scope) => Number(new URL((await startFakeHrana(scope, "t")).url).port),
    connect: async (sockets, host, port) => {
      const sqlite = createSqliteCapability();
      const context = testContext({
        lookup,
        outboundSockets: sockets,
        sqliteDatabases: new Map([["remote", { type: "libsql", url: `http://${host}:${port}`, token: "t" }]]),
      });
      const app = testApp({ c: { metadata: { databases: ["remote"] } } });
      const imports = (await sqlite.configureApp(app, context)).prepare("c");
      try {
        const db = await open(imports, "fermyon:spin/sqlite", "remote");
        const execute = db["execute"];
        assert.ok(execute, "the connection has execute");
        const result = (await execute.call(db, "SELECT 1", [])) as { rows: unknown[] };
        assert.deepEqual(result.rows, [{ values: [{ tag: "integer", val: 1n }] }]);
      } finally {
        await sqlite.close();
      }
    },
  },
  {
    name: "outbound MQTT",
    skip: mosquittoAvailable() ? false : MOSQUITTO_MISSING,
    start: async (scope) => (await startMosquitto(scope))?.port,
    connect: (sockets, host, port) =>
      throughCapability(
        createMqttCapability(),
        "mqtt",
        async (imports, address) => {
          const broker = await open(imports, "fermyon:spin/mqtt", address, "", "", 30n);
          return broker["publish"]?.("t", new Uint8Array([1]), "at-most-once");
        },
        sockets,
        host,
        port,
      ),
  },
];

describe("clients connect from a pod's network namespace", { skip: root }, () => {
  const scope = suiteScope();
  const name = `spindle-${process.pid}-clients`;
  let pod: string;
  before(() => {
    pod = podNetwork(scope, name);
  });

  it("the pod's resolver asks a name server only the pod's namespace has, over UDP and TCP", async (t) => {
    const dns = await startDnsServerIn({ after: (fn) => t.after(fn) }, name, DNS_RECORDS, ["big.svc.test"]);
    const files = {
      resolvConf: `nameserver ${dns.address}\nsearch svc.test\noptions timeout:1 attempts:1\n`,
      hosts: "",
    };
    const inPod = promisify(resolverLookup(files, socketsInNetworkNamespace(pod)));
    assert.deepEqual(await inPod("web", { all: true }), [
      { address: "127.0.0.1", family: 4 },
      { address: "::1", family: 6 },
    ]);
    // Its answer is truncated over UDP, so it is asked again over TCP.
    assert.deepEqual(await inPod("big", { all: true }), [{ address: "127.0.0.2", family: 4 }]);
    await assert.rejects(inPod("nowhere", {}), {
      code: "ENOTFOUND",
      message: "getaddrinfo ENOTFOUND nowhere",
    });
    // The same address on the host has no server behind it.
    const onHost = promisify(resolverLookup(files));
    await assert.rejects(onHost("web", {}), { code: "EAI_AGAIN" });
  });

  it("outbound HTTP and HTTPS reach a server only the pod's namespace has", async (t) => {
    const dir = join(tmpdir(), `spindle-pod-egress-${process.pid}`);
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const files = selfSignedCert(dir, "127.0.0.1");
    const [cert, key] = [readFileSync(files.cert, "utf8"), readFileSync(files.key, "utf8")];
    const web = createHttpsServer({ cert, key }, (req, res) => res.end(`inside, to ${req.headers.host}`));
    const port = await freePort();
    web.listen({ fd: listenInNetworkNamespace(pod, { host: "127.0.0.1", port }) });
    await once(web, "listening");
    t.after(() => web.close());
    const outbound = createOutboundFetch({
      clientTls: [
        {
          where: "client_tls[0]",
          componentIds: ["c"],
          hosts: ["127.0.0.1"],
          usePlatformRoots: false,
          useWebpkiRoots: false,
          caRoots: [cert],
        },
      ],
      blocked: blockedNetworks({ networks: [], private: false }),
      lookup,
      sockets: socketsInNetworkNamespace(pod),
    });
    t.after(() => outbound.close());
    const response = await outbound.fetchFor("c")(`https://127.0.0.1:${port}/`, {});
    assert.equal(await response.text(), `inside, to 127.0.0.1:${port}`);
    const plainPort = await freePort();
    const plainWeb = createHttpServer((req, res) => res.end(`plain, to ${req.headers.host}`));
    plainWeb.listen({ fd: listenInNetworkNamespace(pod, { host: "127.0.0.1", port: plainPort }) });
    await once(plainWeb, "listening");
    t.after(() => plainWeb.close());
    const plain = await outbound.fetchFor("other")(`http://db.pod.test:${plainPort}/`, {});
    assert.equal(await plain.text(), `plain, to db.pod.test:${plainPort}`);
  });

  for (const testCase of CASES) {
    it(
      `${testCase.name} reaches a server only the pod's namespace has`,
      { skip: testCase.skip },
      async (t) => {
        const testScope: Scope = { after: (fn) => t.after(fn) };
        const port = await testCase.start(testScope);
        assert.ok(port !== undefined);
        const inPod = await relay(testScope, pod, port);
        const sockets = socketsInNetworkNamespace(pod);
        for (const host of HOSTS) await testCase.connect(sockets, host, inPod.port);
        assert.ok(inPod.count() >= HOSTS.length, `${inPod.count()} connections through the pod's relay`);
      },
    );
  }
});
