// `block_networks` for the clients of outbound Redis, PostgreSQL and MQTT, against the real servers: a host
// name that resolves into a blocked network is refused with the runtime config's message, an allowed one
// connects, and each open resolves the name exactly once — the client connects through the lookup that
// checked the address, so a second answer (DNS rebinding) has no say; a PostgreSQL address naming several
// hosts skips a blocked one and connects to the next. The test machine has no DNS records
// of its own, so a stand-in answers the system resolver's lookups of two `.spindle.test` names (counting
// them) and passes every other name to the real resolver. With a resolver of its own in the runtime config
// (a pod's, asking a test DNS server), a client resolves through it, and block_networks still applies.
import { after, before, describe, it, type TestContext } from "node:test";
import assert from "node:assert/strict";
import dns from "node:dns";
import { syncBuiltinESMExports } from "node:module";
import { startDnsServer } from "../../../test/support/dns-server.ts";
import { MOSQUITTO_MISSING, mosquittoAvailable, startMosquitto } from "../../../test/support/mqtt.ts";
import { POSTGRES_MISSING, postgresAvailable, startPostgres } from "../../../test/support/postgres.ts";
import { REDIS_MISSING, redisAvailable, startRedis } from "../../../test/support/redis.ts";
import { suiteScope } from "../../../test/support/scope.ts";
import type { Capability } from "../capability.ts";
import { createMqttCapability } from "../mqtt/mqtt.ts";
import { createPostgresCapability } from "../postgres/postgres.ts";
import { createRedisCapability } from "../redis/redis.ts";
import { testApp, testContext } from "../test-support.ts";
import { GuestError } from "../wasi/p2/guest-error.ts";
import { resolverLookup } from "../../net/resolver.ts";

const ALLOWED = "db.spindle.test";
const BLOCKED = "rebound.spindle.test";
const RECORDS = new Map([
  [ALLOWED, "127.0.0.1"],
  [BLOCKED, "127.0.0.2"],
]);
const BLOCK_NETWORKS = {
  networks: [{ address: "127.0.0.2", prefix: 32, family: "ipv4" as const }],
  private: false,
};
const REFUSED = `destination IP prohibited by the runtime config's block_networks: ${BLOCKED}`;

type Lookup = (hostname: string, options: dns.LookupOptions, callback: LookupCallback) => void;
type LookupCallback = (error: Error | null, address: string | dns.LookupAddress[], family?: number) => void;

/** Answers lookups of `RECORDS`' names for the test's duration and counts them, by name. */
function standInResolver(t: TestContext): Map<string, number> {
  const counts = new Map<string, number>();
  const real = dns.lookup as unknown as Lookup;
  const answer: Lookup = (hostname, options, callback) => {
    const address = RECORDS.get(hostname);
    if (address === undefined) return real(hostname, options, callback);
    counts.set(hostname, (counts.get(hostname) ?? 0) + 1);
    if (options.all === true) callback(null, [{ address, family: 4 }]);
    else callback(null, address, 4);
  };
  const mocked = t.mock.method(dns, "lookup", answer);
  syncBuiltinESMExports();
  t.after(() => {
    mocked.mock.restore();
    syncBuiltinESMExports();
  });
  return counts;
}

interface Case {
  readonly name: string;
  readonly skip: string | false;
  readonly capability: () => Capability;
  readonly scheme: string;
  /** Starts the server, resolving to its port. */
  readonly start: (scope: ReturnType<typeof suiteScope>) => Promise<number | undefined>;
  /** Opens `host:port` through the guest interface and uses the connection once. */
  readonly open: (imports: Record<string, object>, host: string, port: number) => Promise<unknown>;
  /** Opens an address naming several hosts, for a service whose addresses can. */
  readonly openList?: (imports: Record<string, object>, hosts: string[], port: number) => Promise<unknown>;
}

type Opener = {
  Connection: { open(...args: unknown[]): Promise<Record<string, (...a: unknown[]) => unknown>> };
};
const connection = (imports: Record<string, object>, name: string) => (imports[name] as Opener).Connection;

async function openPostgres(imports: Record<string, object>, hosts: string[], port: number) {
  const address = `postgres://postgres@${hosts.map((host) => `${host}:${port}`).join(",")}/postgres`;
  const db = await connection(imports, "spin:postgres/postgres").open(address);
  return db["query"]?.("SELECT 1", []);
}

const CASES: readonly Case[] = [
  {
    name: "Redis",
    skip: redisAvailable() ? false : REDIS_MISSING,
    capability: createRedisCapability,
    scheme: "redis",
    start: async (scope) => (await startRedis(scope))?.port,
    open: async (imports, host, port) => {
      const redis = await connection(imports, "fermyon:spin/redis").open(`redis://${host}:${port}`);
      return redis["get"]?.("k");
    },
  },
  {
    name: "PostgreSQL",
    skip: postgresAvailable() ? false : POSTGRES_MISSING,
    capability: createPostgresCapability,
    scheme: "postgres",
    start: async (scope) => (await startPostgres(scope))?.port,
    open: (imports, host, port) => openPostgres(imports, [host], port),
    openList: openPostgres,
  },
  {
    name: "MQTT",
    skip: mosquittoAvailable() ? false : MOSQUITTO_MISSING,
    capability: createMqttCapability,
    scheme: "mqtt",
    start: async (scope) => (await startMosquitto(scope))?.port,
    open: async (imports, host, port) => {
      const broker = await connection(imports, "fermyon:spin/mqtt").open(
        `mqtt://${host}:${port}`,
        "",
        "",
        30n,
      );
      return broker["publish"]?.("t", new Uint8Array([1]), "at-most-once");
    },
  },
];

for (const testCase of CASES) {
  describe(`block_networks for outbound ${testCase.name}`, { skip: testCase.skip }, () => {
    const scope = suiteScope();
    const capability = testCase.capability();
    let port: number;
    let imports: Record<string, object>;
    let podImports: Record<string, object>;
    before(async () => {
      const started = await testCase.start(scope);
      if (started === undefined) throw new Error(String(testCase.skip));
      port = started;
      const hosts = [ALLOWED, BLOCKED].map((host) => `${testCase.scheme}://${host}:${port}`);
      const app = testApp({ c: { metadata: { allowed_outbound_hosts: hosts } } });
      const configured = await capability.configureApp(app, testContext({ blockNetworks: BLOCK_NETWORKS }));
      imports = configured.prepare("c");
      const dns = await startDnsServer(scope, {
        "db.svc.test": ["127.0.0.1"],
        "rebound.svc.test": ["127.0.0.2"],
      });
      const lookup = resolverLookup({ resolvConf: `nameserver ${dns.address}\nsearch svc.test`, hosts: "" });
      const podApp = testApp({
        c: { metadata: { allowed_outbound_hosts: [`${testCase.scheme}://*:${port}`] } },
      });
      const podContext = testContext({ blockNetworks: BLOCK_NETWORKS, lookup });
      podImports = (await capability.configureApp(podApp, podContext)).prepare("c");
    });
    after(() => capability.close());

    it("refuses a name that resolves into a blocked network, resolving it once", async (t) => {
      const lookups = standInResolver(t);
      await assert.rejects(testCase.open(imports, BLOCKED, port), (error) => {
        assert.ok(error instanceof GuestError);
        assert.equal((error.payload as { val: string }).val, REFUSED);
        return true;
      });
      assert.equal(lookups.get(BLOCKED), 1);
    });

    it("connects to a name that resolves outside, resolving it once", async (t) => {
      const lookups = standInResolver(t);
      await testCase.open(imports, ALLOWED, port);
      assert.equal(lookups.get(ALLOWED), 1);
    });

    it("resolves through the runtime config's resolver, dropping blocked addresses still", async () => {
      await testCase.open(podImports, "db", port);
      await assert.rejects(testCase.open(podImports, "rebound", port), (error) => {
        assert.ok(error instanceof GuestError);
        assert.match((error.payload as { val: string }).val, /destination IP prohibited .*: rebound$/);
        return true;
      });
    });

    const { openList } = testCase;
    if (openList !== undefined) {
      it("skips a host of the list that resolves into a blocked network and connects to the next", async (t) => {
        const lookups = standInResolver(t);
        await openList(imports, [BLOCKED, ALLOWED], port);
        assert.deepEqual([lookups.get(BLOCKED), lookups.get(ALLOWED)], [1, 1]);
      });
    }
  });
}
