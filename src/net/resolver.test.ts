// The pod resolver against a real DNS server (test/support/dns-server.ts) that only knows the test's
// names: the search domains and ndots order glibc uses, the hosts file first, both families, and the
// errors Node's own lookup gives. Run twice: with Node's resolver asking, and with the resolver's own
// queries (`dns-client.ts`) from outbound sockets — this process's own namespace's, made as the node-wide
// shim makes a pod's, which needs root.
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { LookupAddress, LookupOptions } from "node:dns";
import type { LookupFunction } from "node:net";
import { freePort } from "../../test/support/ports.ts";
import { startDnsServer, type DnsServer } from "../../test/support/dns-server.ts";
import { suiteScope } from "../../test/support/scope.ts";
import { SpindleError } from "../errors.ts";
import { socketsInNetworkNamespace } from "../shim/container/network-namespace.ts";
import type { OutboundSockets } from "./outbound-socket.ts";
import { resolverLookup } from "./resolver.ts";

const TRANSPORTS: readonly {
  name: string;
  sockets: () => OutboundSockets | undefined;
  skip: string | false;
}[] = [
  { name: "Node's resolver", sockets: () => undefined, skip: false },
  {
    name: "its own queries from outbound sockets",
    sockets: () => socketsInNetworkNamespace("/proc/self/ns/net"),
    skip: process.getuid?.() === 0 ? false : "making sockets in a network namespace needs root",
  },
];

function lookup(resolve: LookupFunction, name: string, options: LookupOptions = {}): Promise<unknown> {
  return new Promise((done) =>
    resolve(name, options, (error, address, family) =>
      done(error ?? (options.all === true ? address : { address, family })),
    ),
  );
}

for (const transport of TRANSPORTS)
  describe(`pod resolver, ${transport.name}`, { skip: transport.skip }, () => {
    const scope = suiteScope();
    let dns: DnsServer;
    const pod = (text: string, hosts = "") =>
      resolverLookup({ resolvConf: `nameserver ${dns.address}\n${text}`, hosts }, transport.sockets());

    before(async () => {
      dns = await startDnsServer(scope, {
        "web.svc.test": ["10.0.0.7", "fd00::7"],
        "redis.svc.test": ["10.0.0.8"],
        "redis.default.svc.test": ["10.0.0.9"],
        "api.example.test": ["10.0.0.10"],
        "api.example.test.svc.test": ["10.0.0.11"],
        "v6.svc.test": ["fd00::6"],
        "broken.svc.test": "servfail",
      });
    });

    it("resolves a short name through the search domains, A then AAAA", async () => {
      const resolve = pod("search svc.test");
      dns.questions.length = 0;
      assert.deepEqual(await lookup(resolve, "web"), { address: "10.0.0.7", family: 4 });
      assert.deepEqual(await lookup(resolve, "WEB", { all: true }), [
        { address: "10.0.0.7", family: 4 },
        { address: "fd00::7", family: 6 },
      ]);
      assert.deepEqual(await lookup(resolve, "web", { family: 6 }), { address: "fd00::7", family: 6 });
      assert.deepEqual(await lookup(resolve, "web", { all: true, order: "ipv6first" }), [
        { address: "fd00::7", family: 6 },
        { address: "10.0.0.7", family: 4 },
      ]);
      assert.deepEqual(await lookup(resolve, "v6", { all: true }), [{ address: "fd00::6", family: 6 }]);
      assert.deepEqual(dns.questions.slice(0, 3), ["A web.svc.test", "AAAA web.svc.test", "A web.svc.test"]);
    });

    it("tries the search domains in order, and a name with fewer dots than ndots before it is tried as is", async () => {
      const resolve = pod("search default.svc.test svc.test\noptions ndots:5");
      dns.questions.length = 0;
      assert.deepEqual(await lookup(resolve, "redis", { family: 4 }), { address: "10.0.0.9", family: 4 });
      assert.deepEqual(await lookup(resolve, "web", { family: 4 }), { address: "10.0.0.7", family: 4 });
      assert.deepEqual(await lookup(resolve, "api.example.test", { family: 4 }), {
        address: "10.0.0.11",
        family: 4,
      });
      assert.deepEqual(dns.questions, [
        "A redis.default.svc.test",
        "A web.default.svc.test",
        "A web.svc.test",
        "A api.example.test.default.svc.test",
        "A api.example.test.svc.test",
      ]);
    });

    it("tries a name with ndots dots as is first, and a name ending in a dot only as is", async () => {
      const resolve = pod("search svc.test\noptions ndots:2");
      dns.questions.length = 0;
      assert.deepEqual(await lookup(resolve, "api.example.test", { family: 4 }), {
        address: "10.0.0.10",
        family: 4,
      });
      const error = await lookup(resolve, "redis.", { family: 4 });
      assert.deepEqual(dns.questions, ["A api.example.test", "A redis"]);
      assert.ok(error instanceof Error);
      assert.equal(error.message, "getaddrinfo ENOTFOUND redis.");
    });

    it("answers from the hosts file first, localhost always, and IP addresses as they are", async () => {
      const resolve = pod("search svc.test", "10.9.9.9 web Web.Local\n::1 ip6-localhost\n");
      dns.questions.length = 0;
      assert.deepEqual(await lookup(resolve, "web"), { address: "10.9.9.9", family: 4 });
      assert.deepEqual(await lookup(resolve, "web.local."), { address: "10.9.9.9", family: 4 });
      assert.deepEqual(await lookup(resolve, "localhost", { all: true }), [
        { address: "127.0.0.1", family: 4 },
        { address: "::1", family: 6 },
      ]);
      assert.deepEqual(await lookup(resolve, "ip6-localhost"), { address: "::1", family: 6 });
      assert.deepEqual(await lookup(resolve, "fd00::1", { all: true }), [{ address: "fd00::1", family: 6 }]);
      assert.deepEqual(dns.questions, []);
      // The hosts file has no IPv6 address for `web`: DNS is asked.
      assert.deepEqual(await lookup(resolve, "web", { family: 6 }), { address: "fd00::7", family: 6 });
    });

    it("fails as Node's lookup does: ENOTFOUND once every name is tried, EAI_AGAIN when servers fail", async () => {
      const resolve = pod("search svc.test");
      const missing = await lookup(resolve, "nowhere");
      assert.ok(missing instanceof Error);
      assert.deepEqual(
        [missing.message, ...["code", "errno", "syscall", "hostname"].map((key) => (missing as never)[key])],
        ["getaddrinfo ENOTFOUND nowhere", "ENOTFOUND", -3008, "getaddrinfo", "nowhere"],
      );
      const broken = await lookup(resolve, "broken");
      assert.ok(broken instanceof Error);
      assert.equal((broken as NodeJS.ErrnoException).code, "EAI_AGAIN");
      const silent = resolverLookup(
        { resolvConf: `nameserver 127.0.0.1:${await freePort()}\noptions timeout:1 attempts:1`, hosts: "" },
        transport.sockets(),
      );
      const unanswered = (await lookup(silent, "web.svc.test")) as LookupAddress | Error;
      assert.ok(unanswered instanceof Error);
      assert.equal(unanswered.message, "getaddrinfo EAI_AGAIN web.svc.test");
    });
  });

describe("pod resolver, outbound sockets that cannot be made", () => {
  it("fails the lookup with the socket factory's own error, not EAI_AGAIN", async () => {
    const cannot = new SpindleError("cannot make a socket: too many open files", {
      hint: "raise LimitNOFILE",
    });
    const sockets: OutboundSockets = () => {
      throw cannot;
    };
    const resolve = resolverLookup(
      { resolvConf: "nameserver 127.0.0.1\nnameserver ::1\n", hosts: "" },
      sockets,
    );
    assert.equal(await lookup(resolve, "redis"), cannot);
  });
});
