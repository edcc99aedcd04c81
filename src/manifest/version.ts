/**
 * Manifest version detection, the first check on a parsed spin.toml: only version 2 is accepted. A
 * version 1 manifest gets an error that explains how to convert it by hand. Pure.
 */
import type { ManifestReader, TomlTable } from "./reader.ts";

const V1_HINT = [
  "convert it to version 2:",
  "set `spin_manifest_version = 2`;",
  "move `name`, `version`, `description` and `authors` under `[application]`;",
  'turn each `[[component]]` with `id = "x"` into a `[component.x]` table (without `id`);',
  'replace its `[component.trigger] route = "/r"` with a `[[trigger.http]]` table holding `route = "/r"` and `component = "x"`;',
  "rename each component's `config` to `variables`;",
  'if the top-level `trigger = { type = "http", base = "/b" }` has a base other than "/", prefix every route with it and drop the top-level `trigger`.',
].join(" ");

/** Raises a `ManifestError` unless the manifest declares `spin_manifest_version = 2`. */
export function checkManifestVersion(r: ManifestReader, doc: TomlTable): void {
  const key = Object.hasOwn(doc, "spin_manifest_version") ? "spin_manifest_version" : "spin_version";
  if (!Object.hasOwn(doc, key)) {
    r.fail(
      "spin_manifest_version",
      "missing field `spin_manifest_version`",
      "add `spin_manifest_version = 2` at the top of the file",
    );
  }
  const version = doc[key];
  if (version === 2n) return;
  if (version === "1") {
    r.fail(key, "this is a version 1 manifest, and Spindle reads only version 2 manifests", V1_HINT);
  }
  r.fail(key, `invalid manifest version: ${tomlText(version)}`, "set `spin_manifest_version = 2`");
}

/** The value as TOML would write it, for messages. */
function tomlText(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" && Number.isInteger(value)) return value.toFixed(1);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object" && value !== null) return Array.isArray(value) ? "[…]" : "{…}";
  return String(value);
}
