/**
 * A component's `files` (patterns or `{ source, destination }` placements) and `[component.x.build]`
 * settings. Only the shape is checked here: whether files exist is the app locker's concern, because
 * `spindle build` reads the manifest before its outputs exist. Part of manifest validation. Pure.
 */
import { joinKey } from "./key-lines.ts";
import {
  checkKeys,
  invalidType,
  isTable,
  optionalString,
  optionalStringArray,
  readArray,
  readStringArray,
  readString,
  readTable,
  required,
  type ManifestReader,
  type TomlTable,
} from "./reader.ts";
import type { BuildDecl, FilesEntryDecl } from "./schema.ts";

const DIRECTORY_HINT =
  "to include a directory, use the source-destination form, or a glob pattern ending in **/*";

export function readFiles(r: ManifestReader, component: TomlTable, keyPath: string): FilesEntryDecl[] {
  if (!Object.hasOwn(component, "files")) return [];
  const filesPath = joinKey(keyPath, "files");
  return readArray(r, component["files"], filesPath).map((entry, index) =>
    readFilesEntry(r, entry, `${filesPath}[${index}]`),
  );
}

function readFilesEntry(r: ManifestReader, entry: unknown, keyPath: string): FilesEntryDecl {
  if (typeof entry === "string") {
    checkPattern(r, entry, keyPath);
    return { kind: "pattern", pattern: entry };
  }
  if (!isTable(entry)) {
    return invalidType(r, keyPath, entry, 'a pattern or a table like { source = "…", destination = "/…" }');
  }
  checkKeys(r, entry, keyPath, ["source", "destination"]);
  const source = readString(r, required(r, entry, keyPath, "source"), joinKey(keyPath, "source"));
  const destinationPath = joinKey(keyPath, "destination");
  const destination = readString(r, required(r, entry, keyPath, "destination"), destinationPath);
  if (!destination.startsWith("/")) {
    r.fail(
      destinationPath,
      `\`destination\` ${JSON.stringify(destination)} must be an absolute path`,
      `start it with '/', e.g. destination = "/${destination}"`,
    );
  }
  return { kind: "placement", source, destination };
}

function checkPattern(r: ManifestReader, pattern: string, keyPath: string): void {
  if (pattern === ".." || pattern.endsWith("/..")) {
    r.fail(keyPath, "A file pattern can't end in a parent directory path (..)", DIRECTORY_HINT);
  }
  if (pattern === "." || pattern.endsWith("/.")) {
    r.fail(keyPath, "A file pattern can't end in a current directory path (.)", DIRECTORY_HINT);
  }
  if (pattern === "*" || pattern === "**/*") {
    r.warn(
      `${keyPath}: the pattern "${pattern}" includes the entire application directory as asset files; if this is what you want, write "./${pattern}" to silence this warning`,
    );
  }
}

export function readBuild(r: ManifestReader, component: TomlTable, keyPath: string): BuildDecl | undefined {
  if (!Object.hasOwn(component, "build")) return undefined;
  const buildPath = joinKey(keyPath, "build");
  const build = readTable(r, component["build"], buildPath);
  checkKeys(r, build, buildPath, ["command", "workdir", "watch"]);
  const command = required(r, build, buildPath, "command");
  const commandPath = joinKey(buildPath, "command");
  const commands =
    typeof command === "string"
      ? [command]
      : Array.isArray(command)
        ? readStringArray(r, command, commandPath)
        : invalidType(r, commandPath, command, "a command string or an array of command strings");
  const workdir = optionalString(r, build, buildPath, "workdir");
  const watch = optionalStringArray(r, build, buildPath, "watch");
  return { commands, watch, ...(workdir === undefined ? {} : { workdir }) };
}
