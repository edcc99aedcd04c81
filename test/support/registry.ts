/**
 * A real OCI registry for end-to-end tests: Debian's `docker-registry` (distribution 2.8) on 127.0.0.1,
 * a free port and a temp storage directory, optionally behind htpasswd (bcrypt) Basic auth. It can be
 * stopped and started again on the same port and storage, to test a registry going away. Also pushes
 * blobs and manifests by hand over plain `fetch`, for artifacts Spindle did not lay out itself.
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, existsSync, openSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import type { Scope } from "./scope.ts";
import { freePort } from "./ports.ts";

/** Why registry tests cannot run here, or `undefined` when they can. */
export function registryUnavailable(): string | undefined {
  for (const tool of ["docker-registry", "htpasswd", "skopeo"]) {
    if (findOnPath(tool) === undefined) return `${tool} is not installed (scripts/setup.sh installs it)`;
  }
  return undefined;
}

function findOnPath(name: string): string | undefined {
  const dirs = (process.env["PATH"] ?? "").split(delimiter);
  return dirs.map((dir) => join(dir, name)).find((path) => existsSync(path));
}

export interface RegistryOptions {
  /** User name → password; with any, the registry demands Basic auth. */
  readonly users?: Readonly<Record<string, string>>;
}

export interface TestRegistry {
  /** `127.0.0.1:<port>`: the registry part of references. */
  readonly host: string;
  /** Where the registry keeps its blobs. */
  blobPath(digest: string): string;
  /** Where the registry records that `repository` holds the blob `digest`. */
  layerLinkPath(repository: string, digest: string): string;
  stop(): Promise<void>;
  start(): Promise<void>;
  log(): string;
}

/** Starts a registry, stopped and deleted when the scope ends. */
export async function startRegistry(t: Scope, options: RegistryOptions = {}): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), "spindle-registry-"));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const config = join(dir, "config.yml");
  writeFileSync(
    config,
    configYaml(dir, host, options.users === undefined ? undefined : writeHtpasswd(dir, options.users)),
  );
  const logFile = join(dir, "registry.log");
  const logFd = openSync(logFile, "a");
  let child: ChildProcess | undefined;
  const storage = join(dir, "data", "docker", "registry", "v2");
  const hexOf = (digest: string): string => digest.replace(/^sha256:/, "");
  const registry: TestRegistry = {
    host,
    blobPath: (digest) => join(storage, "blobs", "sha256", hexOf(digest).slice(0, 2), hexOf(digest), "data"),
    layerLinkPath: (repository, digest) =>
      join(storage, "repositories", repository, "_layers", "sha256", hexOf(digest), "link"),
    start: async () => {
      child = spawn("docker-registry", ["serve", config], {
        stdio: ["ignore", logFd, logFd],
        env: { ...process.env },
      });
      const exited = new Promise<never>((_, reject) =>
        child?.once("exit", (code) =>
          reject(new Error(`docker-registry exited with ${code}:\n${registry.log()}`)),
        ),
      );
      exited.catch(() => undefined);
      await Promise.race([waitUntilServing(host), exited]);
    },
    stop: async () => {
      const running = child;
      child = undefined;
      if (running === undefined || running.exitCode !== null) return;
      const gone = new Promise((resolve) => running.once("exit", resolve));
      running.kill("SIGTERM");
      await gone;
    },
    log: () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : ""),
  };
  t.after(async () => {
    await registry.stop();
    closeSync(logFd);
    rmSync(dir, { recursive: true, force: true });
  });
  await registry.start();
  return registry;
}

function configYaml(dir: string, host: string, htpasswd: string | undefined): string {
  const auth = htpasswd === undefined ? "" : `auth:\n  htpasswd: {realm: spindle-test, path: ${htpasswd}}\n`;
  return `version: 0.1
log: {level: warn, fields: {service: registry}}
storage:
  filesystem: {rootdirectory: ${join(dir, "data")}}
  delete: {enabled: true}
http:
  addr: ${host}
  headers: {X-Content-Type-Options: [nosniff]}
${auth}`;
}

/** distribution accepts only bcrypt entries, which `htpasswd -B` writes. */
function writeHtpasswd(dir: string, users: Readonly<Record<string, string>>): string {
  const path = join(dir, "htpasswd");
  const lines = Object.entries(users).map(([user, password]) =>
    execFileSync("htpasswd", ["-Bbn", user, password], { encoding: "utf8" }).trim(),
  );
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

async function waitUntilServing(host: string): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 25) {
    try {
      const response = await fetch(`http://${host}/v2/`);
      await response.arrayBuffer();
      if (response.status === 200 || response.status === 401) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`docker-registry did not answer on ${host}`);
}

export function sha256(bytes: Uint8Array | string): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** Uploads a blob with a plain POST + PUT, as any registry client would; returns its descriptor. */
export async function pushBlobByHand(
  host: string,
  repository: string,
  mediaType: string,
  bytes: Uint8Array | string,
) {
  const body = Uint8Array.from(typeof bytes === "string" ? Buffer.from(bytes) : bytes);
  const digest = sha256(body);
  const started = await fetch(`http://${host}/v2/${repository}/blobs/uploads/`, { method: "POST" });
  await started.arrayBuffer();
  if (started.status !== 202) throw new Error(`blob upload to ${repository} answered ${started.status}`);
  const location = new URL(started.headers.get("location") ?? "", `http://${host}`);
  location.searchParams.set("digest", digest);
  const put = await fetch(location, {
    method: "PUT",
    body,
    headers: { "content-type": "application/octet-stream" },
  });
  await put.arrayBuffer();
  if (put.status !== 201) throw new Error(`blob upload answered ${put.status}`);
  return { mediaType, digest, size: body.length };
}

/** Stores a manifest (any JSON) under `tag`; returns its digest. */
export async function putManifestByHand(
  host: string,
  repository: string,
  tag: string,
  manifest: unknown,
  mediaType: string,
) {
  const body = JSON.stringify(manifest);
  const put = await fetch(`http://${host}/v2/${repository}/manifests/${tag}`, {
    method: "PUT",
    body,
    headers: { "content-type": mediaType },
  });
  const text = await put.text();
  if (put.status !== 201) throw new Error(`manifest upload answered ${put.status}: ${text}`);
  return { mediaType, digest: sha256(body), size: Buffer.byteLength(body) };
}
