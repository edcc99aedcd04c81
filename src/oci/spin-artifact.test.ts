import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { LockedApp } from "../app/locked.ts";
import { sha256Digest } from "./digest.ts";
import { buildSpinArtifact, INLINE_LIMIT } from "./spin-artifact.ts";
import { unpackTarGz } from "./tar-gz.ts";

const bytes = (text: string) => new Uint8Array(Buffer.from(text));
const WASM = bytes("\0asm\x01\0\0\0 a module");
const SMALL = bytes("x".repeat(INLINE_LIMIT));
const LARGE = bytes("y".repeat(INLINE_LIMIT + 1));
const contents: Record<string, Uint8Array<ArrayBuffer>> = {
  "file:///app/a.wasm": WASM,
  "file:///app/small.txt": SMALL,
  "file:///app/large.bin": LARGE,
  "file:///app/large-copy.bin": LARGE,
};
const read = (url: string) => {
  const content = contents[url];
  if (content === undefined) throw new Error(`unexpected read of ${url}`);
  return content;
};

const locked: LockedApp = {
  spin_lock_version: 0,
  metadata: { name: "app", version: "2.0.0", authors: ["A", "B"], origin: "file:///app/spin.toml" },
  triggers: [{ id: "t", trigger_type: "http", trigger_config: { component: "one", route: "/..." } }],
  components: [
    {
      id: "one",
      source: { content_type: "application/wasm", source: "file:///app/a.wasm" },
      files: [
        { source: "file:///app/small.txt", path: "/small.txt" },
        { source: "file:///app/large.bin", path: "/static/large.bin" },
        { source: "file:///app/large-copy.bin", path: "/static/copy.bin" },
      ],
      env: { K: "v" },
    },
    { id: "two", source: { content_type: "application/wasm", source: "file:///app/a.wasm" } },
  ],
};

const now = new Date("2026-01-02T03:04:05.000Z");

describe("buildSpinArtifact", () => {
  const artifact = buildSpinArtifact(locked, { read, annotations: {}, now });
  const lockedLayer = artifact.layers.at(-1);
  const pushed = JSON.parse(Buffer.from(lockedLayer?.bytes ?? []).toString()) as LockedApp;

  it("pushes each distinct binary and large file once, the locked app last", () => {
    assert.deepEqual(
      artifact.layers.map((l) => [l.mediaType, l.digest]),
      [
        ["application/vnd.wasm.content.layer.v1+wasm", sha256Digest(WASM)],
        ["application/vnd.wasm.content.layer.v1+data", sha256Digest(LARGE)],
        ["application/vnd.fermyon.spin.application.v1+config", sha256Digest(lockedLayer?.bytes ?? bytes(""))],
      ],
    );
    for (const layer of artifact.layers) assert.equal(layer.digest, sha256Digest(layer.bytes));
  });

  it("rewrites sources to digests and files to relative paths, inlining small ones", () => {
    const [one, two] = pushed.components;
    assert.deepEqual(one?.source, { content_type: "application/wasm", digest: sha256Digest(WASM) });
    assert.deepEqual(two?.source, one?.source);
    assert.deepEqual(one?.files, [
      { digest: sha256Digest(SMALL), path: "small.txt", inline: Buffer.from(SMALL).toString("base64") },
      { digest: sha256Digest(LARGE), path: "static/large.bin" },
      { digest: sha256Digest(LARGE), path: "static/copy.bin" },
    ]);
    assert.deepEqual(one?.env, { K: "v" });
  });

  it("drops the local origin and keeps the rest of the metadata", () => {
    assert.deepEqual(pushed.metadata, { name: "app", version: "2.0.0", authors: ["A", "B"] });
    assert.deepEqual(pushed.triggers, locked.triggers);
  });

  it("labels a wasm/wasip1 image config with the locked app's digest", () => {
    assert.equal(artifact.config.mediaType, "application/vnd.oci.image.config.v1+json");
    assert.deepEqual(JSON.parse(Buffer.from(artifact.config.bytes).toString()), {
      architecture: "wasm",
      os: "wasip1",
      config: { Labels: { "com.fermyon.spin.lockedAppDigest": lockedLayer?.digest } },
      rootfs: { type: "layers", diff_ids: [] },
    });
  });

  it("serialises an OCI manifest with inferred annotations", () => {
    assert.deepEqual(JSON.parse(Buffer.from(artifact.manifestBytes).toString()), artifact.manifest);
    assert.equal(artifact.manifest.mediaType, "application/vnd.oci.image.manifest.v1+json");
    assert.deepEqual(artifact.manifest.config, {
      mediaType: artifact.config.mediaType,
      digest: artifact.config.digest,
      size: artifact.config.bytes.length,
    });
    assert.deepEqual(artifact.manifest.annotations, {
      "org.opencontainers.image.title": "app",
      "org.opencontainers.image.version": "2.0.0",
      "org.opencontainers.image.authors": "A, B",
      "org.opencontainers.image.created": "2026-01-02T03:04:05.000Z",
    });
  });

  it("lets explicit annotations win", () => {
    const annotations = { "org.opencontainers.image.title": "custom", "com.example": "x" };
    const { manifest } = buildSpinArtifact(locked, { read, annotations, now });
    assert.equal(manifest.annotations?.["org.opencontainers.image.title"], "custom");
    assert.equal(manifest.annotations?.["com.example"], "x");
  });

  it("is deterministic for the same app and time", () => {
    const again = buildSpinArtifact(locked, { read, annotations: {}, now });
    assert.deepEqual(again.manifestBytes, artifact.manifestBytes);
  });

  it("refuses a component without local content, naming it", () => {
    const remote: LockedApp = {
      ...locked,
      components: [{ id: "far", source: { content_type: "application/wasm", source: "https://x/y.wasm" } }],
    };
    assert.throws(() => buildSpinArtifact(remote, { read, annotations: {}, now }), {
      message: 'component "far" has no local content to push (https://x/y.wasm)',
    });
  });

  it("archives each component's files as one tar.gz when asked, still listing every file by digest", () => {
    const artifact = buildSpinArtifact(locked, { read, annotations: {}, now, archive: true });
    assert.deepEqual(
      artifact.layers.map((l) => l.mediaType),
      [
        "application/vnd.wasm.content.layer.v1+wasm",
        "application/vnd.wasm.content.bundle.v1.tar+gzip",
        "application/vnd.fermyon.spin.application.v1+config",
      ],
    );
    const archived = unpackTarGz(artifact.layers[1]?.bytes ?? new Uint8Array(), "layer");
    assert.deepEqual(
      archived.map((e) => e.path),
      ["small.txt", "static/large.bin", "static/copy.bin"],
    );
    const lockedOut = JSON.parse(Buffer.from(artifact.layers[2]?.bytes ?? []).toString()) as LockedApp;
    assert.deepEqual(lockedOut.components[0]?.files, [
      { digest: sha256Digest(SMALL), path: "small.txt", inline: Buffer.from(SMALL).toString("base64") },
      { digest: sha256Digest(LARGE), path: "static/large.bin" },
      { digest: sha256Digest(LARGE), path: "static/copy.bin" },
    ]);
  });

  it("switches to archive layers when one layer per file would be more than registries take", () => {
    const files = Array.from({ length: 500 }, (_, i) => ({ source: `file:///f${i}`, path: `/f${i}` }));
    const many: LockedApp = {
      ...locked,
      components: [
        { id: "one", source: { content_type: "application/wasm", inline: "AGFzbQEAAAA=" }, files },
      ],
    };
    const distinct = (url: string) => bytes(`${url} `.repeat(40));
    const artifact = buildSpinArtifact(many, { read: distinct, annotations: {}, now });
    assert.equal(artifact.layers.length, 3);
    assert.equal(artifact.layers[1]?.mediaType, "application/vnd.wasm.content.bundle.v1.tar+gzip");
  });
});
