/**
 * Lays a locked app out as a Spin OCI artifact, exactly as `spin registry push` does: one Wasm layer per
 * distinct component binary, one data layer per distinct file (files of at most 128 bytes are inlined in
 * the locked app instead), the locked app itself (sources by digest, files by relative path, no origin)
 * as the last layer, an OCI image config labelled with the locked app's digest, and the manifest with its
 * annotations. Pure: bytes come from the injected `read`; nothing here touches the network.
 */
import type { LockedApp, LockedComponent, LockedContentRef, LockedFile } from "../app/locked.ts";
import { SpindleError } from "../errors.ts";
import { sha256Digest } from "./digest.ts";
import { DATA_LAYER, OCI_IMAGE_CONFIG, OCI_MANIFEST, SPIN_LOCKED_APP, WASM_LAYER } from "./media-types.ts";
import type { Descriptor, OciManifest } from "./oci-manifest.ts";

export interface ArtifactBlob {
  readonly mediaType: string;
  readonly digest: string;
  readonly bytes: Uint8Array<ArrayBuffer>;
}

export interface SpinArtifact {
  readonly config: ArtifactBlob;
  /** In manifest order; the locked app is last. */
  readonly layers: readonly ArtifactBlob[];
  readonly manifest: OciManifest;
  /** The manifest serialised: what is pushed and what its digest is computed over. */
  readonly manifestBytes: Uint8Array<ArrayBuffer>;
}

export interface LayoutOptions {
  /** The bytes behind a `file:` URL of the locked app. */
  readonly read: (url: string) => Uint8Array<ArrayBuffer>;
  /** `--annotation` values; they win over the inferred ones. */
  readonly annotations: Readonly<Record<string, string>>;
  readonly now: Date;
}

/** Files up to this size travel inside the locked app (some registries refuse tiny blobs). */
export const INLINE_LIMIT = 128;
const MAX_LAYERS = 500;
export const LOCKED_APP_DIGEST_LABEL = "com.fermyon.spin.lockedAppDigest";

export function buildSpinArtifact(locked: LockedApp, options: LayoutOptions): SpinArtifact {
  const layers = new Map<string, ArtifactBlob>();
  const add = (mediaType: string, bytes: Uint8Array<ArrayBuffer>) => {
    const digest = sha256Digest(bytes);
    if (!layers.has(digest)) layers.set(digest, { mediaType, digest, bytes });
    return digest;
  };
  const components = locked.components.map((c) => layoutComponent(c, options, add));
  // Where the app came from on this machine means nothing to whoever pulls it.
  const metadata = { ...locked.metadata, origin: undefined };
  const lockedBytes = encode({ ...locked, metadata, components });
  const lockedLayer: ArtifactBlob = {
    mediaType: SPIN_LOCKED_APP,
    digest: sha256Digest(lockedBytes),
    bytes: lockedBytes,
  };
  const all = [...layers.values(), lockedLayer];
  if (all.length > MAX_LAYERS) {
    throw new SpindleError(
      `app "${locked.metadata.name}" needs ${all.length} layers; registries take at most ${MAX_LAYERS}`,
      {
        hint: "reduce the number of distinct files in the components' `files`",
      },
    );
  }
  const configBytes = encode({
    architecture: "wasm",
    os: "wasip1",
    config: { Labels: { [LOCKED_APP_DIGEST_LABEL]: lockedLayer.digest } },
    rootfs: { type: "layers", diff_ids: [] },
  });
  const config: ArtifactBlob = {
    mediaType: OCI_IMAGE_CONFIG,
    digest: sha256Digest(configBytes),
    bytes: configBytes,
  };
  const manifest: OciManifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: descriptor(config),
    layers: all.map(descriptor),
    annotations: annotationsFor(locked, options),
  };
  return { config, layers: all, manifest, manifestBytes: encode(manifest) };
}

type AddLayer = (mediaType: string, bytes: Uint8Array<ArrayBuffer>) => string;

function layoutComponent(component: LockedComponent, options: LayoutOptions, add: AddLayer): LockedComponent {
  const what = `component "${component.id}"`;
  const digest = add(WASM_LAYER, contentOf(component.source, what, options));
  const files = (component.files ?? []).map((f) => layoutFile(f, component.id, options, add));
  return { ...component, source: { content_type: "application/wasm", digest }, files };
}

function layoutFile(file: LockedFile, id: string, options: LayoutOptions, add: AddLayer): LockedFile {
  const bytes = contentOf(file, `file ${file.path} of component "${id}"`, options);
  const path = file.path.replace(/^\/+/, "");
  if (bytes.length <= INLINE_LIMIT) {
    return { digest: sha256Digest(bytes), path, inline: Buffer.from(bytes).toString("base64") };
  }
  return { digest: add(DATA_LAYER, bytes), path };
}

function contentOf(ref: LockedContentRef, what: string, options: LayoutOptions): Uint8Array<ArrayBuffer> {
  if (ref.inline !== undefined) return new Uint8Array(Buffer.from(ref.inline, "base64"));
  if (ref.source?.startsWith("file:") === true) return options.read(ref.source);
  throw new SpindleError(`${what} has no local content to push (${ref.source ?? ref.digest ?? "nothing"})`, {
    hint: "push an app loaded from its spin.toml",
  });
}

function annotationsFor(locked: LockedApp, options: LayoutOptions): Record<string, string> {
  const { name, version, description, authors } = locked.metadata;
  const inferred: Record<string, string> = {
    "org.opencontainers.image.title": name,
    ...(version === undefined ? {} : { "org.opencontainers.image.version": version }),
    ...(description === undefined ? {} : { "org.opencontainers.image.description": description }),
    ...(authors === undefined || authors.length === 0
      ? {}
      : { "org.opencontainers.image.authors": authors.join(", ") }),
    "org.opencontainers.image.created": options.now.toISOString(),
  };
  return { ...inferred, ...options.annotations };
}

function descriptor(blob: ArtifactBlob): Descriptor {
  return { mediaType: blob.mediaType, digest: blob.digest, size: blob.bytes.length };
}

function encode(value: unknown): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(JSON.stringify(value), "utf8"));
}
