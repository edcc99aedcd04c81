import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { expectError, HEAD, parse } from "./test-helpers.ts";

const DIGEST = `sha256:${"ab".repeat(32)}`;
const withSource = (source: string) =>
  `${HEAD}[[trigger.http]]\nroute = "/"\ncomponent = "hello"\n[component.hello]\nsource = ${source}\n`;

void describe("component source", () => {
  void it("reads a path", () => {
    assert.deepEqual(parse(withSource('"bin/hello.wasm"')).components.get("hello")?.source, {
      kind: "file",
      path: "bin/hello.wasm",
    });
  });

  void it("reads a URL with its digest", () => {
    const manifest = parse(withSource(`{ url = "https://example.com/a.wasm", digest = "${DIGEST}" }`));
    assert.deepEqual(manifest.components.get("hello")?.source, {
      kind: "url",
      url: "https://example.com/a.wasm",
      digest: DIGEST,
    });
  });

  void it("requires the digest to start with sha256:", () => {
    expectError(withSource('{ url = "https://example.com/a.wasm", digest = "12345" }'), {
      at: "source =",
      keyPath: "component.hello.source.digest",
      problem: `invalid \`digest\` "12345"; must start with 'sha256:'`,
    });
  });

  void it("requires 64 lowercase hex digits after sha256:", () => {
    expectError(withSource(`{ url = "https://example.com/a.wasm", digest = "sha256:${"AB".repeat(32)}" }`), {
      at: "source =",
      problem: `invalid \`digest\` "sha256:${"AB".repeat(32)}"; expected 'sha256:' followed by 64 lowercase hex digits`,
    });
  });

  void it("requires the digest of a URL source", () => {
    expectError(withSource('{ url = "https://example.com/a.wasm" }'), {
      at: "source =",
      keyPath: "component.hello.source",
      problem: "missing field `digest`",
    });
  });

  void it("rejects unknown keys in a URL source", () => {
    expectError(withSource(`{ url = "https://example.com/a.wasm", digest = "${DIGEST}", sha = "x" }`), {
      at: "source =",
      keyPath: "component.hello.source.sha",
      problem: "unknown field `sha`, expected `url` or `digest`",
    });
  });

  void it("refuses registry sources as not supported yet", () => {
    expectError(withSource('{ registry = "ttl.sh", package = "user:hello", version = "1.0.0" }'), {
      at: "source =",
      keyPath: "component.hello.source",
      problem:
        "registry sources (`registry`, `package`, `version`) are not supported by this version of Spindle",
      hint: "download the component",
    });
  });

  void it("rejects a source of the wrong type", () => {
    expectError(withSource("42"), {
      at: "source =",
      problem: `invalid type: integer \`42\`, expected a path or a table like { url = "…", digest = "sha256:…" }`,
    });
  });

  void it("requires a source", () => {
    expectError(
      `${HEAD}[[trigger.http]]\nroute = "/"\ncomponent = "hello"\n[component.hello]\ndescription = "x"\n`,
      {
        at: "[component.hello]",
        keyPath: "component.hello",
        problem: "missing field `source`",
      },
    );
  });
});
