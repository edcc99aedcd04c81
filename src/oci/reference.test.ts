import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { SpindleError } from "../errors.ts";
import {
  formatReference,
  isLoopbackRegistry,
  manifestSelector,
  parseReference,
  parseRegistryName,
  tryParseReference,
  type Reference,
} from "./reference.ts";

const DIGEST = `sha256:${"ab".repeat(32)}`;

describe("parseReference", () => {
  const cases: [string, Reference][] = [
    ["nginx", { registry: "docker.io", repository: "library/nginx" }],
    ["nginx:1.25", { registry: "docker.io", repository: "library/nginx", tag: "1.25" }],
    ["me/app", { registry: "docker.io", repository: "me/app" }],
    ["docker.io/nginx", { registry: "docker.io", repository: "library/nginx" }],
    ["index.docker.io/me/app:v1", { registry: "docker.io", repository: "me/app", tag: "v1" }],
    ["ghcr.io/org/team/app:v1.0", { registry: "ghcr.io", repository: "org/team/app", tag: "v1.0" }],
    ["localhost/app", { registry: "localhost", repository: "app" }],
    ["localhost:5000/app:dev", { registry: "localhost:5000", repository: "app", tag: "dev" }],
    ["127.0.0.1:5000/a/b", { registry: "127.0.0.1:5000", repository: "a/b" }],
    ["[::1]:5000/app:x", { registry: "[::1]:5000", repository: "app", tag: "x" }],
    [`ghcr.io/a/b@${DIGEST}`, { registry: "ghcr.io", repository: "a/b", digest: DIGEST }],
    [`ghcr.io/a/b:v2@${DIGEST}`, { registry: "ghcr.io", repository: "a/b", tag: "v2", digest: DIGEST }],
    ["foo/spin.toml", { registry: "docker.io", repository: "foo/spin.toml" }],
    ["a__b/c-d--e/f.g_h", { registry: "docker.io", repository: "a__b/c-d--e/f.g_h" }],
  ];
  for (const [text, expected] of cases) {
    it(`parses ${text}`, () => assert.deepEqual(parseReference(text), expected));
  }

  const bad: [string, RegExp][] = [
    ["", /repository name is empty/],
    ["Me/App", /"Me" is not a valid repository name part/],
    ["ghcr.io/", /repository name is empty/],
    ["ghcr.io/app:", /"" is not a valid tag/],
    ["ghcr.io/app:-x", /not a valid tag/],
    ["ghcr.io/app@sha256:abc", /not a sha256 digest/],
    [`ghcr.io/app@sha512:${"a".repeat(128)}`, /not a sha256 digest/],
    ["bad_host.io/app", /"bad_host.io" is not a valid registry host/],
    ["a//b", /repository name is empty/],
    ["./spin.toml", /"." is not a valid registry host/],
    [`ghcr.io/${"a".repeat(250)}`, /longer than 255/],
  ];
  for (const [text, message] of bad) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.throws(
        () => parseReference(text),
        (e: unknown) =>
          e instanceof SpindleError && message.test(e.message) && e.message.includes(`'${text}'`),
      );
    });
  }

  it("hints at lower case for upper-case names", () => {
    assert.throws(() => parseReference("ghcr.io/Org/app"), { hint: "repository names must be lower-case" });
  });
});

describe("reference properties", () => {
  const component = fc.stringMatching(/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/).filter((c) => c.length < 40);
  const registry = fc.oneof(
    fc.constantFrom("ghcr.io", "localhost", "registry.example.com", "[::1]"),
    fc
      .tuple(fc.constantFrom("localhost", "127.0.0.1", "my.registry"), fc.integer({ min: 1, max: 65535 }))
      .map(([host, port]) => `${host}:${port}`),
  );
  const reference = fc.record(
    {
      registry,
      repository: fc.array(component, { minLength: 1, maxLength: 4 }).map((parts) => parts.join("/")),
      tag: fc.stringMatching(/^\w[\w.-]{0,20}$/),
      digest: fc.stringMatching(/^[a-f0-9]{64}$/).map((hex) => `sha256:${hex}`),
    },
    { requiredKeys: ["registry", "repository"] },
  );

  it("parses what it formats", () => {
    fc.assert(
      fc.property(reference, (ref) => {
        assert.deepEqual(parseReference(formatReference(ref)), { ...ref });
      }),
    );
  });

  it("either parses to a canonical form or fails with a SpindleError", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        let parsed: Reference;
        try {
          parsed = parseReference(text);
        } catch (error) {
          assert.ok(error instanceof SpindleError, String(error));
          return;
        }
        assert.deepEqual(parseReference(formatReference(parsed)), parsed);
      }),
    );
  });

  it("puts one-segment Docker Hub names under library/", () => {
    fc.assert(
      fc.property(component, (name) => {
        assert.equal(tryParseReference(name)?.repository, `library/${name}`);
      }),
    );
  });
});

describe("reference helpers", () => {
  it("selects the digest over the tag, and latest by default", () => {
    assert.equal(manifestSelector(parseReference(`a.io/b:v1@${DIGEST}`)), DIGEST);
    assert.equal(manifestSelector(parseReference("a.io/b:v1")), "v1");
    assert.equal(manifestSelector(parseReference("a.io/b")), "latest");
  });

  it("recognises loopback registries only", () => {
    for (const yes of [
      "localhost",
      "localhost:5000",
      "127.0.0.1:5000",
      "127.1.2.3",
      "[::1]:80",
      "x.localhost",
    ]) {
      assert.equal(isLoopbackRegistry(yes), true, yes);
    }
    for (const no of ["ghcr.io", "127.0.0.1.evil.com", "10.0.0.1:5000", "[::2]:80", "localhost.com"]) {
      assert.equal(isLoopbackRegistry(no), false, no);
    }
  });
});

describe("parseRegistryName", () => {
  it("drops the scheme and path and merges Docker Hub's names", () => {
    assert.equal(parseRegistryName("127.0.0.1:5000"), "127.0.0.1:5000");
    assert.equal(parseRegistryName("https://ghcr.io/v2/"), "ghcr.io");
    assert.equal(parseRegistryName("https://index.docker.io/v1/"), "docker.io");
    assert.equal(parseRegistryName("registry-1.docker.io"), "docker.io");
    assert.equal(parseRegistryName("myhost"), "myhost");
  });

  it("rejects what is not a host", () => {
    assert.throws(() => parseRegistryName("bad host"), /'bad host' is not a registry host/);
    assert.throws(() => parseRegistryName(""), /is not a registry host/);
  });
});
