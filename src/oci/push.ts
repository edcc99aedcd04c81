/**
 * Pushes a laid-out artifact: each blob (config and layers, four at a time) is uploaded unless the
 * repository already has it, then the manifest is put under the reference's tag. A failed push leaves no
 * manifest, so the reference never points at a half-uploaded app; pushing again skips what arrived.
 */
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
  progress?: Progress,
): Promise<string> {
  const blobs = [artifact.config, ...artifact.layers];
  const total = blobs.reduce((sum, blob) => sum + blob.bytes.length, 0);
  const task = progress?.start(`Pushing ${formatReference(reference)}`, total, { bytes: true });
  let done = 0;
  const queue = [...blobs];
  const upload = async () => {
    for (let blob = queue.shift(); blob !== undefined; blob = queue.shift()) {
      await ensureBlob(client, reference, blob);
      done += blob.bytes.length;
      task?.update(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_UPLOADS, blobs.length) }, upload));
  const digest = await client.pushManifest(reference, artifact.manifestBytes, OCI_MANIFEST);
  task?.finish(`Pushed ${blobs.length} blobs (${formatBytes(total)}) to ${formatReference(reference)}`);
  return digest;
}

async function ensureBlob(client: RegistryClient, reference: Reference, blob: ArtifactBlob): Promise<void> {
  if (await client.blobExists(reference.repository, blob.digest)) return;
  await client.pushBlob(reference.repository, blob.bytes);
}
