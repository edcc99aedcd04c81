/**
 * The local, content-addressed registry cache under `<cache dir>/registry/`, laid out as Spin lays it out:
 * `manifests/<registry>/<repository>/<tag|digest>/{manifest,config}.json`, Wasm layers in
 * `wasm/<digest>`, other layers in `data/<digest>`, plus `apps/<manifest digest>/` holding a pulled app's
 * files as the guest sees them, and `sources/<registry>/<digest>`: the repositories of that registry known
 * to hold a blob (from earlier pulls and pushes), so a push can mount it instead of uploading it again.
 * Only verified bytes are written, each atomically (temp file, then rename), so concurrent pulls never see
 * half a file. Shared by all commands on the machine.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { manifestSelector, type Reference } from "./reference.ts";

export class RegistryCache {
  readonly root: string;

  constructor(cacheDir: string) {
    this.root = join(cacheDir, "registry");
  }

  manifestDir(ref: Reference): string {
    return join(this.root, "manifests", ref.registry, ...ref.repository.split("/"), manifestSelector(ref));
  }

  wasmPath(digest: string): string {
    return join(this.root, "wasm", digest);
  }

  dataPath(digest: string): string {
    return join(this.root, "data", digest);
  }

  /** The directory a pulled app's files are unpacked into, one per manifest digest. */
  appDir(manifestDigest: string): string {
    return join(this.root, "apps", manifestDigest);
  }

  /** Repositories of `registry` known to hold blob `digest`, most recently seen last. */
  blobSources(registry: string, digest: string): string[] {
    try {
      return readFileSync(this.#sourcesPath(registry, digest), "utf8").split("\n").filter(Boolean);
    } catch {
      return [];
    }
  }

  /** Remembers that `repository` of `registry` holds each of `digests`. */
  recordBlobSources(registry: string, repository: string, digests: Iterable<string>): void {
    for (const digest of digests) {
      const known = this.blobSources(registry, digest).filter((repo) => repo !== repository);
      this.write(this.#sourcesPath(registry, digest), [...known, repository].join("\n") + "\n");
    }
  }

  #sourcesPath(registry: string, digest: string): string {
    return join(this.root, "sources", registry, digest);
  }

  read(path: string): Uint8Array {
    return readFileSync(path);
  }

  has(path: string): boolean {
    return existsSync(path);
  }

  write(path: string, bytes: Uint8Array | string): void {
    mkdirSync(dirname(path), { recursive: true });
    const partial = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.partial`;
    writeFileSync(partial, bytes);
    renameSync(partial, path);
  }

  /**
   * Fills `dir` once: `fill` writes into a private temp directory that is renamed into place, so the
   * directory either does not exist or is complete. A concurrent filler's result wins; ours is dropped.
   */
  fillOnce(dir: string, fill: (into: string) => void): void {
    if (existsSync(dir)) return;
    const partial = `${dir}.${process.pid}.${Math.random().toString(36).slice(2)}.partial`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    try {
      fill(partial);
      renameSync(partial, dir);
    } catch (error) {
      if (!existsSync(dir)) throw error;
    } finally {
      rmSync(partial, { recursive: true, force: true });
    }
  }
}
