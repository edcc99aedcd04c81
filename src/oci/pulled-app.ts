/**
 * Turns a pulled artifact into a locked app Spindle can run. A Spin app (a locked-app layer, or a config
 * blob that is a locked app, as old Spin versions pushed) gets its Wasm digests pointed at the cached
 * layers and its files unpacked into a per-app directory, each becoming a `{ source: file://…, path }`
 * entry; a single-component Wasm package (runwasi's layout, the CNCF Wasm artifact) becomes a one-route
 * app. The remote JSON is untrusted: ids and paths are checked before anything touches the disk.
 */
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { LockedApp, LockedComponent, LockedFile } from "../app/locked.ts";
import { SpindleError } from "../errors.ts";
import type { RegistryCache } from "./cache.ts";
import { isSha256Digest, verifyDigest } from "./digest.ts";
import type { PulledArtifact } from "./pull.ts";
import { formatReference } from "./reference.ts";
import { wasmPackageApp } from "./wasm-package.ts";

/** Spin's `metadata.origin` for an app loaded from a registry. */
const OCI_ORIGIN_PREFIX = "vnd.fermyon.origin-oci:";

export function lockedAppFromArtifact(artifact: PulledArtifact, cache: RegistryCache): LockedApp {
  const name = formatReference(artifact.reference);
  const locked = parseLockedApp(artifact.lockedApp, name) ?? parseLockedApp(artifact.config, name, true);
  const app = locked === undefined ? wasmPackageApp(artifact, name) : spinApp(locked, artifact, cache, name);
  return { ...app, metadata: { ...app.metadata, origin: `${OCI_ORIGIN_PREFIX}${name}` } };
}

function spinApp(locked: LockedApp, artifact: PulledArtifact, cache: RegistryCache, name: string): LockedApp {
  const appDir = cache.appDir(artifact.digest);
  const components = locked.components.map((c) => checkComponent(c, name));
  cache.fillOnce(appDir, (into) =>
    components.forEach((c) => unpackFiles(c, artifact, join(into, c.id), name)),
  );
  return {
    ...locked,
    components: components.map((c) => runnableComponent(c, artifact, join(appDir, c.id), name)),
  };
}

/** The locked app in `bytes`; `undefined` when absent or (for a config blob) not a locked app. */
function parseLockedApp(
  bytes: Uint8Array | undefined,
  name: string,
  optional = false,
): LockedApp | undefined {
  if (bytes === undefined) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch (cause) {
    if (optional) return undefined;
    throw invalid(name, `the locked app is not JSON (${(cause as Error).message})`);
  }
  if (optional && (doc as { spin_lock_version?: unknown } | null)?.spin_lock_version === undefined) {
    return undefined;
  }
  if (!isLockedApp(doc)) {
    throw invalid(name, "the locked app lacks spin_lock_version, metadata, triggers or components");
  }
  return doc;
}

function isLockedApp(doc: unknown): doc is LockedApp {
  const app = doc as Partial<Record<keyof LockedApp, unknown>> | null;
  return (
    (app?.spin_lock_version === 0 || app?.spin_lock_version === 1) &&
    typeof app.metadata === "object" &&
    app.metadata !== null &&
    Array.isArray(app.triggers) &&
    Array.isArray(app.components)
  );
}

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

function checkComponent(component: LockedComponent, name: string): LockedComponent {
  if (typeof component.id !== "string" || !SAFE_ID.test(component.id)) {
    throw invalid(name, `component id ${JSON.stringify(component.id)} is not a plain name`);
  }
  for (const file of component.files ?? []) checkRelativePath(file.path, component.id, name);
  return component;
}

/** A file path from the registry must stay inside the app's directory: plain relative segments only. */
export function checkRelativePath(path: unknown, component: string, name: string): string {
  const segments = typeof path === "string" ? path.split("/") : [];
  const safe =
    segments.length > 0 &&
    segments.every((s) => s !== "" && s !== "." && s !== ".." && !s.includes("\\") && !s.includes("\0"));
  if (!safe) {
    throw invalid(
      name,
      `component "${component}" has file path ${JSON.stringify(path)}, which is not a plain relative path`,
    );
  }
  return path as string;
}

function unpackFiles(component: LockedComponent, artifact: PulledArtifact, dir: string, name: string): void {
  for (const file of component.files ?? []) {
    const target = join(dir, ...file.path.split("/"));
    mkdirSync(dirname(target), { recursive: true });
    if (file.inline !== undefined) {
      const bytes = Buffer.from(file.inline, "base64");
      if (file.digest !== undefined) verifyDigest(bytes, file.digest, `inline file ${file.path} of ${name}`);
      writeFileSync(target, bytes);
      continue;
    }
    copyFileSync(
      layerFor(artifact, file.digest, `file ${file.path} of component "${component.id}"`, name),
      target,
    );
  }
}

function runnableComponent(component: LockedComponent, artifact: PulledArtifact, dir: string, name: string) {
  const { source } = component;
  const wasm =
    source.inline !== undefined
      ? {}
      : {
          source: pathToFileURL(layerFor(artifact, source.digest, `component "${component.id}"`, name)).href,
        };
  const files: LockedFile[] = (component.files ?? []).map((f) => ({
    source: pathToFileURL(join(dir, ...f.path.split("/"))).href,
    path: `/${f.path}`,
  }));
  return { ...component, source: { ...source, ...wasm }, files };
}

function layerFor(artifact: PulledArtifact, digest: string | undefined, what: string, name: string): string {
  const path = digest !== undefined && isSha256Digest(digest) ? artifact.layerPaths.get(digest) : undefined;
  if (path === undefined) {
    throw invalid(name, `${what} refers to ${digest ?? "no digest"}, which is not a layer of the artifact`);
  }
  return path;
}

function invalid(name: string, problem: string): SpindleError {
  return new SpindleError(`${name} is not a valid Spin app: ${problem}`, {
    hint: "push the app again with `spindle registry push` or `spin registry push`",
  });
}
