// End to end: artifacts assembled by hand with plain `fetch` (as other tools push them) load through
// `loadFromRegistry`: Spin's layout (also with the locked app in the config blob, as old Spin pushed it,
// and behind an index), runwasi's and the CNCF single-component layouts, and clear refusals of unsafe or
// incomplete artifacts.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadApp } from "../../src/app/load.ts";
import { loadFromRegistry } from "../../src/oci/registry-app.ts";
import { guestWasm } from "../support/apps.ts";
import {
  pushBlobByHand,
  putManifestByHand,
  registryUnavailable,
  sha256,
  startRegistry,
  type TestRegistry,
} from "../support/registry.ts";
import { suiteScope } from "../support/scope.ts";

const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
const WASM = "application/vnd.wasm.content.layer.v1+wasm";
const DATA = "application/vnd.wasm.content.layer.v1+data";
const LOCKED = "application/vnd.fermyon.spin.application.v1+config";

describe("artifacts pushed by other tools", { skip: registryUnavailable() ?? false }, () => {
  const scope = suiteScope();
  const wasm = readFileSync(guestWasm("echo-env"));
  const big = randomBytes(10_000);
  const tiny = "hi\n";
  let registry: TestRegistry;
  let cacheDir: string;

  const lockedApp = (files: unknown[], wasmDigest = sha256(wasm)) => ({
    spin_lock_version: 1,
    metadata: { name: "handmade", trigger: { type: "http" } },
    triggers: [{ id: "t", trigger_type: "http", trigger_config: { component: "web", route: "/..." } }],
    components: [{ id: "web", source: { content_type: "application/wasm", digest: wasmDigest }, files }],
  });
  const goodFiles = [
    { digest: sha256(big), path: "www/big.bin" },
    { digest: sha256(tiny), path: "www/tiny.txt", inline: Buffer.from(tiny).toString("base64") },
  ];
  const load = (repository: string, tag = "v1") =>
    loadFromRegistry(`${registry.host}/${repository}:${tag}`, { cacheDir });

  /** Pushes a Spin-layout artifact by hand; `locked` goes in a layer, or in the config blob when `inConfig`. */
  async function pushSpinApp(repository: string, locked: unknown, inConfig = false) {
    const host = registry.host;
    const layers = [
      await pushBlobByHand(host, repository, WASM, wasm),
      await pushBlobByHand(host, repository, DATA, big),
    ];
    const lockedJson = JSON.stringify(locked);
    if (!inConfig) layers.push(await pushBlobByHand(host, repository, LOCKED, lockedJson));
    const config = await pushBlobByHand(
      host,
      repository,
      OCI_CONFIG,
      inConfig ? lockedJson : JSON.stringify({ os: "wasip1", architecture: "wasm" }),
    );
    return putManifestByHand(
      host,
      repository,
      "v1",
      { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers },
      OCI_MANIFEST,
    );
  }

  before(async () => {
    registry = await startRegistry(scope);
    cacheDir = mkdtempSync(join(tmpdir(), "spindle-cache-"));
    scope.after(() => rmSync(cacheDir, { recursive: true, force: true }));
  });

  it("loads Spin's layout pushed by hand", async () => {
    await pushSpinApp("hand/spin", lockedApp(goodFiles));
    const locked = await load("hand/spin");
    assert.equal(locked.metadata.origin, `vnd.fermyon.origin-oci:${registry.host}/hand/spin:v1`);
    const web = loadApp(locked).components.get("web");
    assert.deepEqual(Buffer.from(web?.bytes ?? []), wasm);
    assert.deepEqual(readFileSync(web?.files.get("/www/big.bin") ?? ""), big);
    assert.equal(readFileSync(web?.files.get("/www/tiny.txt") ?? "", "utf8"), tiny);
  });

  it("loads a locked app carried in the config blob", async () => {
    await pushSpinApp("hand/old-spin", lockedApp(goodFiles), true);
    const web = loadApp(await load("hand/old-spin")).components.get("web");
    assert.deepEqual(readFileSync(web?.files.get("/www/big.bin") ?? ""), big);
  });

  it("picks the wasm entry of an index", async () => {
    const entry = await pushSpinApp("hand/indexed", lockedApp(goodFiles));
    const linuxConfig = await pushBlobByHand(registry.host, "hand/indexed", OCI_CONFIG, '{"os":"linux"}');
    const linuxLayer = await pushBlobByHand(
      registry.host,
      "hand/indexed",
      "application/vnd.oci.image.layer.v1.tar",
      "x",
    );
    const linux = { schemaVersion: 2, mediaType: OCI_MANIFEST, config: linuxConfig, layers: [linuxLayer] };
    const linuxEntry = await putManifestByHand(registry.host, "hand/indexed", "linux", linux, OCI_MANIFEST);
    const other = { ...linuxEntry, platform: { os: "linux", architecture: "amd64" } };
    const index = {
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [other, { ...entry, platform: { os: "wasip1", architecture: "wasm" } }],
    };
    await putManifestByHand(registry.host, "hand/indexed", "multi", index, index.mediaType);
    const locked = await load("hand/indexed", "multi");
    assert.equal(loadApp(locked).components.get("web")?.bytes.length, wasm.length);
  });

  for (const [name, configType, layerType] of [
    ["CNCF Wasm artifact", "application/vnd.wasm.config.v0+json", WASM],
    ["runwasi component image", OCI_CONFIG, "application/vnd.bytecodealliance.wasm.component.layer.v0+wasm"],
  ] as const) {
    it(`runs a ${name} as a one-route app named after the repository`, async () => {
      const repository = `hand/${configType === OCI_CONFIG ? "runwasi" : "cncf"}/hello_world.app`;
      const config = await pushBlobByHand(registry.host, repository, configType, "{}");
      const layer = await pushBlobByHand(registry.host, repository, layerType, wasm);
      await putManifestByHand(
        registry.host,
        repository,
        "v1",
        { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] },
        OCI_MANIFEST,
      );
      const locked = await load(repository);
      assert.deepEqual(locked.triggers, [
        {
          id: "trigger-hello-world-app",
          trigger_type: "http",
          trigger_config: { component: "hello-world-app", route: "/..." },
        },
      ]);
      assert.equal(locked.metadata.name, "hello-world-app");
      assert.deepEqual(Buffer.from(loadApp(locked).components.get("hello-world-app")?.bytes ?? []), wasm);
    });
  }

  it("refuses file paths that leave the app directory, writing nothing", async () => {
    for (const [tag, path] of [
      ["dots", "../../escape.txt"],
      ["absolute", "/etc/escape.txt"],
      ["empty", "a//b"],
    ] as const) {
      const repository = `hand/unsafe-${tag}`;
      await pushSpinApp(repository, lockedApp([{ digest: sha256(big), path }]));
      await assert.rejects(load(repository), {
        message: `${registry.host}/${repository}:v1 is not a valid Spin app: component "web" has file path ${JSON.stringify(path)}, which is not a plain relative path`,
      });
    }
    assert.equal(existsSync(join(cacheDir, "escape.txt")), false);
    assert.equal(existsSync(join(cacheDir, "registry", "escape.txt")), false);
  });

  it("names the reference when a layer the app needs is missing", async () => {
    const absent = sha256("absent");
    await pushSpinApp("hand/missing", lockedApp(goodFiles, absent));
    await assert.rejects(load("hand/missing"), {
      message: `${registry.host}/hand/missing:v1 is not a valid Spin app: component "web" refers to ${absent}, which is not a layer of the artifact`,
    });
  });

  it("names the reference and media type of an artifact it does not know", async () => {
    const repository = "hand/unknown";
    const config = await pushBlobByHand(
      registry.host,
      repository,
      "application/vnd.example.thing+json",
      "{}",
    );
    const layer = await pushBlobByHand(registry.host, repository, WASM, wasm);
    await putManifestByHand(
      registry.host,
      repository,
      "v1",
      { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] },
      OCI_MANIFEST,
    );
    await assert.rejects(load(repository), {
      message: `${registry.host}/${repository}:v1 is neither a Spin app nor a Wasm package: unknown config media type application/vnd.example.thing+json`,
    });
  });

  it("refuses a Wasm package with more than one layer", async () => {
    const repository = "hand/two-layers";
    const config = await pushBlobByHand(
      registry.host,
      repository,
      "application/vnd.wasm.config.v0+json",
      "{}",
    );
    const layers = [
      await pushBlobByHand(registry.host, repository, WASM, wasm),
      await pushBlobByHand(registry.host, repository, DATA, big),
    ];
    await putManifestByHand(
      registry.host,
      repository,
      "v1",
      { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers },
      OCI_MANIFEST,
    );
    await assert.rejects(load(repository), /expected a single layer in the Wasm package, found 2 layers/);
  });
});
