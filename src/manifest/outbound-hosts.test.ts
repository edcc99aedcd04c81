import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { expectError, HEAD, HELLO, parse } from "./test-helpers.ts";

const VARIABLES = `[variables]
host = { default = "api.example.com" }
token = { required = true }
bad_host = { default = "invalid host" }
optional = { default = "" }
`;
const withHosts = (hosts: string, extra = "") =>
  `${HEAD}${VARIABLES}${HELLO}${extra}allowed_outbound_hosts = ${hosts}\n`;

void describe("allowed_outbound_hosts", () => {
  void it("keeps the entries as written, templates included", () => {
    const hosts = [
      "https://api.example.com",
      "https://{{ host }}:8443",
      "redis://{{ token }}",
      "{{ optional }}",
    ];
    const manifest = parse(withHosts(JSON.stringify(hosts)));
    assert.deepEqual(manifest.components.get("hello")?.allowedOutboundHosts, hosts);
    assert.deepEqual(manifest.warnings, []);
  });

  void it("rejects a malformed literal entry at its index", () => {
    expectError(withHosts('[\n  "https://ok.example.com",\n  "example.com",\n]'), {
      at: '"example.com"',
      keyPath: "component.hello.allowed_outbound_hosts[1]",
      problem: `invalid \`allowed_outbound_hosts\` entry "example.com": "example.com" does not contain a scheme (e.g., 'http://' or '*://')`,
    });
  });

  void it("rejects insecure:allow-all with Spin's message", () => {
    expectError(withHosts('["insecure:allow-all"]'), {
      at: "allowed_outbound_hosts",
      problem:
        "invalid `allowed_outbound_hosts` entry \"insecure:allow-all\": 'insecure:allow-all' is not allowed - use '*://*:*' instead if you really want to allow all outbound traffic'",
    });
  });

  void it("validates a template with the variables' defaults", () => {
    expectError(withHosts('["https://{{bad_host}}"]'), {
      at: "allowed_outbound_hosts",
      keyPath: "component.hello.allowed_outbound_hosts[0]",
      problem:
        'using default variable value(s) with template "https://{{ bad_host }}" results in invalid config "https://invalid host": Invalid allowed host "invalid host": invalid international domain name',
    });
  });

  void it("rejects templates naming unknown variables", () => {
    expectError(withHosts('["https://{{ nope }}"]'), {
      at: "allowed_outbound_hosts",
      problem: 'invalid variable template: unknown variable "nope"',
    });
  });
});

void describe("allowed_http_hosts (deprecated)", () => {
  void it("is converted, appended and warned about", () => {
    const manifest = parse(
      withHosts('["redis://cache:6379"]', 'allowed_http_hosts = ["example.com:8080", "self"]\n'),
    );
    assert.deepEqual(manifest.components.get("hello")?.allowedOutboundHosts, [
      "redis://cache:6379",
      "http://example.com:8080",
      "https://example.com:8080",
      "http://self",
    ]);
    assert.deepEqual(manifest.warnings, [
      'component.hello.allowed_http_hosts: use of the deprecated field `allowed_http_hosts` - to fix, replace `allowed_http_hosts` with `allowed_outbound_hosts = ["http://example.com:8080", "https://example.com:8080", "http://self"]`',
    ]);
  });

  void it("reports every invalid entry", () => {
    expectError(`${HEAD}${HELLO}allowed_http_hosts = ["ftp://x.com", "example.com/wib/wob"]\n`, {
      at: "allowed_http_hosts",
      keyPath: "component.hello.allowed_http_hosts",
      problem:
        "One or more allowed_http_hosts entries was invalid:\nftp://x.com isn't a valid host or host:port string\nexample.com/wib/wob contains a path, should be host and optional port only",
    });
  });
});
