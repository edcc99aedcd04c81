// End to end: `spindle registry push` lays an app out in Spin's OCI format on a real registry (checked
// with skopeo), and `spindle registry pull` / `loadFromRegistry` bring it back byte for byte, runnable.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadApp } from "../../src/app/load.ts";
import { loadFromRegistry } from "../../src/oci/registry-app.ts";
import { guestWasm, makeApp } from "../support/apps.ts";
import { runSpindle, startApp } from "../support/cli.ts";
import { request } from "../support/http.ts";
import { registryUnavailable, sha256, startRegistry, type TestRegistry } from "../support/registry.ts";
import { suiteScope } from "../support/scope.ts";

const MANIFEST = `spin_manifest_version = 2
[application]
name = "echo-app"
version = "1.2.3"
description = "echoes"
authors = ["Ada <ada@example.com>", "Bob"]

[[trigger.http]]
route = "/echo/..."
component = "echo"
executor = { type = "wagi" }

[component.echo]
source = "echo.wasm"
files = ["tiny.txt", { source = "assets", destination = "/data" }]
`;

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}
interface Manifest {
  schemaVersion: number;
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations: Record<string, string>;
}

describe("registry push and pull", { skip: registryUnavailable() ?? false }, () => {
  const scope = suiteScope();
  const big = randomBytes(50_000);
  const tiny = "tiny file\n";
  let registry: TestRegistry;
  let env: NodeJS.ProcessEnv;
  let cacheDir: string;
  let reference: string;
  let pushed: string;
  let appDir: string;

  const skopeo = (...args: string[]) =>
    execFileSync("skopeo", ["inspect", "--tls-verify=false", ...args, `docker://${reference}`], {
      encoding: "utf8",
    });

  before(async () => {
    registry = await startRegistry(scope);
    reference = `${registry.host}/spindle/echo:v1`;
    const home = mkdtempSync(join(tmpdir(), "spindle-home-"));
    scope.after(() => rmSync(home, { recursive: true, force: true }));
    cacheDir = join(home, "cache", "spindle");
    env = { XDG_CACHE_HOME: join(home, "cache"), DOCKER_CONFIG: join(home, "docker") };
    const dir = (appDir = makeApp(scope, {
      manifest: MANIFEST,
      guests: { "echo.wasm": "echo-env" },
      files: { "tiny.txt": tiny, "assets/big.bin": big, "assets/sub/also-big.bin": big },
    }));
    const result = await runSpindle(
      ["registry", "push", reference, "-f", dir, "--annotation", "com.example.team=wasm"],
      {
        env,
      },
    );
    assert.equal(result.code, 0, result.stderr);
    const match = /^Pushed with digest (sha256:[a-f0-9]{64})$/m.exec(result.stdout);
    assert.ok(match?.[1], result.stdout);
    pushed = match[1];
  });

  it("stores Spin's manifest: one wasm layer, one data layer per distinct large file, the locked app last", () => {
    const raw = skopeo("--raw");
    assert.equal(sha256(raw), pushed);
    const manifest = JSON.parse(raw) as Manifest;
    assert.equal(manifest.schemaVersion, 2);
    assert.equal(manifest.mediaType, "application/vnd.oci.image.manifest.v1+json");
    assert.equal(manifest.config.mediaType, "application/vnd.oci.image.config.v1+json");
    assert.deepEqual(
      manifest.layers.map((l) => l.mediaType),
      [
        "application/vnd.wasm.content.layer.v1+wasm",
        "application/vnd.wasm.content.layer.v1+data",
        "application/vnd.fermyon.spin.application.v1+config",
      ],
    );
    assert.equal(manifest.layers[0]?.digest, sha256(readFileSync(guestWasm("echo-env"))));
    assert.equal(manifest.layers[1]?.digest, sha256(big));
    const { "org.opencontainers.image.created": created, ...annotations } = manifest.annotations;
    assert.deepEqual(annotations, {
      "org.opencontainers.image.title": "echo-app",
      "org.opencontainers.image.version": "1.2.3",
      "org.opencontainers.image.description": "echoes",
      "org.opencontainers.image.authors": "Ada <ada@example.com>, Bob",
      "com.example.team": "wasm",
    });
    assert.ok(Math.abs(Date.parse(created ?? "") - Date.now()) < 60_000, `created: ${created}`);
  });

  it("writes an OCI image config for wasm/wasip1 labelled with the locked app's digest", () => {
    const manifest = JSON.parse(skopeo("--raw")) as Manifest;
    const config = JSON.parse(skopeo("--config", "--raw")) as {
      architecture: string;
      os: string;
      config: { Labels: Record<string, string> };
    };
    assert.equal(config.architecture, "wasm");
    assert.equal(config.os, "wasip1");
    assert.deepEqual(config.config.Labels, {
      "com.fermyon.spin.lockedAppDigest": manifest.layers.at(-1)?.digest,
    });
  });

  it("mounts blobs the registry already holds in another repository instead of uploading them", async () => {
    const promoted = `${registry.host}/spindle/promoted:v1`;
    const result = await runSpindle(["registry", "push", promoted, "-f", appDir], { env });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout + result.stderr, /Pushed 4 blobs \(.*, 4 mounted from other repositories\)/);
    assert.match(registry.log(), /POST \/v2\/spindle\/promoted\/blobs\/uploads\/\?.*mount=sha256/);
    const pulled = await loadFromRegistry(promoted, {
      cacheDir: mkdtempSync(join(tmpdir(), "spindle-cache-")),
    });
    assert.equal(pulled.components[0]?.id, "echo");
  });

  it("pushes files as one archive layer per component with SPIN_OCI_ARCHIVE_LAYERS, and pulls them", async (t) => {
    const archived = `${registry.host}/spindle/archived:v1`;
    const pushedArchive = await runSpindle(["registry", "push", archived, "-f", appDir], {
      env: { ...env, SPIN_OCI_ARCHIVE_LAYERS: "1" },
    });
    assert.equal(pushedArchive.code, 0, pushedArchive.stderr);
    const manifest = JSON.parse(
      execFileSync("skopeo", ["inspect", "--tls-verify=false", "--raw", `docker://${archived}`], {
        encoding: "utf8",
      }),
    ) as Manifest;
    assert.deepEqual(
      manifest.layers.map((l) => l.mediaType),
      [
        "application/vnd.wasm.content.layer.v1+wasm",
        "application/vnd.wasm.content.bundle.v1.tar+gzip",
        "application/vnd.fermyon.spin.application.v1+config",
      ],
    );
    const fresh = mkdtempSync(join(tmpdir(), "spindle-cache-"));
    t.after(() => rmSync(fresh, { recursive: true, force: true }));
    const echo = loadApp(await loadFromRegistry(archived, { cacheDir: fresh, env })).components.get("echo");
    assert.deepEqual(
      [...(echo?.files.keys() ?? [])],
      ["/data/big.bin", "/data/sub/also-big.bin", "/tiny.txt"],
    );
    assert.deepEqual(readFileSync(echo?.files.get("/data/sub/also-big.bin") ?? ""), big);
    assert.equal(readFileSync(echo?.files.get("/tiny.txt") ?? "", "utf8"), tiny);
  });

  it("pushes a locked app with digests, relative file paths, small files inline and no origin", async () => {
    const manifest = JSON.parse(skopeo("--raw")) as Manifest;
    const layer = manifest.layers.at(-1) as Descriptor;
    const response = await fetch(`http://${registry.host}/v2/spindle/echo/blobs/${layer.digest}`);
    const locked = (await response.json()) as {
      metadata: Record<string, unknown>;
      components: { source: unknown; files: unknown[] }[];
    };
    assert.equal(locked.metadata["origin"], undefined);
    assert.equal(locked.metadata["name"], "echo-app");
    const [component] = locked.components;
    assert.deepEqual(component?.source, {
      content_type: "application/wasm",
      digest: manifest.layers[0]?.digest,
    });
    assert.deepEqual(component?.files, [
      { digest: sha256(big), path: "data/big.bin" },
      { digest: sha256(big), path: "data/sub/also-big.bin" },
      { digest: sha256(tiny), path: "tiny.txt", inline: Buffer.from(tiny).toString("base64") },
    ]);
  });

  it("pulls into the content-addressed cache, byte-identical", async () => {
    const result = await runSpindle(["registry", "pull", reference], { env });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `Pulled ${reference} with digest ${pushed}\n`);
    const wasm = readFileSync(guestWasm("echo-env"));
    assert.deepEqual(readFileSync(join(cacheDir, "registry", "wasm", sha256(wasm))), wasm);
    assert.deepEqual(readFileSync(join(cacheDir, "registry", "data", sha256(big))), big);
    const manifestDir = join(cacheDir, "registry", "manifests", registry.host, "spindle", "echo", "v1");
    assert.equal(sha256(readFileSync(join(manifestDir, "manifest.json"))), pushed);
    assert.equal(
      (JSON.parse(readFileSync(join(manifestDir, "config.json"), "utf8")) as { metadata: { name: string } })
        .metadata.name,
      "echo-app",
    );
  });

  it("loads the pulled app with its Wasm and files from the cache", async () => {
    const locked = await loadFromRegistry(reference, { cacheDir, env });
    assert.equal(locked.metadata.origin, `vnd.fermyon.origin-oci:${reference}`);
    const app = loadApp(locked);
    const echo = app.components.get("echo");
    assert.ok(echo);
    assert.deepEqual(Buffer.from(echo.bytes), readFileSync(guestWasm("echo-env")));
    assert.deepEqual([...echo.files.keys()], ["/data/big.bin", "/data/sub/also-big.bin", "/tiny.txt"]);
    assert.deepEqual(readFileSync(echo.files.get("/data/sub/also-big.bin") ?? ""), big);
    assert.equal(readFileSync(echo.files.get("/tiny.txt") ?? "", "utf8"), tiny);
    assert.deepEqual(locked.triggers[0]?.trigger_config, {
      component: "echo",
      route: "/echo/...",
      executor: { type: "wagi" },
    });
  });

  it("serves the pushed app with spindle up -f REF, files and all", async () => {
    const app = await startApp(scope, ["-f", reference], { env });
    const echoed = await request(app.url, "/echo/hi?x=1");
    assert.equal(echoed.status, 200);
    assert.match(echoed.body, /^X_MATCHED_ROUTE=\/echo\/\.\.\.$/m);
    assert.ok(app.output().stdout.includes(`  echo: ${app.url}/echo (wildcard)`), app.output().stdout);
    const stopped = await app.stop();
    assert.equal(stopped.code, 0, stopped.stderr);
  });

  it("pulls by digest as well as by tag", async () => {
    const byDigest = `${registry.host}/spindle/echo@${pushed}`;
    const locked = await loadFromRegistry(byDigest, { cacheDir, env });
    assert.equal(locked.metadata.origin, `vnd.fermyon.origin-oci:${byDigest}`);
    assert.ok(existsSync(join(cacheDir, "registry", "manifests", registry.host, "spindle", "echo", pushed)));
  });

  it("names the reference when the tag does not exist", async () => {
    const result = await runSpindle(["registry", "pull", `${registry.host}/spindle/echo:nope`], { env });
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      new RegExp(
        `(?:^|\\n)Error: manifest ${registry.host}/spindle/echo:nope: not found \\(HTTP 404: MANIFEST_UNKNOWN`,
      ),
    );
  });
});
