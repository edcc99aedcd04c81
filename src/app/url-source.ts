/**
 * Downloads a component given as `source = { url, digest }` into a content-addressed cache
 * (`<cacheDir>/wasm/sha256:<hex>`), verifying the digest before anything is written. A cached copy is
 * reused without touching the network. Called at lock time, once per component.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ManifestError, type ManifestErrorLocation } from "../manifest/errors.ts";

export interface FetchOptions {
  readonly cacheDir: string;
  /** Where the source is declared, for error messages. */
  readonly where: ManifestErrorLocation;
}

/** Returns the path of the verified cached file. */
export async function fetchVerified(url: string, digest: string, options: FetchOptions): Promise<string> {
  const dir = join(options.cacheDir, "wasm");
  const target = join(dir, digest);
  if (existsSync(target)) return target;
  const bytes = await download(url, options.where);
  const actual = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
  if (actual !== digest) {
    throw new ManifestError(options.where, `digest mismatch for ${url}: expected ${digest}, got ${actual}`, {
      hint: "the file at the URL changed or the digest is wrong; nothing was cached. Fix `digest` if you trust the new file",
    });
  }
  mkdirSync(dir, { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  writeFileSync(partial, bytes);
  renameSync(partial, target);
  return target;
}

async function download(url: string, where: ManifestErrorLocation): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (cause) {
    throw new ManifestError(where, `could not download ${url}: ${describe(cause)}`, {
      cause,
      hint: "check the URL and your network connection",
    });
  }
  if (!response.ok) {
    throw new ManifestError(where, `could not download ${url}: HTTP ${response.status}`, {
      hint: "check the URL",
    });
  }
  return new Uint8Array(await response.arrayBuffer());
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return `${error.message}${cause}`;
  }
  return String(error);
}
