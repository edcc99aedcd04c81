/**
 * A component's `source`: a path relative to the manifest, or `{ url, digest }` for a download checked
 * against its sha256 digest. The registry form `{ registry?, package, version }` is recognised and
 * refused, since Spindle cannot fetch packages yet. Part of manifest validation; files are not checked
 * here. Pure.
 */
import { joinKey } from "./key-lines.ts";
import {
  checkKeys,
  invalidType,
  isTable,
  readString,
  required,
  type ManifestReader,
  type TomlTable,
} from "./reader.ts";
import type { ComponentSourceDecl } from "./schema.ts";

const SHA256_HEX = /^[0-9a-f]{64}$/;
const REGISTRY_KEYS = ["registry", "package", "version"];

export function readComponentSource(
  r: ManifestReader,
  component: TomlTable,
  keyPath: string,
): ComponentSourceDecl {
  const sourcePath = joinKey(keyPath, "source");
  const source = required(r, component, keyPath, "source");
  if (typeof source === "string") return { kind: "file", path: source };
  if (!isTable(source)) {
    return invalidType(r, sourcePath, source, 'a path or a table like { url = "…", digest = "sha256:…" }');
  }
  if (REGISTRY_KEYS.some((key) => Object.hasOwn(source, key)) && !Object.hasOwn(source, "url")) {
    r.fail(
      sourcePath,
      "registry sources (`registry`, `package`, `version`) are not supported by this version of Spindle",
      'download the component and use its path, or `source = { url = "…", digest = "sha256:…" }`',
    );
  }
  return readUrlSource(r, source, sourcePath);
}

function readUrlSource(r: ManifestReader, source: TomlTable, keyPath: string): ComponentSourceDecl {
  checkKeys(r, source, keyPath, ["url", "digest"]);
  const url = readString(r, required(r, source, keyPath, "url"), joinKey(keyPath, "url"));
  const digestPath = joinKey(keyPath, "digest");
  const digest = readString(r, required(r, source, keyPath, "digest"), digestPath);
  if (!digest.startsWith("sha256:")) {
    r.fail(
      digestPath,
      `invalid \`digest\` ${JSON.stringify(digest)}; must start with 'sha256:'`,
      "write the digest as 'sha256:' followed by the file's SHA-256 in hex (e.g. the output of `sha256sum`)",
    );
  }
  if (!SHA256_HEX.test(digest.slice("sha256:".length))) {
    r.fail(
      digestPath,
      `invalid \`digest\` ${JSON.stringify(digest)}; expected 'sha256:' followed by 64 lowercase hex digits`,
      "compute it with `sha256sum component.wasm` and paste the hex after 'sha256:'",
    );
  }
  return { kind: "url", url, digest };
}
