/**
 * Resolves a component's `files` and `exclude_files` into the exact list of host files the guest may read,
 * each with its absolute guest path. Runs once per component at lock time; the result is the whole of what
 * the guest can see (the WASI host mounts these files and nothing else, read-only).
 */
import { globSync, statSync, readdirSync } from "node:fs";
import { join, relative, resolve, sep, matchesGlob, posix } from "node:path";
import type { ComponentDecl, FilesEntryDecl, Manifest } from "../manifest/schema.ts";
import { ManifestError } from "../manifest/errors.ts";

/** One host file exposed to a guest at `guestPath` (absolute, `/`-separated). */
export interface MountedFile {
  readonly guestPath: string;
  readonly hostPath: string;
}

const GLOB_CHARS = /[*?[\]{}]/;

/** Lists the files a component's `files` entries select, minus `exclude_files`, in a stable order. */
export function resolveComponentFiles(manifest: Manifest, component: ComponentDecl): MountedFile[] {
  const byGuestPath = new Map<string, MountedFile>();
  component.files.forEach((entry, index) => {
    const where = { manifest, keyPath: `component.${component.id}.files[${index}]` };
    for (const file of resolveEntry(entry, where)) {
      const appRelative = toPosix(relative(manifest.dir, file.hostPath));
      if (component.excludeFiles.some((glob) => matchesGlob(appRelative, glob))) continue;
      byGuestPath.set(file.guestPath, file);
    }
  });
  return [...byGuestPath.values()].sort((a, b) => a.guestPath.localeCompare(b.guestPath));
}

interface Where {
  readonly manifest: Manifest;
  readonly keyPath: string;
}

function resolveEntry(entry: FilesEntryDecl, where: Where): MountedFile[] {
  return entry.kind === "pattern" ? resolvePattern(entry.pattern, where) : resolvePlacement(entry, where);
}

function resolvePattern(pattern: string, where: Where): MountedFile[] {
  const appDir = where.manifest.dir;
  const hostPath = insideApp(resolve(appDir, pattern), pattern, where);
  const kind = statKind(hostPath);
  if (kind === "file") return [{ guestPath: guestPathOf(appDir, hostPath), hostPath }];
  if (kind === "dir")
    return filesUnder(hostPath).map((f) => ({ guestPath: guestPathOf(appDir, f), hostPath: f }));
  if (!GLOB_CHARS.test(pattern)) {
    throw fail(where, `"${pattern}" does not exist and doesn't appear to be a glob pattern`, {
      hint: "create the file or directory, or fix the path (paths are relative to the manifest's directory)",
    });
  }
  return globSync(pattern, { cwd: appDir })
    .map((match) => insideApp(resolve(appDir, match), pattern, where))
    .filter((match) => statKind(match) === "file")
    .map((match) => ({ guestPath: guestPathOf(appDir, match), hostPath: match }));
}

function resolvePlacement(
  entry: { readonly source: string; readonly destination: string },
  where: Where,
): MountedFile[] {
  const hostPath = insideApp(resolve(where.manifest.dir, entry.source), entry.source, where);
  const destination = posix.normalize(`/${entry.destination}`);
  const kind = statKind(hostPath);
  if (kind === "file") {
    if (entry.destination.endsWith("/")) {
      throw fail(where, `"${entry.destination}" is not a valid destination file name`, {
        hint: `name the file, e.g. destination = "${posix.join(destination, posix.basename(toPosix(hostPath)))}"`,
      });
    }
    return [{ guestPath: destination, hostPath }];
  }
  if (kind === "dir") {
    return filesUnder(hostPath).map((f) => ({
      guestPath: posix.join(destination, toPosix(relative(hostPath, f))),
      hostPath: f,
    }));
  }
  throw fail(where, `File or directory "${entry.source}" does not exist`, {
    hint: "create it, or fix `source` (relative to the manifest's directory)",
  });
}

function insideApp(hostPath: string, asWritten: string, where: Where): string {
  const rel = relative(where.manifest.dir, hostPath);
  if (rel === ".." || rel.startsWith(`..${sep}`) || resolve(where.manifest.dir, rel) !== hostPath) {
    throw fail(where, `"${asWritten}" cannot be mapped because it is outside the application directory`, {
      hint: "files must live under the directory that holds spin.toml; move them there",
    });
  }
  return hostPath;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

function statKind(path: string): "file" | "dir" | undefined {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) return undefined;
  return stat.isDirectory() ? "dir" : stat.isFile() ? "file" : undefined;
}

function guestPathOf(appDir: string, hostPath: string): string {
  return `/${toPosix(relative(appDir, hostPath))}`;
}

function toPosix(path: string): string {
  return path.split(sep).join("/");
}

function fail(where: Where, problem: string, options: { hint: string }): ManifestError {
  const { manifest, keyPath } = where;
  return new ManifestError(
    { file: manifest.file, line: manifest.keyLines.get(keyPath), keyPath },
    problem,
    options,
  );
}
