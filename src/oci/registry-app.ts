/**
 * Spin apps and registries, end to end: push an app from its spin.toml, pull an artifact into the cache,
 * load a runnable locked app from a reference (what `spindle up -f <ref>` calls), and Spin's rule for
 * when `-f <x>` means a registry reference. The entry points of `src/oci/`, above the client and layout.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { LockedApp } from "../app/locked.ts";
import { lockManifest } from "../app/lock.ts";
import { loadManifest } from "../manifest/load.ts";
import { RegistryCache } from "./cache.ts";
import { RegistryClient, type ClientOptions } from "./client.ts";
import { lockedAppFromArtifact } from "./pulled-app.ts";
import { pullArtifact, type ArtifactSource, type PulledArtifact } from "./pull.ts";
import { pushArtifact } from "./push.ts";
import { parseReference, type Reference } from "./reference.ts";
import { buildSpinArtifact } from "./spin-artifact.ts";
import type { Progress } from "../observe/progress.ts";

export interface RegistryOptions extends ClientOptions {
  /** Spindle's cache directory; the registry cache is its `registry/` folder. */
  readonly cacheDir: string;
  /** Where transfer progress is shown; none by default. */
  readonly progress?: Progress | undefined;
}

export interface PushOptions extends RegistryOptions {
  readonly annotations?: Readonly<Record<string, string>>;
  readonly now?: () => Date;
  /** Push each component's files as one tar.gz layer (Spin's `SPIN_OCI_ARCHIVE_LAYERS`). */
  readonly archive?: boolean;
}

/** Locks the app at `manifestPath` and pushes it to `reference`; returns the manifest digest. */
export async function pushApp(
  reference: string,
  manifestPath: string,
  options: PushOptions,
): Promise<string> {
  const ref = parseReference(reference);
  const manifest = await loadManifest(manifestPath);
  const locked = await lockManifest(manifest, { cacheDir: options.cacheDir });
  const artifact = buildSpinArtifact(locked, {
    read: (url) => readFileSync(fileURLToPath(url)),
    annotations: options.annotations ?? {},
    now: (options.now ?? (() => new Date()))(),
    archive: options.archive ?? false,
  });
  return pushArtifact(RegistryClient.create(ref.registry, options), ref, artifact, {
    cache: new RegistryCache(options.cacheDir),
    progress: options.progress,
  });
}

/** Pulls `reference` into the cache, verifying every byte. */
export function pullApp(reference: string, options: RegistryOptions): Promise<PulledArtifact> {
  const ref = parseReference(reference);
  const client = RegistryClient.create(ref.registry, options);
  return pullArtifact(client, ref, new RegistryCache(options.cacheDir), options.progress);
}

/**
 * Pulls `reference` and returns a locked app `loadApp` can run: Wasm and files point at the cache.
 *
 * @example
 *   const locked = await loadFromRegistry("ghcr.io/me/app:v1", { cacheDir });
 *   const app = loadApp(locked);
 */
export async function loadFromRegistry(reference: string, options: RegistryOptions): Promise<LockedApp> {
  const artifact = await pullApp(reference, options);
  return lockedAppFromArtifact(artifact, new RegistryCache(options.cacheDir));
}

/**
 * What `loadFromRegistry` does, from another source of the same artifact: its layers are cached under
 * `cacheDir` and the locked app points at them.
 */
export async function loadFromSource(
  source: ArtifactSource,
  reference: Reference,
  cacheDir: string,
): Promise<LockedApp> {
  const cache = new RegistryCache(cacheDir);
  return lockedAppFromArtifact(await pullArtifact(source, reference, cache), cache);
}
