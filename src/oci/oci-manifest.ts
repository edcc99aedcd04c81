/**
 * The OCI manifest and index documents as Spindle reads them: types, a checked parse of fetched bytes
 * (anything malformed is an error naming the reference, never a crash later), and the choice of the
 * `wasm` platform entry of an index. Pure.
 */
import { SpindleError } from "../errors.ts";
import { isSha256Digest } from "./digest.ts";
import { INDEX_TYPES } from "./media-types.ts";

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly platform?: { readonly architecture?: string; readonly os?: string };
}

export interface OciManifest {
  readonly schemaVersion: 2;
  readonly mediaType?: string;
  readonly artifactType?: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  readonly annotations?: Readonly<Record<string, string>>;
}

export type ParsedManifest =
  | { readonly kind: "manifest"; readonly manifest: OciManifest }
  | { readonly kind: "index"; readonly manifests: readonly Descriptor[] };

/** Parses manifest or index bytes; `contentType` is the response's, used when the body names no type. */
export function parseManifestBytes(bytes: Uint8Array, contentType: string, what: string): ParsedManifest {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString("utf8")) as Record<string, unknown>;
  } catch (cause) {
    throw malformed(what, `it is not JSON (${(cause as Error).message})`);
  }
  if (typeof doc !== "object" || doc === null || doc["schemaVersion"] !== 2) {
    throw malformed(what, "it is not a schemaVersion 2 manifest");
  }
  const mediaType =
    typeof doc["mediaType"] === "string" ? doc["mediaType"] : contentType.split(";")[0]?.trim();
  if ((mediaType !== undefined && INDEX_TYPES.has(mediaType)) || Array.isArray(doc["manifests"])) {
    return { kind: "index", manifests: descriptors(doc["manifests"], what) };
  }
  const [config] = descriptors([doc["config"]], what);
  if (config === undefined) throw malformed(what, "it has no config");
  const layers = descriptors(doc["layers"], what);
  return { kind: "manifest", manifest: { ...(doc as unknown as OciManifest), config, layers } };
}

function descriptors(value: unknown, what: string): Descriptor[] {
  if (!Array.isArray(value)) throw malformed(what, "a descriptor list is missing");
  return value.map((item: unknown) => {
    const d = item as Partial<Record<keyof Descriptor, unknown>> | null;
    if (typeof d?.mediaType !== "string" || typeof d.digest !== "string" || typeof d.size !== "number") {
      throw malformed(what, "a descriptor lacks mediaType, digest or size");
    }
    if (!isSha256Digest(d.digest)) throw malformed(what, `digest "${d.digest}" is not sha256`);
    return item as Descriptor;
  });
}

/** The index entry for Wasm (`architecture: wasm`); a sole entry is taken whatever its platform. */
export function selectWasmEntry(manifests: readonly Descriptor[], what: string): Descriptor {
  const wasm = manifests.find((m) => m.platform?.architecture === "wasm");
  const chosen = wasm ?? (manifests.length === 1 ? manifests[0] : undefined);
  if (chosen === undefined) {
    const platforms = manifests.map((m) => `${m.platform?.os ?? "?"}/${m.platform?.architecture ?? "?"}`);
    throw new SpindleError(
      `${what} is an index with no wasm platform (it has ${platforms.join(", ") || "none"})`,
      {
        hint: "push the app as a Wasm artifact, or reference the wasm manifest by digest",
      },
    );
  }
  return chosen;
}

function malformed(what: string, problem: string): SpindleError {
  return new SpindleError(`${what} is not a valid OCI manifest: ${problem}`, {
    hint: "check that the reference points at an OCI artifact",
  });
}
