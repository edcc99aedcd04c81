/**
 * An OCI distribution client on `fetch`: blob exists/push/pull, manifest get/put, and a login check,
 * each against one registry. Every blob and manifest fetched is checked against its digest before it is
 * returned; uploads are monolithic (POST, then PUT with the digest), or a cross-repository mount when the
 * caller knows another repository holding the blob. HTTP failures become `SpindleError`s
 * naming the reference and what to do. One per registry per command; cheap to create.
 */
import { SpindleError } from "../errors.ts";
import type { Exchange } from "./auth.ts";
import { findCredentials, type HelperRunner } from "./credentials.ts";
import { verifyDigest, sha256Digest } from "./digest.ts";
import { MANIFEST_ACCEPT } from "./media-types.ts";
import { parseManifestBytes, selectWasmEntry, type OciManifest } from "./oci-manifest.ts";
import { formatReference, manifestSelector, type Reference } from "./reference.ts";
import type { RetryPolicy } from "./retry.ts";
import { RegistryTransport } from "./transport.ts";

export interface ClientOptions {
  /** Plain HTTP for a registry that is not on this machine. */
  readonly insecure?: boolean;
  /** Environment for finding Docker's config.json (`DOCKER_CONFIG`, `HOME`). */
  readonly env?: NodeJS.ProcessEnv;
  readonly runHelper?: HelperRunner;
  readonly fetch?: typeof fetch;
  readonly retry?: RetryPolicy;
}

export interface PulledManifest {
  readonly manifest: OciManifest;
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** Digest of `bytes`, verified. */
  readonly digest: string;
}

export class RegistryClient {
  readonly #transport: RegistryTransport;

  constructor(transport: RegistryTransport) {
    this.#transport = transport;
  }

  /** A client for `registry` using the Docker config's credentials (or an explicit login for `login`). */
  static create(
    registry: string,
    options: ClientOptions = {},
    login?: { username: string; password: string },
  ) {
    const env = options.env ?? process.env;
    const credentials = () =>
      login !== undefined
        ? Promise.resolve(login)
        : findCredentials(registry, { env, ...(options.runHelper ? { runHelper: options.runHelper } : {}) });
    return new RegistryClient(
      new RegistryTransport({
        registry,
        credentials,
        ...(options.insecure === undefined ? {} : { insecure: options.insecure }),
        ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
        ...(options.retry === undefined ? {} : { retry: options.retry }),
      }),
    );
  }

  /** Throws unless the registry accepts the client's credentials. */
  verifyLogin(): Promise<void> {
    return this.#transport.auth.verify();
  }

  /**
   * Whether the repository holds the blob. A server error that outlasts the retries counts as no:
   * distribution answers so for a blob whose link a crash left empty, and pushing the blob again rewrites
   * the link, so a pusher uploads rather than gives up (as Docker's does).
   */
  async blobExists(repository: string, digest: string): Promise<boolean> {
    const response = await this.#send(repository, "pull", {
      method: "HEAD",
      target: `/v2/${repository}/blobs/${digest}`,
    });
    if (response.status === 200) return true;
    if (response.status === 404) return false;
    if (response.status >= 500) return false;
    throw await this.#failure(response, `blob ${digest} of ${this.#name(repository)}`);
  }

  /**
   * Uploads `bytes` unless `mountFrom` (another repository of this registry) can lend them: the registry
   * then links its copy (201) instead of opening an upload session (202), and nothing is sent.
   */
  async pushBlob(
    repository: string,
    bytes: Uint8Array<ArrayBuffer>,
    mountFrom?: string,
  ): Promise<{ digest: string; mounted: boolean }> {
    const digest = sha256Digest(bytes);
    const what = `blob ${digest} to ${this.#name(repository)}`;
    const mount = mountFrom === undefined ? "" : `?mount=${digest}&from=${encodeURIComponent(mountFrom)}`;
    const scope = `repository:${repository}:pull,push${mountFrom === undefined ? "" : ` repository:${mountFrom}:pull`}`;
    const started = await this.#transport.request({
      method: "POST",
      target: `/v2/${repository}/blobs/uploads/${mount}`,
      scope,
      headers: { "content-length": "0" },
    });
    if (mountFrom !== undefined && started.status === 201) return { digest, mounted: true };
    const location = started.headers.get("location");
    if (started.status !== 202 || location === null) throw await this.#failure(started, `upload of ${what}`);
    const url = new URL(location, this.#transport.baseUrl);
    url.searchParams.set("digest", digest);
    const finished = await this.#send(repository, "pull,push", {
      method: "PUT",
      target: url.href,
      headers: { "content-type": "application/octet-stream", "content-length": String(bytes.length) },
      body: bytes,
    });
    if (finished.status !== 201) throw await this.#failure(finished, `upload of ${what}`);
    return { digest, mounted: false };
  }

  /** The blob's bytes, verified against `digest`. */
  async pullBlob(repository: string, digest: string): Promise<Uint8Array<ArrayBuffer>> {
    const what = `blob ${digest} of ${this.#name(repository)}`;
    const response = await this.#send(repository, "pull", {
      method: "GET",
      target: `/v2/${repository}/blobs/${digest}`,
    });
    if (response.status !== 200) throw await this.#failure(response, what);
    verifyDigest(response.body, digest, what);
    return response.body;
  }

  /** The image manifest `ref` names; for an index, the manifest of its wasm entry. */
  async pullManifest(ref: Reference): Promise<PulledManifest> {
    const name = formatReference(ref);
    const first = await this.#getManifest(ref.repository, manifestSelector(ref), `manifest ${name}`);
    if (first.parsed.kind === "manifest")
      return { manifest: first.parsed.manifest, bytes: first.bytes, digest: first.digest };
    const entry = selectWasmEntry(first.parsed.manifests, name);
    const second = await this.#getManifest(
      ref.repository,
      entry.digest,
      `manifest ${entry.digest} (wasm entry of ${name})`,
    );
    if (second.parsed.kind !== "manifest") {
      throw new SpindleError(`${name}: index entry ${entry.digest} is itself an index`, {
        hint: "reference the image manifest by digest",
      });
    }
    return { manifest: second.parsed.manifest, bytes: second.bytes, digest: second.digest };
  }

  async #getManifest(repository: string, selector: string, what: string) {
    const response = await this.#send(repository, "pull", {
      method: "GET",
      target: `/v2/${repository}/manifests/${selector}`,
      headers: { accept: MANIFEST_ACCEPT },
    });
    if (response.status !== 200) throw await this.#failure(response, what);
    const digest = sha256Digest(response.body);
    const claimed = selector.startsWith("sha256:") ? selector : response.headers.get("docker-content-digest");
    if (claimed !== null) verifyDigest(response.body, claimed, what);
    const parsed = parseManifestBytes(response.body, response.headers.get("content-type") ?? "", what);
    return { parsed, bytes: response.body, digest };
  }

  /** Stores a manifest under `ref`'s tag (or digest); returns its digest. */
  async pushManifest(ref: Reference, bytes: Uint8Array<ArrayBuffer>, mediaType: string): Promise<string> {
    const response = await this.#send(ref.repository, "pull,push", {
      method: "PUT",
      target: `/v2/${ref.repository}/manifests/${manifestSelector(ref)}`,
      headers: { "content-type": mediaType },
      body: bytes,
    });
    if (response.status !== 201)
      throw await this.#failure(response, `manifest push to ${formatReference(ref)}`);
    return sha256Digest(bytes);
  }

  #send(
    repository: string,
    actions: string,
    spec: Omit<Parameters<RegistryTransport["request"]>[0], "scope">,
  ) {
    return this.#transport.request({ ...spec, scope: `repository:${repository}:${actions}` });
  }

  #name(repository: string): string {
    return `${this.#transport.registry}/${repository}`;
  }

  async #failure(response: Exchange, what: string): Promise<SpindleError> {
    const registry = this.#transport.registry;
    const detail = registryMessage(response);
    const status = `HTTP ${response.status}${detail === "" ? "" : `: ${detail}`}`;
    if (response.status === 401) {
      const loggedIn = await this.#transport.auth.hasCredentials();
      return new SpindleError(`${what}: ${registry} requires authentication (${status})`, {
        hint: loggedIn
          ? `the stored login was refused; log in again: spindle registry login ${registry} -u <user>`
          : `log in first: spindle registry login ${registry} -u <user>`,
      });
    }
    if (response.status === 403) {
      return new SpindleError(`${what}: access denied by ${registry} (${status})`, {
        hint: "check that your account may access this repository",
      });
    }
    if (response.status === 404) {
      return new SpindleError(`${what}: not found (${status})`, {
        hint: "check the repository, tag or digest",
      });
    }
    return new SpindleError(`${what} failed: ${status}`, {
      hint: "check the registry's logs, or try again later",
    });
  }
}

/** The first `errors[].code: message` of a registry's JSON error body, if it sent one. */
function registryMessage(response: Exchange): string {
  try {
    const body = JSON.parse(Buffer.from(response.body).toString("utf8")) as {
      errors?: { code?: string; message?: string }[];
    };
    const first = body.errors?.[0];
    return first === undefined ? "" : [first.code, first.message].filter(Boolean).join(": ");
  } catch {
    return "";
  }
}
