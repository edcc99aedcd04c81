/**
 * Entry point of the manifest layer: reads a spin.toml, parses the TOML, checks the manifest version and
 * validates it into a typed, normalised `Manifest`. Only the manifest file itself is read; component
 * sources and `files` are checked later by the app locker. Every problem is a `ManifestError` naming the
 * file and, where known, the line.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parse, TomlError } from "smol-toml";
import { readManifestDocument } from "./document.ts";
import { ManifestError } from "./errors.ts";
import { locateKeys } from "./key-lines.ts";
import { ManifestReader, type TomlTable } from "./reader.ts";
import type { Manifest } from "./schema.ts";
import { checkManifestVersion } from "./version.ts";

/** Reads and validates the spin.toml at `path` (relative paths resolve against the working directory). */
export async function loadManifest(path: string): Promise<Manifest> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw unreadable(file, error);
  }
  return parseManifest(text, file);
}

/**
 * Validates manifest text. `file` is the absolute path of the manifest: it names the file in errors and
 * its directory becomes `Manifest.dir`.
 */
export function parseManifest(text: string, file: string): Manifest {
  const doc = parseToml(text, file);
  const reader = new ManifestReader(file, locateKeys(text));
  checkManifestVersion(reader, doc);
  return readManifestDocument(reader, doc);
}

function parseToml(text: string, file: string): TomlTable {
  try {
    return parse(text, { integersAsBigInt: true });
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const duplicate = duplicateComponent(text, error.line);
    if (duplicate !== undefined) {
      throw new ManifestError(
        { file, line: error.line, keyPath: `component.${duplicate}` },
        `duplicate component id "${duplicate}"`,
        {
          cause: error,
          hint: `[component.${duplicate}] is defined more than once; give each component its own id`,
        },
      );
    }
    const reason = error.message.split("\n", 1)[0]?.replace(/^Invalid TOML document: /, "") ?? "";
    throw new ManifestError(
      { file, line: error.line },
      `invalid TOML at column ${error.column}: ${reason}\n\n${error.codeblock.trimEnd()}`,
      { cause: error, hint: "fix the TOML syntax at the marked position (see https://toml.io)" },
    );
  }
}

/** The id of a `[component.<id>]` header redefined at `line`, which TOML reports only as a redefinition. */
function duplicateComponent(text: string, line: number): string | undefined {
  const header = /^\s*\[\s*component\s*\.\s*"?([^\]."\s]+)"?\s*\]/.exec(text.split("\n")[line - 1] ?? "");
  return header?.[1];
}

function unreadable(file: string, error: unknown): ManifestError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const problem =
    code === "ENOENT"
      ? "the manifest file does not exist"
      : code === "EISDIR"
        ? "this is a directory, not a manifest file"
        : `cannot read the manifest file (${code ?? String(error)})`;
  const hint =
    code === "EISDIR"
      ? "pass the path of the spin.toml file inside it"
      : "check the path; it should point at the application's spin.toml";
  return new ManifestError({ file }, problem, { cause: error, hint });
}
