/**
 * Lays a locked app out as a Spin OCI artifact, exactly as `spin registry push` does: one Wasm layer per
 * distinct component binary, one data layer per distinct file (files of at most 128 bytes are inlined in
 * the locked app instead), the locked app itself (sources by digest, files by relative path, no origin)
 * as the last layer, an OCI image config labelled with the locked app's digest, and the manifest with its
 * annotations. In "archive" mode (asked for, or when the simple layout needs more layers than registries
 * take) each component's files travel as one tar.gz layer instead, while the locked app still lists every
 * file by digest. Pure: bytes come from the injected `read`; nothing here touches the network.
 */
import type { LockedApp, LockedComponent, LockedContentRef, LockedFile } from "../app/locked.ts";
import { SpindleError } from "../errors.ts";
import { sha256Digest } from "./digest.ts";
import {
  ARCHIVE_LAYER,
  DATA_LAYER,
  OCI_IMAGE_CONFIG,
  OCI_MANIFEST,
  SPIN_LOCKED_APP,
  WASM_LAYER,
} from "./media-types.ts";
import type { Descriptor, OciManifest } from "./oci-manifest.ts";
import { packTarGz } from "./tar-gz.ts";

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
  /** One tar.gz layer per component's files (Spin's `SPIN_OCI_ARCHIVE_LAYERS`); also chosen when needed. */
  readonly archive?: boolean;
}

/** Files up to this size travel inside the locked app (some registries refuse tiny blobs). */
export const INLINE_LIMIT = 128;
const MAX_LAYERS = 500;
export const LOCKED_APP_DIGEST_LABEL = "com.fermyon.spin.lockedAppDigest";

export function buildSpinArtifact(locked: LockedApp, options: LayoutOptions): SpinArtifact {
  const simple = options.archive === true ? undefined : layOut(locked, options, false);
  const { layers, lockedLayer } =
    simple !== undefined && simple.layers.length <= MAX_LAYERS ? simple : layOut(locked, options, true);
  if (layers.length > MAX_LAYERS) {
    throw new SpindleError(
      `app "${locked.metadata.name}" needs ${layers.length} layers even with its files archived; registries take at most ${MAX_LAYERS}`,
      { hint: "reduce the number of distinct components" },
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
    layers: layers.map(descriptor),
    annotations: annotationsFor(locked, options),
  };
  return { config, layers, manifest, manifestBytes: encode(manifest) };
}

/** The layers (the locked app last) of one layout mode. */
function layOut(locked: LockedApp, options: LayoutOptions, archive: boolean) {
  const layers = new Map<string, ArtifactBlob>();
  const add = (mediaType: string, bytes: Uint8Array<ArrayBuffer>) => {
    const digest = sha256Digest(bytes);
    if (!layers.has(digest)) layers.set(digest, { mediaType, digest, bytes });
    return digest;
  };
  const components = locked.components.map((c) => layoutComponent(c, { ...options, archive }, add));
  // Where the app came from on this machine means nothing to whoever pulls it.
  const metadata = { ...locked.metadata, origin: undefined };
  const lockedBytes = encode({ ...locked, metadata, components });
  const lockedLayer: ArtifactBlob = {
    mediaType: SPIN_LOCKED_APP,
    digest: sha256Digest(lockedBytes),
    bytes: lockedBytes,
  };
  return { layers: [...layers.values(), lockedLayer], lockedLayer };
}

type AddLayer = (mediaType: string, bytes: Uint8Array<ArrayBuffer>) => string;

function layoutComponent(component: LockedComponent, options: LayoutOptions, add: AddLayer): LockedComponent {
  const what = `component "${component.id}"`;
  const digest = add(WASM_LAYER, contentOf(component.source, what, options));
  const contents = (component.files ?? []).map((file) => ({
    path: file.path.replace(/^\/+/, ""),
    bytes: contentOf(file, `file ${file.path} of component "${component.id}"`, options),
  }));
  if (options.archive === true && contents.length > 0) add(ARCHIVE_LAYER, packTarGz(contents));
  const files = contents.map(({ path, bytes }): LockedFile => {
    if (bytes.length <= INLINE_LIMIT) {
      return { digest: sha256Digest(bytes), path, inline: Buffer.from(bytes).toString("base64") };
    }
    return { digest: options.archive === true ? sha256Digest(bytes) : add(DATA_LAYER, bytes), path };
  });
  return { ...component, source: { content_type: "application/wasm", digest }, files };
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
