/**
 * Pulls an artifact into the local cache: the manifest (resolving an index to its wasm entry), the config
 * blob, then the layers, 16 at a time, skipping digests already cached; an archive layer (Spin's tar.gz
 * of a component's files) is kept and unpacked, each file cached under its own digest as Spin does, so
 * the locked app finds it like a single-file layer. Every byte is verified, and
 * nothing is written until all of it is: a failed pull leaves the cache as it was. (The downloaded layers
 * are held in memory meanwhile, which suits apps of up to a few hundred megabytes.) Knows nothing of Spin
 * apps: `pulled-app.ts` interprets the result. The source is a registry client, or any store that serves
 * the same manifest and blobs by digest (the containerd shim reads containerd's content store).
 */
import type { RegistryCache } from "./cache.ts";
import type { PulledManifest } from "./client.ts";
import { sha256Digest } from "./digest.ts";
import { ARCHIVE_LAYER, SPIN_LOCKED_APP, WASM_LAYER_TYPES } from "./media-types.ts";
import type { Descriptor, OciManifest } from "./oci-manifest.ts";
import { formatReference, type Reference } from "./reference.ts";
import { unpackTarGz } from "./tar-gz.ts";
import { formatBytes, type Progress } from "../observe/progress.ts";

export interface PulledArtifact {
  readonly reference: Reference;
  readonly manifest: OciManifest;
  /** Digest of the image manifest (of the wasm entry, when the reference names an index). */
  readonly digest: string;
  /** The config blob's bytes. */
  readonly config: Uint8Array;
  /** The Spin locked-app layer's bytes, when the artifact has one. */
  readonly lockedApp: Uint8Array | undefined;
  /** Cache path of every layer except the locked app, by digest. */
  readonly layerPaths: ReadonlyMap<string, string>;
}

/** Where an artifact's manifest and blobs come from; `RegistryClient` is one. */
export interface ArtifactSource {
  /** The image manifest `ref` names (for an index, its wasm entry's), with its verified digest. */
  pullManifest(ref: Reference): Promise<PulledManifest>;
  /** The blob's bytes, verified against `digest`. */
  pullBlob(repository: string, digest: string): Promise<Uint8Array>;
}

const PARALLEL_LAYERS = 16;

export async function pullArtifact(
  client: ArtifactSource,
  reference: Reference,
  cache: RegistryCache,
  progress?: Progress,
): Promise<PulledArtifact> {
  const { manifest, bytes, digest } = await client.pullManifest(reference);
  const total = manifest.layers.reduce((sum, layer) => sum + layer.size, manifest.config.size);
  const task = progress?.start(`Pulling ${formatReference(reference)}`, total, { bytes: true });
  let done = 0;
  const advance = (size: number) => task?.update((done += size));
  const { repository } = reference;
  const config = await client.pullBlob(repository, manifest.config.digest);
  advance(manifest.config.size);
  const layerPaths = new Map<string, string>();
  const downloaded = new Map<string, Uint8Array>();
  let lockedApp: Uint8Array | undefined;
  await forEachLimited(manifest.layers, PARALLEL_LAYERS, async (layer) => {
    if (layer.mediaType === SPIN_LOCKED_APP) {
      lockedApp = await client.pullBlob(repository, layer.digest);
      advance(layer.size);
      return;
    }
    const path = layerPath(cache, layer);
    layerPaths.set(layer.digest, path);
    if (layer.mediaType === ARCHIVE_LAYER) {
      const archive = cache.has(path) ? cache.read(path) : await client.pullBlob(repository, layer.digest);
      if (!cache.has(path)) downloaded.set(path, archive);
      for (const file of unpackTarGz(
        archive,
        `archive layer ${layer.digest} of ${formatReference(reference)}`,
      )) {
        const filePath = cache.dataPath(sha256Digest(file.bytes));
        layerPaths.set(sha256Digest(file.bytes), filePath);
        if (!cache.has(filePath)) downloaded.set(filePath, file.bytes);
      }
    } else if (!cache.has(path)) downloaded.set(path, await client.pullBlob(repository, layer.digest));
    advance(layer.size);
  });
  for (const [path, layerBytes] of downloaded) cache.write(path, layerBytes);
  const dir = cache.manifestDir(reference);
  cache.write(`${dir}/manifest.json`, bytes);
  cache.write(`${dir}/config.json`, lockedApp ?? config);
  cache.recordBlobSources(reference.registry, repository, [
    manifest.config.digest,
    ...manifest.layers.map((layer) => layer.digest),
  ]);
  task?.finish(`Pulled ${formatReference(reference)} (${formatBytes(total)})`);
  return { reference, manifest, digest, config, lockedApp, layerPaths };
}

function layerPath(cache: RegistryCache, layer: Descriptor): string {
  return WASM_LAYER_TYPES.has(layer.mediaType) ? cache.wasmPath(layer.digest) : cache.dataPath(layer.digest);
}

async function forEachLimited<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await run(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
