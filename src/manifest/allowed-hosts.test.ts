import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  AllowedHostError,
  isOptionalEndpoint,
  parseAllowedHost,
  type AllowedHostEntry,
} from "./allowed-hosts.ts";

type Parsed = Omit<AllowedHostEntry, "raw">;

const http = { kind: "exact", scheme: "http" } as const;
const https = { kind: "exact", scheme: "https" } as const;
const anyScheme = { kind: "any" } as const;
const anyPort = { kind: "any" } as const;
const port = (value: number) => ({ kind: "port", port: value }) as const;
const literal = (host: string) => ({ kind: "literal", host }) as const;

void describe("parseAllowedHost accepts", () => {
  const valid: [string, Parsed][] = [
    ["http://spin.fermyon.dev", { scheme: http, host: literal("spin.fermyon.dev"), port: port(80) }],
    ["http://spin.fermyon.dev/", { scheme: http, host: literal("spin.fermyon.dev"), port: port(80) }],
    ["https://spin.fermyon.dev", { scheme: https, host: literal("spin.fermyon.dev"), port: port(443) }],
    ["http://spin.fermyon.dev:4444/", { scheme: http, host: literal("spin.fermyon.dev"), port: port(4444) }],
    [
      "http://spin.fermyon.dev:4444..5555",
      { scheme: http, host: literal("spin.fermyon.dev"), port: { kind: "range", start: 4444, end: 5555 } },
    ],
    ["*://spin.fermyon.dev:7777", { scheme: anyScheme, host: literal("spin.fermyon.dev"), port: port(7777) }],
    ["  http://Example.COM  ", { scheme: http, host: literal("example.com"), port: port(80) }],
    ["http://münchen.de", { scheme: http, host: literal("xn--mnchen-3ya.de"), port: port(80) }],
    ["http://self", { scheme: http, host: { kind: "self" }, port: port(80) }],
    ["http://self.alt", { scheme: http, host: { kind: "self" }, port: port(80) }],
    [
      "http://*.example.com",
      { scheme: http, host: { kind: "subdomain", domain: "example.com" }, port: port(80) },
    ],
    ["http://192.168.1.1:3002", { scheme: http, host: literal("192.168.1.1"), port: port(3002) }],
    ["http://[::1]:8001", { scheme: http, host: literal("[::1]"), port: port(8001) }],
    [
      "*://127.0.0.0/24:80",
      {
        scheme: anyScheme,
        host: { kind: "cidr", family: "ipv4", address: "127.0.0.0", prefix: 24 },
        port: port(80),
      },
    ],
    [
      "*://ff00::/8:80",
      {
        scheme: anyScheme,
        host: { kind: "cidr", family: "ipv6", address: "ff00::", prefix: 8 },
        port: port(80),
      },
    ],
    ["*://*:*", { scheme: anyScheme, host: { kind: "any" }, port: anyPort }],
    [
      "postgres://db",
      { scheme: { kind: "exact", scheme: "postgres" }, host: literal("db"), port: port(5432) },
    ],
    ["mysql://db", { scheme: { kind: "exact", scheme: "mysql" }, host: literal("db"), port: port(3306) }],
    ["redis://db", { scheme: { kind: "exact", scheme: "redis" }, host: literal("db"), port: port(6379) }],
    ["mqtt://db", { scheme: { kind: "exact", scheme: "mqtt" }, host: literal("db"), port: port(1883) }],
    ["tcp://db:*", { scheme: { kind: "exact", scheme: "tcp" }, host: literal("db"), port: anyPort }],
  ];
  for (const [entry, expected] of valid) {
    void it(JSON.stringify(entry), () =>
      assert.deepEqual(parseAllowedHost(entry), { raw: entry, ...expected }),
    );
  }
});

void describe("parseAllowedHost rejects", () => {
  const formHint = "'*://*:*'";
  const invalid: [string, string][] = [
    ["example.com", `"example.com" does not contain a scheme (e.g., 'http://' or '*://')`],
    ["spin.fermyon.dev:80", `"spin.fermyon.dev:80" does not contain a scheme (e.g., 'http://' or '*://')`],
    ["*", `"*" is not an allowed outbound host format`],
    [":", `":" is not an allowed outbound host format`],
    ["", `"" is not an allowed outbound host format`],
    ["?", `"?" is not an allowed outbound host format`],
    [
      "insecure:allow-all",
      "'insecure:allow-all' is not allowed - use '*://*:*' instead if you really want to allow all outbound traffic'",
    ],
    [
      "{http,https}://example.com:80",
      `Invalid allowed host scheme "{http,https}": scheme lists are not supported`,
    ],
    ["h2c://example.com:80", `Invalid allowed host scheme "h2c": only alphabetic characters are allowed`],
    ["http://{a.com,b.com}", `Invalid allowed host "{a.com,b.com}": host lists are not yet supported`],
    [
      "http://a*.example.com",
      `Invalid allowed host "a*.example.com": wildcards are allowed only as subdomains`,
    ],
    ["http://*.example.*", `Invalid allowed host "*.example.*": wildcards are allowed only as prefixes`],
    ["http://spin.fermyon.dev/a", `Invalid allowed host "spin.fermyon.dev/a": must not include a path`],
    [
      "http://spin.fermyon.dev:6666/a/b",
      `"http://spin.fermyon.dev:6666/a/b" has a path but is not allowed to`,
    ],
    ["http://invalid host", `Invalid allowed host "invalid host": invalid international domain name`],
    ["http://1.2.3.256", `Invalid allowed host "1.2.3.256": invalid IPv4 address`],
    ["http://[zz]:80", `Invalid allowed host "[zz]": invalid IPv6 address`],
    ["http://:80", `Invalid allowed host "": empty host`],
    ["http://[::1]", `Invalid allowed host port "1]": port "1]" is not a number`],
    ["http://example.com:http", `Invalid allowed host port "http": port "http" is not a number`],
    ["http://example.com:70000", `Invalid allowed host port "70000": port "70000" is not a number`],
    ["http://example.com:1..x", `Invalid allowed host port "1..x": port range "1..x" contains non-number`],
    ["http://example.com:{80,443}", `Invalid allowed host port "{80,443}": port lists are not yet supported`],
    [
      "foo://example.com",
      `Invalid allowed host port "": no port was provided and the scheme "foo" does not have a known default port number`,
    ],
    [
      "*://127.0.0.0/24",
      `Invalid allowed host port "": no port was provided and the scheme "*" does not have a known default port number`,
    ],
  ];
  for (const [entry, message] of invalid) {
    void it(JSON.stringify(entry), () => {
      assert.throws(
        () => parseAllowedHost(entry),
        (error: unknown) => {
          assert.ok(error instanceof AllowedHostError);
          assert.equal(error.message, message);
          assert.ok((error.hint ?? "").length > 0);
          return true;
        },
      );
    });
  }

  void it("suggests '*://*:*' when the entry looks like an attempt to allow everything", () => {
    assert.throws(
      () => parseAllowedHost("*"),
      (error: AllowedHostError) => error.hint?.includes(formHint) === true,
    );
  });
});

void describe("isOptionalEndpoint", () => {
  void it("marks the values Spin drops after template resolution", () => {
    assert.deepEqual(["", "http://", "https://", "redis://", "http://x"].map(isOptionalEndpoint), [
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});

void describe("parseAllowedHost property", () => {
  void it("parses any scheme, domain and port it is given back into the same parts", () => {
    const scheme = fc.stringMatching(/^[a-z]{1,8}$/);
    const label = fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/);
    const domain = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join("."));
    const portNumber = fc.integer({ min: 0, max: 65535 });
    fc.assert(
      fc.property(scheme, domain, portNumber, (s, d, p) => {
        assert.deepEqual(parseAllowedHost(`${s}://${d}:${p}`), {
          raw: `${s}://${d}:${p}`,
          scheme: { kind: "exact", scheme: s },
          host: literal(d),
          port: port(p),
        });
      }),
    );
  });
});
