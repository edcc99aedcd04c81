/**
 * Pushes a laid-out artifact: each blob (config and layers, four at a time) is uploaded unless the repository
 * already has it, or mounted from another repository of the same registry that the cache knows holds it (an
 * app promoted from `dev/app` to `prod/app` sends no Wasm twice); then the manifest is put under the
 * reference's tag, and the cache learns that this repository holds every blob. A failed push leaves no
 * manifest, so the reference never points at a half-uploaded app; pushing again skips what arrived.
 */
import type { RegistryCache } from "./cache.ts";
import type { RegistryClient } from "./client.ts";
import type { ArtifactBlob, SpinArtifact } from "./spin-artifact.ts";
import { OCI_MANIFEST } from "./media-types.ts";
import { formatReference, type Reference } from "./reference.ts";
import { formatBytes, type Progress } from "../observe/progress.ts";

const PARALLEL_UPLOADS = 4;

/** Returns the manifest digest. */
export async function pushArtifact(
  client: RegistryClient,
  reference: Reference,
  artifact: SpinArtifact,
  options: { cache: RegistryCache; progress?: Progress | undefined },
): Promise<string> {
  const blobs = [artifact.config, ...artifact.layers];
  const total = blobs.reduce((sum, blob) => sum + blob.bytes.length, 0);
  const task = options.progress?.start(`Pushing ${formatReference(reference)}`, total, { bytes: true });
  let done = 0;
  let mounted = 0;
  const queue = [...blobs];
  const upload = async () => {
    for (let blob = queue.shift(); blob !== undefined; blob = queue.shift()) {
      if ((await ensureBlob(client, reference, blob, options.cache)) === "mounted") mounted++;
      done += blob.bytes.length;
      task?.update(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_UPLOADS, blobs.length) }, upload));
  const digest = await client.pushManifest(reference, artifact.manifestBytes, OCI_MANIFEST);
  options.cache.recordBlobSources(
    reference.registry,
    reference.repository,
    blobs.map((blob) => blob.digest),
  );
  const mounts = mounted === 0 ? "" : `, ${mounted} mounted from other repositories`;
  task?.finish(
    `Pushed ${blobs.length} blobs (${formatBytes(total)}${mounts}) to ${formatReference(reference)}`,
  );
  return digest;
}

async function ensureBlob(
  client: RegistryClient,
  reference: Reference,
  blob: ArtifactBlob,
  cache: RegistryCache,
): Promise<"present" | "mounted" | "uploaded"> {
  const { registry, repository } = reference;
  if (await client.blobExists(repository, blob.digest)) return "present";
  const from = cache.blobSources(registry, blob.digest).findLast((source) => source !== repository);
  const { mounted } = await client.pushBlob(repository, blob.bytes, from);
  return mounted ? "mounted" : "uploaded";
}
