// End to end: what goes wrong between Spindle and a real registry. Tampered blobs and manifests are
// refused before anything is cached; a registry that goes away mid-push gives a clear error after the
// retries, leaves no manifest behind, and a push after it is back completes without re-sending what
// arrived.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_RETRY, type RetryPolicy } from "../../src/oci/retry.ts";
import { pushApp } from "../../src/oci/registry-app.ts";
import { guestWasm, makeApp } from "../support/apps.ts";
import { runSpindle } from "../support/cli.ts";
import { registryUnavailable, sha256, startRegistry, type TestRegistry } from "../support/registry.ts";
import { suiteScope, type Scope } from "../support/scope.ts";

const MANIFEST = `spin_manifest_version = 2
[application]
name = "faults"

[[trigger.http]]
route = "/..."
component = "echo"
executor = { type = "wagi" }

[component.echo]
source = "echo.wasm"
files = ["big.bin"]
`;

function tempDir(scope: Scope, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scope.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A retry policy that records the waits instead of sleeping. */
function noSleep(): { retry: RetryPolicy; waits: number[] } {
  const waits: number[] = [];
  const delay = (ms: number) => {
    waits.push(ms);
    return Promise.resolve();
  };
  return { waits, retry: { ...DEFAULT_RETRY, delay } };
}

function urlOf(input: string | URL | Request): string {
  return input instanceof Request ? input.url : input.toString();
}

function flipByte(path: string): void {
  const bytes = readFileSync(path);
  bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0xff;
  writeFileSync(path, bytes);
}

describe("registry faults", { skip: registryUnavailable() ?? false }, () => {
  const scope = suiteScope();
  const big = randomBytes(20_000);
  let registry: TestRegistry;
  let app: string;

  before(async () => {
    registry = await startRegistry(scope);
    app = join(
      makeApp(scope, { manifest: MANIFEST, guests: { "echo.wasm": "echo-env" }, files: { "big.bin": big } }),
      "spin.toml",
    );
  });

  it("refuses a tampered layer and caches nothing", async () => {
    const reference = `${registry.host}/faults/tampered-layer:v1`;
    await pushApp(reference, app, { cacheDir: tempDir(scope, "spindle-cache-") });
    const wasmDigest = sha256(readFileSync(guestWasm("echo-env")));
    flipByte(registry.blobPath(wasmDigest));
    const home = tempDir(scope, "spindle-home-");
    const result = await runSpindle(["registry", "pull", reference], { env: { XDG_CACHE_HOME: home } });
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      new RegExp(
        `(?:^|\\n)Error: digest mismatch for blob ${wasmDigest} of ${registry.host}/faults/tampered-layer: expected ${wasmDigest}, got sha256:`,
      ),
    );
    assert.match(result.stderr, /nothing was cached/);
    assert.deepEqual(readdirSync(home), [], "the cache directory stays empty");
    flipByte(registry.blobPath(wasmDigest));
  });

  it("refuses a tampered manifest", async () => {
    const reference = `${registry.host}/faults/tampered-manifest:v1`;
    const digest = await pushApp(reference, app, { cacheDir: tempDir(scope, "spindle-cache-") });
    flipByte(registry.blobPath(digest));
    const home = tempDir(scope, "spindle-home-");
    const result = await runSpindle(["registry", "pull", reference], { env: { XDG_CACHE_HOME: home } });
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      new RegExp(`(?:^|\\n)Error: digest mismatch for manifest ${reference}: expected ${digest}`),
    );
    assert.deepEqual(readdirSync(home), []);
  });

  it("reports a registry that went away mid-push, then completes the push once it is back", async () => {
    const reference = `${registry.host}/faults/interrupted:v1`;
    const cacheDir = tempDir(scope, "spindle-cache-");
    let uploads = 0;
    const stopAfterFirstUpload: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (init?.method === "PUT" && urlOf(input).includes("/blobs/uploads/") && ++uploads === 1)
        await registry.stop();
      return response;
    };
    const { retry, waits } = noSleep();
    await assert.rejects(
      pushApp(reference, app, { cacheDir, fetch: stopAfterFirstUpload, retry }),
      (error: Error) => {
        assert.match(
          error.message,
          new RegExp(
            `^could not reach registry ${registry.host} \\(\\w+ http://${registry.host}/v2/faults/interrupted/`,
          ),
        );
        assert.match(error.message, /ECONNREFUSED|other side closed|ECONNRESET/);
        return true;
      },
    );
    // Uploads run in parallel, so their retries interleave; each backs off 250, 500, then 1000 ms.
    assert.deepEqual(
      [...new Set(waits)].sort((a, b) => a - b),
      [250, 500, 1_000],
      `waits: ${waits.join(", ")}`,
    );

    await registry.start();
    const missing = await fetch(`http://${registry.host}/v2/faults/interrupted/manifests/v1`, {
      method: "HEAD",
    });
    assert.equal(missing.status, 404, "no manifest was left pointing at a half-pushed app");
    const uploadsBefore = uploads;
    const countingFetch: typeof fetch = async (input, init) => {
      if (init?.method === "PUT" && urlOf(input).includes("/blobs/uploads/")) uploads += 1;
      return fetch(input, init);
    };
    const digest = await pushApp(reference, app, { cacheDir, fetch: countingFetch });
    assert.ok(uploads - uploadsBefore < 4, `re-sent ${uploads - uploadsBefore} of 4 blobs`);
    const pull = await runSpindle(["registry", "pull", reference], {
      env: { XDG_CACHE_HOME: tempDir(scope, "spindle-home-") },
    });
    assert.equal(pull.code, 0, pull.stderr);
    assert.equal(pull.stdout, `Pulled ${reference} with digest ${digest}\n`);
  });

  it("pushes a blob again when the registry cannot say whether it has it", async () => {
    // A registry stopped mid-push can leave a repository's link to a blob empty: it then answers that
    // blob's HEAD with a 500 until the blob is pushed again, which rewrites the link.
    const reference = `${registry.host}/faults/broken-link:v1`;
    const cacheDir = tempDir(scope, "spindle-cache-");
    await pushApp(reference, app, { cacheDir });
    const wasmDigest = sha256(readFileSync(guestWasm("echo-env")));
    writeFileSync(registry.layerLinkPath("faults/broken-link", wasmDigest), "");
    const head = await fetch(`http://${registry.host}/v2/faults/broken-link/blobs/${wasmDigest}`, {
      method: "HEAD",
    });
    assert.equal(head.status, 500, "the registry cannot tell");

    const { retry } = noSleep();
    const digest = await pushApp(reference, app, { cacheDir, retry });
    const pull = await runSpindle(["registry", "pull", reference], {
      env: { XDG_CACHE_HOME: tempDir(scope, "spindle-home-") },
    });
    assert.equal(pull.code, 0, pull.stderr);
    assert.equal(pull.stdout, `Pulled ${reference} with digest ${digest}\n`);
  });

  it("says the registry cannot be reached when it is down", async () => {
    await registry.stop();
    try {
      const result = await runSpindle(["registry", "push", `${registry.host}/faults/down:v1`, "-f", app], {
        env: { XDG_CACHE_HOME: tempDir(scope, "spindle-home-") },
      });
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        new RegExp(
          `(?:^|\\n)Error: could not reach registry ${registry.host} \\(GET http://${registry.host}/v2/\\): fetch failed \\(ECONNREFUSED\\)`,
        ),
      );
      assert.match(result.stderr, /hint: tried 4 times; check that the registry is running and reachable\n/);
    } finally {
      await registry.start();
    }
  });
});
