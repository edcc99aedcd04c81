/**
 * Parses `--variable` values: `name=value`, `name=@file` (the file's contents), and `@file.json` /
 * `@file.toml` (a table of name → value). Later flags override earlier ones, as on Spin's command line.
 */
import { readFileSync } from "node:fs";
import { extname, resolve } from "node:path";
import { parse as parseToml } from "smol-toml";
import { SpindleError } from "../errors.ts";

export function parseVariableFlags(flags: readonly string[], cwd: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const flag of flags) {
    const entries = flag.startsWith("@") ? readTable(flag.slice(1), cwd) : [parsePair(flag, cwd)];
    for (const [name, value] of entries) values.set(name, value);
  }
  return values;
}

function parsePair(flag: string, cwd: string): [string, string] {
  const eq = flag.indexOf("=");
  if (eq <= 0) {
    throw new SpindleError(
      `invalid --variable "${flag}": expected NAME=VALUE, NAME=@FILE or @FILE.json/.toml`,
      {
        hint: "for example --variable api_key=secret",
      },
    );
  }
  const name = flag.slice(0, eq);
  const value = flag.slice(eq + 1);
  return [name, value.startsWith("@") ? readText(value.slice(1), cwd, flag) : value];
}

function readText(file: string, cwd: string, flag: string): string {
  try {
    return readFileSync(resolve(cwd, file), "utf8");
  } catch (cause) {
    throw new SpindleError(`--variable ${flag}: cannot read ${file}: ${(cause as Error).message}`, {
      cause,
      hint: "check the path (relative to the current directory)",
    });
  }
}

function readTable(file: string, cwd: string): [string, string][] {
  const text = readText(file, cwd, `@${file}`);
  const ext = extname(file).toLowerCase();
  if (ext !== ".json" && ext !== ".toml") {
    throw new SpindleError(`--variable @${file}: a variables file must end in .json or .toml`, {
      hint: "use NAME=@FILE to read one variable's value from a file",
    });
  }
  let table: unknown;
  try {
    table = ext === ".json" ? JSON.parse(text) : parseToml(text);
  } catch (cause) {
    throw new SpindleError(`--variable @${file}: ${(cause as Error).message}`, {
      cause,
      hint: "fix the file",
    });
  }
  if (typeof table !== "object" || table === null || Array.isArray(table)) {
    throw new SpindleError(`--variable @${file}: expected a table of name = "value"`, {
      hint: "fix the file",
    });
  }
  return Object.entries(table).map(([name, value]) => {
    if (typeof value !== "string") {
      throw new SpindleError(`--variable @${file}: value of "${name}" must be a string`, {
        hint: `quote it: ${name} = "${String(value)}"`,
      });
    }
    return [name, value];
  });
}
