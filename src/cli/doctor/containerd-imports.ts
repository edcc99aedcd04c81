/**
 * The files of one containerd config in the order containerd loads them: the config, then the files its
 * `imports` name, breadth first and each once — a relative path from the importing file's directory, a
 * path with `*` expanded as a glob. k0s's containerd.toml reaches the runtime only this way (it imports
 * its drop-ins, or before 1.36 the CRI config it merged them into), so `spindle doctor --node` looks for
 * the runtime in all of them. Reads the files once per check.
 */
import { globSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, normalize } from "node:path";
import { parse } from "smol-toml";
import { SpindleError } from "../../errors.ts";

export type Table = Readonly<Record<string, unknown>>;

/** One file of a containerd config and the TOML parsed from it. */
export interface ConfigFile {
  readonly path: string;
  readonly config: Table;
}

const FIX_HINT = "fix the file: containerd will not start with it either";

/** The absolute paths one file's `imports` name, as containerd resolves them. */
function resolveImports(parent: string, config: Table): string[] {
  const imports = config["imports"];
  if (!Array.isArray(imports)) return [];
  return imports
    .filter((entry): entry is string => typeof entry === "string")
    .flatMap((entry) => {
      const path = isAbsolute(entry) ? normalize(entry) : join(dirname(parent), entry);
      return path.includes("*") ? globSync(path).sort() : [path];
    });
}

function readConfigFile(path: string, importedBy: string | undefined): ConfigFile {
  const where = importedBy === undefined ? path : `${path}, imported by ${importedBy},`;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SpindleError(`${where} cannot be read: ${reason}`, { hint: FIX_HINT });
  }
  try {
    return { path, config: parse(text) };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n", 1)[0] : String(error);
    throw new SpindleError(`${where} is not valid TOML: ${reason}`, { hint: FIX_HINT });
  }
}

/** A config file and the files it imports, directly or not, in containerd's load order. */
export interface LoadedConfig {
  readonly root: ConfigFile;
  readonly imported: readonly ConfigFile[];
}

/** Loads `file` and its imports. Throws a SpindleError naming a file that cannot be read or is not TOML. */
export function loadContainerdConfig(file: string): LoadedConfig {
  const root = readConfigFile(file, undefined);
  const imported: ConfigFile[] = [];
  const pending = resolveImports(file, root.config).map((path) => ({ path, importedBy: file }));
  const loaded = new Set([file]);
  for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
    if (loaded.has(next.path)) continue;
    loaded.add(next.path);
    const configFile = readConfigFile(next.path, next.importedBy);
    imported.push(configFile);
    pending.push(
      ...resolveImports(next.path, configFile.config).map((path) => ({ path, importedBy: next.path })),
    );
  }
  return { root, imported };
}
