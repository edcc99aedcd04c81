/**
 * The Spin app a container's image carries as Wasm layers — what `spin registry push` and `spindle
 * registry push` produce — found the way runwasi finds it: ask containerd for the container, then its
 * image, the manifest and the layers from the content store. The image is the container's own, or, for a
 * container made without one (`ctr run --rootfs`, needed where containerd cannot unpack an artifact),
 * the one the `io.kubernetes.cri.image-name` annotation names. From the fetched layers on, this is the
 * path `spindle up <reference>` takes: the same cache layout and the same locked-app checks. An image
 * whose layers are an ordinary root filesystem is not an app here; the caller then reads `/spin.toml`.
 */
import type { LockedApp } from "../../app/locked.ts";
import { SpindleError } from "../../errors.ts";
import type { PulledManifest } from "../../oci/client.ts";
import { ARCHIVE_LAYER, DATA_LAYER, SPIN_LOCKED_APP, WASM_LAYER_TYPES } from "../../oci/media-types.ts";
import { parseManifestBytes, selectWasmEntry, type Descriptor } from "../../oci/oci-manifest.ts";
import type { ArtifactSource } from "../../oci/pull.ts";
import { parseReference } from "../../oci/reference.ts";
import type { ContainerdClient, ImageTarget } from "../containerd/client.ts";

/** The annotation containerd's CRI plugin sets to the container's image name. */
export const IMAGE_NAME_ANNOTATION = "io.kubernetes.cri.image-name";

/** Layer types that make an image a Wasm app rather than a root filesystem. */
const APP_LAYERS: ReadonlySet<string> = new Set([
  SPIN_LOCKED_APP,
  ...WASM_LAYER_TYPES,
  DATA_LAYER,
  ARCHIVE_LAYER,
]);

export interface ContainerIdentity {
  readonly id: string;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface ImageApps {
  /** The app in the container's image layers, cached under `cacheDir`; `undefined` when there is none. */
  lockedApp(container: ContainerIdentity, cacheDir: string): Promise<LockedApp | undefined>;
}

/** `connect` is called once, when the first container is looked at (it loads the gRPC client). */
export function containerdImageApps(connect: () => Promise<ContainerdClient>): ImageApps {
  let connected: Promise<ContainerdClient> | undefined;
  return {
    async lockedApp(container, cacheDir) {
      const client = await (connected ??= connect());
      const own = await client.containerImage(container.id);
      const name = own !== "" ? own : (container.annotations[IMAGE_NAME_ANNOTATION] ?? "");
      if (name === "") return undefined;
      const manifest = await readManifest(client, name, await client.imageTarget(name));
      if (!manifest?.manifest.layers.some((layer) => APP_LAYERS.has(layer.mediaType))) return undefined;
      const source: ArtifactSource = {
        pullManifest: () => Promise.resolve(manifest),
        pullBlob: (_repository, digest) => client.read(digest),
      };
      // The OCI client and manifest loader load only for an image that holds an app, not on every start.
      const { loadFromSource } = await import("../../oci/registry-app.ts");
      return loadFromSource(source, parseReference(name), cacheDir);
    },
  };
}

/** The image's manifest; for an index, its wasm entry's, or `undefined` if it has none. */
async function readManifest(
  client: ContainerdClient,
  name: string,
  target: ImageTarget,
): Promise<PulledManifest | undefined> {
  const what = `the manifest of image ${name}`;
  const bytes = await client.read(target.digest);
  const parsed = parseManifestBytes(bytes, target.mediaType, what);
  if (parsed.kind === "manifest") return { manifest: parsed.manifest, bytes, digest: target.digest };
  if (!hasWasmEntry(parsed.manifests)) return undefined;
  const entry = selectWasmEntry(parsed.manifests, `image ${name}`);
  const inner = await client.read(entry.digest);
  const second = parseManifestBytes(inner, entry.mediaType, `manifest ${entry.digest} of image ${name}`);
  if (second.kind !== "manifest") {
    throw new SpindleError(`image ${name}: index entry ${entry.digest} is itself an index`, {
      hint: "push the app with `spindle registry push` or `spin registry push`",
    });
  }
  return { manifest: second.manifest, bytes: inner, digest: entry.digest };
}

function hasWasmEntry(manifests: readonly Descriptor[]): boolean {
  return manifests.length === 1 || manifests.some((m) => m.platform?.architecture === "wasm");
}
