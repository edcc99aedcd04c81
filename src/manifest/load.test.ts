import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ManifestError } from "./errors.ts";
import { loadManifest, parseManifest } from "./load.ts";
import { FILE, HEAD, HELLO } from "./test-helpers.ts";

const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;

const FULL = `spin_manifest_version = 2

[application]
name = "shop"
version = "1.2.0"
description = "A shop"
authors = ["Ada <ada@example.com>"]

[application.trigger.redis]
address = "redis://{{ redis_host }}:6379"

[variables]
api_key = { required = true, secret = true }
redis_host = { default = "localhost", description = "Redis host" }

[[trigger.http]]
route = "/cart/..."
component = "cart"

[[trigger.http]]
id = "assets"
route = "/static/..."
component = { source = { url = "https://example.com/static.wasm", digest = "${DIGEST}" } }

[[trigger.redis]]
channel = "orders"
component = "cart"

[component.cart]
source = "target/cart.wasm"
description = "Cart"
variables = { endpoint = "https://{{ redis_host }}/x", token = "{{ api_key }}" }
environment = { RUST_LOG = "info" }
files = [
  "static/**/*",
  { source = "data", destination = "/data" },
]
exclude_files = ["static/secret.txt"]
allowed_outbound_hosts = ["https://api.example.com", "redis://{{ redis_host }}:6379"]
key_value_stores = ["default", "user_data"]
sqlite_databases = ["default"]
ai_models = ["llama2-chat"]

[component.cart.build]
command = ["cargo build --release", "wasm-opt"]
workdir = "cart"
watch = ["src/**/*.rs"]
`;

void describe("parseManifest", () => {
  void it("validates and normalises a realistic manifest", () => {
    const manifest = parseManifest(FULL, FILE);
    assert.equal(manifest.file, FILE);
    assert.equal(manifest.dir, "/apps/shop");
    assert.deepEqual(manifest.application, {
      name: "shop",
      version: "1.2.0",
      description: "A shop",
      authors: ["Ada <ada@example.com>"],
      triggerSettings: { redis: { address: "redis://{{ redis_host }}:6379" } },
    });
    assert.deepEqual([...manifest.variables.keys()], ["api_key", "redis_host"]);
    assert.deepEqual(manifest.triggers, [
      {
        id: "cart-http-trigger",
        type: "http",
        component: "cart",
        config: { route: "/cart/..." },
        http: { route: { kind: "path", route: "/cart/..." }, executor: { type: "http" } },
      },
      {
        id: "assets",
        type: "http",
        component: "assets-component",
        config: { route: "/static/..." },
        http: { route: { kind: "path", route: "/static/..." }, executor: { type: "http" } },
      },
      { id: "cart-redis-trigger", type: "redis", component: "cart", config: { channel: "orders" } },
    ]);
    assert.deepEqual(manifest.components.get("cart"), {
      id: "cart",
      source: { kind: "file", path: "target/cart.wasm" },
      description: "Cart",
      variables: new Map([
        ["endpoint", "https://{{ redis_host }}/x"],
        ["token", "{{ api_key }}"],
      ]),
      environment: new Map([["RUST_LOG", "info"]]),
      files: [
        { kind: "pattern", pattern: "static/**/*" },
        { kind: "placement", source: "data", destination: "/data" },
      ],
      excludeFiles: ["static/secret.txt"],
      allowedOutboundHosts: ["https://api.example.com", "redis://{{ redis_host }}:6379"],
      keyValueStores: ["default", "user_data"],
      sqliteDatabases: ["default"],
      aiModels: ["llama2-chat"],
      build: { commands: ["cargo build --release", "wasm-opt"], workdir: "cart", watch: ["src/**/*.rs"] },
    });
    assert.deepEqual(manifest.components.get("assets-component")?.source, {
      kind: "url",
      url: "https://example.com/static.wasm",
      digest: DIGEST,
    });
    assert.deepEqual(manifest.warnings, []);
  });

  void it("records the line of each key for later stages", () => {
    const manifest = parseManifest(FULL, FILE);
    const lines = Object.fromEntries(
      [
        "application.name",
        "component.cart.source",
        "component.cart.files[1]",
        "trigger.http[0].route",
        "variables.api_key",
      ].map((key) => [key, manifest.keyLines.get(key)]),
    );
    assert.deepEqual(lines, {
      "application.name": 4,
      "component.cart.source": 30,
      "component.cart.files[1]": 36,
      "trigger.http[0].route": 17,
      "variables.api_key": 13,
    });
    assert.equal(manifest.keyLines.get("component.assets-component.source"), 23);
  });

  void it("reports malformed TOML with the parser's line, column and message", () => {
    const text = 'spin_manifest_version = 2\n[application]\nname = "shop\n';
    assert.throws(
      () => parseManifest(text, FILE),
      (error: unknown) => {
        assert.ok(error instanceof ManifestError);
        assert.equal(error.line, 3);
        assert.equal(
          error.problem,
          'invalid TOML at column 13: control characters are not allowed in strings\n\n2:  [application]\n3:  name = "shop\n                ^',
        );
        assert.match(error.message, /^\/apps\/shop\/spin\.toml:3: invalid TOML/);
        assert.match(error.hint ?? "", /TOML syntax/);
        return true;
      },
    );
  });

  void it("names a component defined twice instead of reporting a TOML redefinition", () => {
    const text = `${HEAD}[component.hello]\nsource = "a.wasm"\n[component.hello]\nsource = "b.wasm"\n`;
    const line = text.split("\n").lastIndexOf("[component.hello]") + 1;
    assert.throws(
      () => parseManifest(text, FILE),
      (error: unknown) => {
        assert.ok(error instanceof ManifestError);
        assert.equal(error.line, line);
        assert.equal(error.keyPath, "component.hello");
        assert.equal(error.problem, 'duplicate component id "hello"');
        return true;
      },
    );
  });
});

void describe("loadManifest", () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "spindle-manifest-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  void it("reads the file and resolves its directory", async () => {
    const file = join(dir, "spin.toml");
    await writeFile(file, `${HEAD}${HELLO}`);
    const manifest = await loadManifest(file);
    assert.equal(manifest.file, file);
    assert.equal(manifest.dir, dir);
    assert.deepEqual([...manifest.components.keys()], ["hello"]);
  });

  void it("names a missing file", async () => {
    const file = join(dir, "missing.toml");
    await assert.rejects(loadManifest(file), (error: unknown) => {
      assert.ok(error instanceof ManifestError);
      assert.equal(error.message, `${file}: the manifest file does not exist`);
      assert.equal(error.file, file);
      return true;
    });
  });

  void it("explains that a directory is not a manifest", async () => {
    await assert.rejects(loadManifest(dir), (error: unknown) => {
      assert.ok(error instanceof ManifestError);
      assert.equal(error.problem, "this is a directory, not a manifest file");
      assert.match(error.hint ?? "", /spin\.toml/);
      return true;
    });
  });
});
