import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseHosts, parseResolvConf, queryNames } from "./resolv-conf.ts";

// What the kubelet writes for a pod with the default dnsPolicy (ClusterFirst).
const KUBERNETES = `search default.svc.cluster.local svc.cluster.local cluster.local
nameserver 10.96.0.10
options ndots:5
`;

describe("resolv.conf", () => {
  it("reads a pod's file: its name server, search domains and ndots", () => {
    assert.deepEqual(parseResolvConf(KUBERNETES), {
      nameservers: [{ host: "10.96.0.10", port: 53 }],
      search: ["default.svc.cluster.local", "svc.cluster.local", "cluster.local"],
      ndots: 5,
      timeoutMs: 5000,
      attempts: 2,
    });
  });

  it("has glibc's defaults: 127.0.0.1, no search domain, ndots 1", () => {
    assert.deepEqual(parseResolvConf("# nothing here\n"), {
      nameservers: [{ host: "127.0.0.1", port: 53 }],
      search: [],
      ndots: 1,
      timeoutMs: 5000,
      attempts: 2,
    });
  });

  it("keeps three valid name servers, ports as c-ares reads them, and drops what is no address", () => {
    const conf = parseResolvConf(
      [
        "nameserver dns.example",
        "nameserver 10.0.0.1 ; a comment",
        "nameserver [fd00::53]:5353",
        "nameserver 127.0.0.1:99999",
        "nameserver fd00::1",
        "nameserver 10.0.0.4",
      ].join("\n"),
    );
    assert.deepEqual(conf.nameservers, [
      { host: "10.0.0.1", port: 53 },
      { host: "fd00::53", port: 5353 },
      { host: "fd00::1", port: 53 },
    ]);
    assert.deepEqual(parseResolvConf("nameserver 10.0.0.9:0\nnameserver [fd00::1]").nameservers, [
      { host: "10.0.0.9", port: 53 },
    ]);
  });

  it("lets the last search or domain line win, trailing dots dropped, options clamped", () => {
    const conf = parseResolvConf(
      "search a.example. b.example\ndomain c.example d.example\noptions ndots:20 timeout:0 attempts:9 rotate edns0",
    );
    assert.deepEqual(conf.search, ["c.example"]);
    assert.deepEqual([conf.ndots, conf.timeoutMs, conf.attempts], [15, 1000, 5]);
    assert.deepEqual(parseResolvConf("domain x.example\nsearch y.example z.example").search, [
      "y.example",
      "z.example",
    ]);
  });
});

describe("hosts", () => {
  it("maps every name and alias to its addresses in file order, case-insensitively", () => {
    const hosts = parseHosts(
      [
        "# Kubernetes-managed hosts file.",
        "127.0.0.1\tlocalhost",
        "::1\tlocalhost ip6-localhost ip6-loopback",
        "10.244.0.7\tweb-0.web.default.svc.cluster.local\tWeb-0 # the pod itself",
        "10.1.2.3 db.example db",
        "not-an-address ignored",
        "[fd00::9] bracketed",
        "10.1.2.4 db",
      ].join("\n"),
    );
    assert.deepEqual(hosts.get("localhost"), [
      { address: "127.0.0.1", family: 4 },
      { address: "::1", family: 6 },
    ]);
    assert.deepEqual(hosts.get("web-0"), [{ address: "10.244.0.7", family: 4 }]);
    assert.deepEqual(hosts.get("db"), [
      { address: "10.1.2.3", family: 4 },
      { address: "10.1.2.4", family: 4 },
    ]);
    assert.equal(hosts.get("ignored"), undefined);
    assert.equal(hosts.get("bracketed"), undefined, "glibc reads no brackets in a hosts file");
  });
});

describe("search order", () => {
  const pod = parseResolvConf(KUBERNETES);

  it("tries a name with fewer dots than ndots with each search domain first, then as is", () => {
    assert.deepEqual(queryNames("redis", pod), [
      "redis.default.svc.cluster.local",
      "redis.svc.cluster.local",
      "redis.cluster.local",
      "redis",
    ]);
    assert.deepEqual(queryNames("example.com", pod).at(0), "example.com.default.svc.cluster.local");
  });

  it("tries a name with at least ndots dots as is first", () => {
    assert.deepEqual(queryNames("a.b.c.d.e.f", pod).slice(0, 2), [
      "a.b.c.d.e.f",
      "a.b.c.d.e.f.default.svc.cluster.local",
    ]);
    assert.deepEqual(queryNames("example.com", { search: ["corp"], ndots: 1 }), [
      "example.com",
      "example.com.corp",
    ]);
  });

  it("tries a name ending in a dot only as is", () => {
    assert.deepEqual(queryNames("redis.default.svc.cluster.local.", pod), [
      "redis.default.svc.cluster.local",
    ]);
  });
});

describe("properties", () => {
  const label = fc.stringMatching(/^[a-z0-9-]{1,8}$/);
  const domain = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join("."));

  it("queries every search domain once and the name itself once, in glibc's order", () => {
    fc.assert(
      fc.property(domain, fc.array(domain, { maxLength: 6 }), fc.nat(15), (name, search, ndots) => {
        const names = queryNames(name, { search, ndots });
        const dots = name.split(".").length - 1;
        const searched = search.map((suffix) => `${name}.${suffix}`);
        assert.deepEqual(names, dots >= ndots ? [name, ...searched] : [...searched, name]);
        assert.deepEqual(queryNames(`${name}.`, { search, ndots }), [name]);
      }),
    );
  });

  it("reads any text without throwing, within glibc's limits", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const conf = parseResolvConf(text);
        assert.ok(conf.nameservers.length >= 1 && conf.nameservers.length <= 3);
        assert.ok(conf.ndots >= 0 && conf.ndots <= 15);
        parseHosts(text);
      }),
    );
  });
});
