/**
 * Content digests as OCI uses them (`sha256:<64 hex>`): computing one, checking a string is one, and
 * refusing bytes that do not match the digest they were fetched by. Pure; used by every blob and
 * manifest transfer in `src/oci/`.
 */
import { createHash } from "node:crypto";
import { SpindleError } from "../errors.ts";

const SHA256 = /^sha256:[a-f0-9]{64}$/;

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

export function isSha256Digest(value: string): boolean {
  return SHA256.test(value);
}

/**
 * Throws unless `bytes` hash to `expected`. `what` names the object for the message, e.g.
 * `layer sha256:… of 127.0.0.1:5000/app:v1`.
 */
export function verifyDigest(bytes: Uint8Array, expected: string, what: string): void {
  const actual = sha256Digest(bytes);
  if (actual !== expected) {
    throw new SpindleError(`digest mismatch for ${what}: expected ${expected}, got ${actual}`, {
      hint: "the registry returned content that does not match its digest; nothing was cached. Push the artifact again or check the registry's storage",
    });
  }
}
