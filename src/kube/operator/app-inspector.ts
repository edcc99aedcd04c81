/**
 * Reads the facts of a SpinApp's image from its registry with Spindle's OCI client: the manifest (one
 * request per reconcile, since tags move), then the locked-app layer only, never the Wasm. Facts are kept
 * per manifest digest, so an unchanged image costs one manifest request. Registry credentials are the
 * login the caller found in the app's pull Secrets, else the operator's Docker config (`DOCKER_CONFIG`).
 * One per operator.
 */
import type { LockedApp } from "../../app/locked.ts";
import { RegistryClient, type ClientOptions } from "../../oci/client.ts";
import type { Credentials } from "../../oci/credentials.ts";
import { SPIN_LOCKED_APP } from "../../oci/media-types.ts";
import { parseReference } from "../../oci/reference.ts";
import { lockedAppFacts, wasmPackageFacts, type AppFacts } from "./app-facts.ts";

export interface AppSource {
  /** The facts of `image`, read with `login` when given. */
  inspect(image: string, login?: Credentials): Promise<AppFacts>;
}

export class RegistryAppSource implements AppSource {
  readonly #options: ClientOptions;
  readonly #byDigest = new Map<string, AppFacts>();
  readonly #maxEntries: number;

  constructor(options: ClientOptions = {}, maxEntries = 1000) {
    this.#options = options;
    this.#maxEntries = maxEntries;
  }

  async inspect(image: string, login?: Credentials): Promise<AppFacts> {
    const ref = parseReference(image);
    const client = RegistryClient.create(ref.registry, this.#options, login);
    const { manifest, digest } = await client.pullManifest(ref);
    const cached = this.#byDigest.get(digest);
    if (cached !== undefined) return cached;
    const layer = manifest.layers.find((l) => l.mediaType === SPIN_LOCKED_APP);
    const bytes = await client.pullBlob(ref.repository, (layer ?? manifest.config).digest);
    const locked = parseLocked(bytes);
    const facts = locked === undefined ? wasmPackageFacts(digest) : lockedAppFacts(digest, locked);
    if (this.#byDigest.size >= this.#maxEntries) this.#byDigest.clear();
    this.#byDigest.set(digest, facts);
    return facts;
  }
}

/** The locked app in a layer or (for old Spin pushes) the config blob; `undefined` for anything else. */
function parseLocked(bytes: Uint8Array): LockedApp | undefined {
  try {
    const doc = JSON.parse(Buffer.from(bytes).toString("utf8")) as Partial<LockedApp> | null;
    return doc !== null && Array.isArray(doc.triggers) && doc.spin_lock_version !== undefined
      ? (doc as LockedApp)
      : undefined;
  } catch {
    return undefined;
  }
}
