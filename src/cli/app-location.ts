/**
 * Finds the manifest a command should use from its `-f/--from` value: a spin.toml file, or a directory
 * holding one (default: the current directory). Pure apart from reading the file system.
 */
import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import { SpindleError } from "../errors.ts";

export function locateManifest(from: string | undefined, cwd: string): string {
  const path = resolve(cwd, from ?? ".");
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) {
    throw new SpindleError(`File or directory '${from ?? path}' not found`, {
      hint: "pass a spin.toml file or a directory containing one with -f",
    });
  }
  if (!stat.isDirectory()) return path;
  const manifest = join(path, "spin.toml");
  if (statSync(manifest, { throwIfNoEntry: false })?.isFile() !== true) {
    throw new SpindleError(`no spin.toml in ${path}`, {
      hint: "run from the app's directory, or pass -f path/to/spin.toml",
    });
  }
  return manifest;
}
