/**
 * Shared fixtures for the manifest unit tests: a minimal valid manifest to extend, and an assertion that
 * parsing fails with an exact problem at the line holding a given piece of text. Test support only.
 */
import assert from "node:assert/strict";
import { ManifestError } from "./errors.ts";
import { parseManifest } from "./load.ts";
import type { Manifest } from "./schema.ts";

export const FILE = "/apps/shop/spin.toml";

/** The version line and `[application]`: every test manifest starts with these. */
export const HEAD = `spin_manifest_version = 2
[application]
name = "shop"
`;

/** One HTTP trigger and the component it runs. */
export const HELLO = `
[[trigger.http]]
route = "/..."
component = "hello"

[component.hello]
source = "hello.wasm"
`;

export function parse(text: string): Manifest {
  return parseManifest(text, FILE);
}

export interface ExpectedError {
  /** Text on the line the error must point at; `null` when the error has no line. */
  readonly at: string | null;
  readonly keyPath?: string;
  readonly problem: string;
  /** A fragment the hint must contain. */
  readonly hint?: string;
}

/** Parses `text`, expecting a `ManifestError` with exactly `problem` at the line containing `at`. */
export function expectError(text: string, expected: ExpectedError): ManifestError {
  let caught: unknown;
  try {
    parse(text);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ManifestError, `expected a ManifestError, got ${String(caught)}`);
  assert.equal(caught.problem, expected.problem);
  assert.equal(caught.file, FILE);
  assert.equal(caught.line, expected.at === null ? undefined : lineContaining(text, expected.at));
  if (expected.keyPath !== undefined) assert.equal(caught.keyPath, expected.keyPath);
  if (expected.hint !== undefined)
    assert.ok(caught.hint?.includes(expected.hint), `hint was: ${caught.hint}`);
  return caught;
}

/** The 1-based line of the only line containing `fragment`. */
export function lineContaining(text: string, fragment: string): number {
  const lines = text.split("\n").flatMap((line, index) => (line.includes(fragment) ? [index + 1] : []));
  assert.equal(lines.length, 1, `fragment ${JSON.stringify(fragment)} must occur on exactly one line`);
  return lines[0] ?? 0;
}
