import { test } from "node:test";
import assert from "node:assert/strict";
import { formatHostPort, parseListenAddress } from "./listen-address.ts";

test("parses IPv4, IPv6 and names, mapping localhost to 127.0.0.1", () => {
  assert.deepEqual(parseListenAddress("127.0.0.1:3000"), { host: "127.0.0.1", port: 3000 });
  assert.deepEqual(parseListenAddress("[::1]:8080"), { host: "::1", port: 8080 });
  assert.deepEqual(parseListenAddress("localhost:0"), { host: "127.0.0.1", port: 0 });
  assert.deepEqual(parseListenAddress(" 0.0.0.0:80 "), { host: "0.0.0.0", port: 80 });
});

test("rejects addresses without a port, with a bad port, or malformed", () => {
  for (const bad of ["127.0.0.1", "3000", ":3000", "127.0.0.1:70000", "::1:80", "host:port", ""]) {
    assert.throws(() => parseListenAddress(bad), /invalid listen address/, bad);
  }
});

test("formats IPv6 hosts in brackets", () => {
  assert.equal(formatHostPort({ host: "::1", port: 3000 }), "[::1]:3000");
  assert.equal(formatHostPort({ host: "127.0.0.1", port: 3000 }), "127.0.0.1:3000");
});
