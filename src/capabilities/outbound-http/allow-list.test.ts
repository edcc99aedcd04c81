import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { SpindleError } from "../../errors.ts";
import { allows, buildAllowList, suggestEntry, type AllowList } from "./allow-list.ts";

function list(entries: string[], variables: Record<string, string> = {}, componentIds = ["api"]): AllowList {
  return buildAllowList({
    component: "api",
    entries,
    variables: new Map(Object.entries(variables)),
    componentIds,
  });
}

/** [entry, URLs it allows, URLs it denies] */
const cases: [string, string[], string[]][] = [
  ["*://*:*", ["https://example.com/a", "http://10.0.0.1:8080", "redis://cache:1", "/self/path"], []],
  [
    "https://*.example.com",
    ["https://a.example.com/x", "https://a.b.example.com", "https://A.Example.COM", "a.example.com/x"],
    ["https://example.com", "http://a.example.com", "https://a.example.com:8443", "https://badexample.com"],
  ],
  [
    "https://example.com",
    ["https://example.com", "https://example.com:443/p?q", "example.com/path", "example.com"],
    ["http://example.com", "https://example.com:8443", "https://www.example.com", "/relative"],
  ],
  ["http://localhost:3000", ["http://localhost:3000/x"], ["http://localhost:3001", "http://localhost"]],
  [
    "https://example.com:8000..8002",
    ["https://example.com:8000", "https://example.com:8001"],
    ["https://example.com:8002", "https://example.com:7999", "https://example.com"],
  ],
  ["http://example.com:*", ["http://example.com:1234", "http://example.com"], ["https://example.com"]],
  ["*://example.com:443", ["https://example.com", "wss://example.com:443"], ["http://example.com"]],
  [
    "http://10.0.0.0/8",
    ["http://10.1.2.3", "http://10.255.255.255/x"],
    ["http://11.0.0.1", "http://10.0.0.1:8080", "http://ten.example.com"],
  ],
  ["*://ff00::/8:*", ["http://[ff02::1]:99", "https://[ff00::]"], ["http://[fe80::1]", "http://[::1]"]],
  [
    "http://[::1]:8001",
    ["http://[::1]:8001/", "http://[0:0::1]:8001"],
    ["http://[::2]:8001", "http://[::1]"],
  ],
  ["http://127.0.0.1:*", ["http://127.0.0.1:9"], ["http://127.0.0.2:9", "http://localhost:9"]],
  [
    "http://self",
    ["/hello", "/hello?x=1", "http://self/hello", "http://self.alt/a"],
    ["https://self/a", "http://example.com"],
  ],
  ["https://self.alt", ["/p", "https://self.alt/p"], ["http://self.alt/p"]],
  ["*://*:443", ["/p", "https://example.com"], ["http://example.com"]],
  ["redis://cache", ["redis://cache", "redis://cache:6379"], ["redis://cache:6380", "http://cache"]],
];

for (const [entry, allowed, denied] of cases) {
  test(`entry ${entry} allows ${allowed.join(", ")} and denies ${denied.join(", ") || "nothing listed"}`, () => {
    const allowList = list([entry]);
    for (const url of allowed) assert.equal(allows(url, allowList), true, `${url} should be allowed`);
    for (const url of denied) assert.equal(allows(url, allowList), false, `${url} should be denied`);
  });
}

test("an empty allow-list denies everything, including the app itself", () => {
  for (const url of ["https://example.com", "/p", "http://api.spin.internal/"]) {
    assert.equal(allows(url, list([])), false);
  }
});

test("a URL that cannot be parsed is never allowed", () => {
  assert.equal(allows("http://exa mple.com", list(["*://*:*"])), false);
  assert.equal(allows("", list(["*://*:*"])), false);
  assert.equal(allows("http://[::1", list(["*://*:*"])), false);
});

test("templates are rendered with the resolved variables before parsing", () => {
  const allowList = list(["https://{{ api_host }}", "http://{{host}}:{{ port }}"], {
    api_host: "api.example.com",
    host: "localhost",
    port: "9000",
  });
  assert.equal(allows("https://api.example.com/v1", allowList), true);
  assert.equal(allows("http://localhost:9000", allowList), true);
  assert.equal(allows("http://localhost:9001", allowList), false);
  assert.deepEqual(
    allowList.entries.map((e) => e.raw),
    ["https://{{ api_host }}", "http://{{host}}:{{ port }}"],
  );
});

test("templates that render to an optional endpoint are dropped", () => {
  for (const value of ["", "http://", "https://"]) {
    const allowList = list(["{{ endpoint }}", "https://kept.example.com"], { endpoint: value });
    assert.equal(allowList.entries.length, 1, `value ${JSON.stringify(value)}`);
    assert.equal(allowList.entries[0]?.raw, "https://kept.example.com");
  }
  assert.equal(list(["https://{{ host }}"], { host: "" }).entries.length, 0);
});

test("a template rendering to a malformed entry fails naming the component and the entry", () => {
  assert.throws(
    () => list(["https://{{ host }}"], { host: "bad host" }),
    (error: unknown) =>
      error instanceof SpindleError &&
      error.message.includes('component "api"') &&
      error.message.includes('"https://bad host" (rendered from "https://{{ host }}")'),
  );
});

test("a variable without a value fails naming it", () => {
  assert.throws(() => list(["https://{{ missing }}"]), /uses variable "missing", which has no value/);
});

test("*.spin.internal stands for the app's components and nothing else", () => {
  const allowList = list(["*://*.spin.internal:*", "https://*.spin.internal"], {}, ["api", "Worker-2"]);
  assert.equal(allows("http://api.spin.internal/x", allowList), true);
  assert.equal(allows("https://worker-2.spin.internal", allowList), true);
  assert.equal(allows("http://other.spin.internal", allowList), false);
  assert.equal(allows("http://api.spin.internal:8080", allowList), true);
  assert.deepEqual(
    allowList.entries.map((e) => e.host),
    ["api", "worker-2", "api", "worker-2"].map((id) => ({ kind: "literal", host: `${id}.spin.internal` })),
  );
  assert.equal(allows("https://example.com", allowList), false);
});

test("a single component's spin.internal entry allows that component only", () => {
  const allowList = list(["http://worker.spin.internal"], {}, ["api", "worker"]);
  assert.equal(allows("http://worker.spin.internal/do", allowList), true);
  assert.equal(allows("http://api.spin.internal/do", allowList), false);
});

test("suggestEntry names the manifest line, with the port only when it is not the default", () => {
  const expected: [string, string | undefined][] = [
    ["https://api.example.com/v1?q=1", 'allowed_outbound_hosts = ["https://api.example.com"]'],
    ["api.example.com/v1", 'allowed_outbound_hosts = ["https://api.example.com"]'],
    ["http://localhost:3000/x", 'allowed_outbound_hosts = ["http://localhost:3000"]'],
    ["http://example.com:80/", 'allowed_outbound_hosts = ["http://example.com"]'],
    ["redis://cache:6379", 'allowed_outbound_hosts = ["redis://cache"]'],
    ["foo://thing/", 'allowed_outbound_hosts = ["foo://thing:*"]'],
    ["http://[::1]:8080/", 'allowed_outbound_hosts = ["http://[::1]:8080"]'],
    ["/self/path", 'allowed_outbound_hosts = ["http://self"]'],
    ["https://self.alt/p", 'allowed_outbound_hosts = ["https://self"]'],
    ["http://exa mple.com", undefined],
  ];
  for (const [url, line] of expected) assert.equal(suggestEntry(url), line, url);
});

test("the suggested entry allows the URL it was made for", () => {
  const host = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}(\.[a-z][a-z0-9]{0,5}){0,2}$/);
  const url = fc.record({
    scheme: fc.constantFrom("http", "https"),
    host,
    port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    path: fc.stringMatching(/^(\/[a-z0-9]{0,5}){0,3}$/),
  });
  fc.assert(
    fc.property(url, ({ scheme, host, port, path }) => {
      const text = `${scheme}://${host}${port === undefined ? "" : `:${port}`}${path}`;
      const line = suggestEntry(text) ?? "";
      const entry = /\["(.*)"\]/.exec(line)?.[1] ?? "";
      assert.equal(allows(text, list([entry])), true, `${text} with ${entry}`);
    }),
  );
});
