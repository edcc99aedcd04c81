/**
 * Loads a locked app into memory: each component's Wasm bytes read from its content reference and checked
 * (digest, Wasm preamble), its files turned into a guest path → host path map, its environment and
 * variable templates kept as maps. Runs once per app at start-up; the result is shared by all requests.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { LockedApp, LockedComponent, LockedContentRef } from "./locked.ts";
import { SpindleError } from "../errors.ts";

/** What a Wasm binary is, from its preamble. */
export type WasmKind = "module" | "component";

export interface AppComponent {
  readonly id: string;
  readonly locked: LockedComponent;
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** `sha256:<hex>` of `bytes`: the key of the compiled-module cache. */
  readonly digest: string;
  readonly kind: WasmKind;
  /** Where the bytes came from, for messages: a path, or `inline`. */
  readonly origin: string;
  readonly environment: ReadonlyMap<string, string>;
  /** Absolute guest path → absolute host path, read-only. */
  readonly files: ReadonlyMap<string, string>;
}

export interface LoadedApp {
  readonly locked: LockedApp;
  readonly name: string;
  readonly components: ReadonlyMap<string, AppComponent>;
}

export function loadApp(locked: LockedApp): LoadedApp {
  const components = new Map(locked.components.map((c) => [c.id, loadComponent(c)] as const));
  return { locked, name: locked.metadata.name, components };
}

function loadComponent(component: LockedComponent): AppComponent {
  const { bytes, origin } = readContent(component.source, `component "${component.id}"`);
  const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
  const expected = component.source.digest;
  if (expected !== undefined && expected !== digest) {
    throw new SpindleError(
      `component "${component.id}": digest mismatch for ${origin}: expected ${expected}, got ${digest}`,
      { hint: "the file changed after it was pinned; restore it or update the digest" },
    );
  }
  return {
    id: component.id,
    locked: component,
    bytes,
    digest,
    kind: wasmKind(bytes, component.id, origin),
    origin,
    environment: new Map(Object.entries(component.env ?? {})),
    files: new Map((component.files ?? []).map((f) => [f.path, hostPathOf(f, component.id)])),
  };
}

function readContent(
  ref: LockedContentRef,
  what: string,
): { bytes: Uint8Array<ArrayBuffer>; origin: string } {
  if (ref.inline !== undefined) return { bytes: Buffer.from(ref.inline, "base64"), origin: "inline" };
  if (ref.source?.startsWith("file:") !== true) {
    throw new SpindleError(`${what} has no local source (${ref.source ?? ref.digest ?? "nothing"})`, {
      hint: "load the app from its spin.toml",
    });
  }
  const path = fileURLToPath(ref.source);
  try {
    return { bytes: readFileSync(path), origin: path };
  } catch (cause) {
    throw new SpindleError(`${what}: cannot read ${path}: ${(cause as Error).message}`, {
      cause,
      hint: "check that the file exists and is readable",
    });
  }
}

function hostPathOf(file: LockedContentRef & { readonly path: string }, id: string): string {
  if (file.source?.startsWith("file:") !== true) {
    throw new SpindleError(`component "${id}": file ${file.path} has no local source`, {
      hint: "load the app from its spin.toml",
    });
  }
  return fileURLToPath(file.source);
}

const MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** Core modules carry version 1 in the preamble; components carry layer 1 with version 0x0d. */
function wasmKind(bytes: Uint8Array, id: string, origin: string): WasmKind {
  if (bytes.length < 8 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new SpindleError(`component "${id}": ${origin} is not a WebAssembly file`, {
      hint: "point `source` at a .wasm file (a build output, not the source code)",
    });
  }
  return bytes[6] === 0x01 && bytes[7] === 0x00 && bytes[4] !== 0x01 ? "component" : "module";
}
