import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hostPort, ipFamily, ipLiteral, parseCidr, unbracketed } from "./ip.ts";

void describe("ipFamily", () => {
  void it("tells IPv4 from IPv6 and both from names", () => {
    assert.equal(ipFamily("10.1.2.3"), "ipv4");
    assert.equal(ipFamily("::ffff:10.1.2.3"), "ipv6");
    assert.equal(ipFamily("[::1]"), undefined);
    assert.equal(ipFamily("example.com"), undefined);
  });
});

void describe("hostPort", () => {
  void it("brackets an IPv6 host and leaves IPv4 addresses and names as they are", () => {
    assert.equal(hostPort("fd00::1", 53), "[fd00::1]:53");
    assert.equal(hostPort("10.0.0.10", 53), "10.0.0.10:53");
    assert.equal(hostPort("localhost", 3000), "localhost:3000");
  });
});

void describe("unbracketed", () => {
  void it("drops the brackets around a host and leaves anything else as written", () => {
    assert.equal(unbracketed("[fd00::1]"), "fd00::1");
    assert.equal(unbracketed("[]"), "");
    for (const host of ["fd00::1", "example.com", "[::1", "::1]", "[::1]:80"]) {
      assert.equal(unbracketed(host), host);
    }
  });
});

void describe("ipLiteral", () => {
  void it("reads IPv4 and IPv6, with or without brackets", () => {
    assert.deepEqual(ipLiteral("127.0.0.1"), { address: "127.0.0.1", family: "ipv4" });
    assert.deepEqual(ipLiteral("[fd00::1]"), { address: "fd00::1", family: "ipv6" });
    assert.deepEqual(ipLiteral("fd00::1"), { address: "fd00::1", family: "ipv6" });
  });

  void it("is undefined for names and unbalanced brackets", () => {
    assert.equal(ipLiteral("db.internal"), undefined);
    assert.equal(ipLiteral("[::1"), undefined);
    assert.equal(ipLiteral("::1]"), undefined);
    assert.equal(ipLiteral("[]"), undefined);
  });
});

void describe("parseCidr", () => {
  void it("reads IPv4 and IPv6 networks", () => {
    assert.deepEqual(parseCidr("10.0.0.0/8"), { address: "10.0.0.0", prefix: 8, family: "ipv4" });
    assert.deepEqual(parseCidr("fd00::/128"), { address: "fd00::", prefix: 128, family: "ipv6" });
    assert.deepEqual(parseCidr("1.2.3.4/0"), { address: "1.2.3.4", prefix: 0, family: "ipv4" });
  });

  void it("refuses prefixes too long for the family, missing or malformed ones, and names", () => {
    for (const text of ["10.0.0.0/33", "::/129", "10.0.0.0", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8"]) {
      assert.equal(parseCidr(text), undefined, text);
    }
    for (const text of ["[::1]/128", "example.com/8", "10.0.0.0/0x8", "10.0.0.0/1000"]) {
      assert.equal(parseCidr(text), undefined, text);
    }
  });
});
