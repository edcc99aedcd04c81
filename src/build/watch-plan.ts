/**
 * Decides what a changed file means for `spindle watch`: an edit to spin.toml rebuilds and reloads
 * everything; a file matching a component's `build.watch` globs rebuilds that component; a component's
 * `source` or one of its `files` only reloads the app. A component's own build output never triggers a
 * rebuild, so a broad `watch` glob cannot loop (a build writing its output would otherwise start the next
 * build). Pure; the plan is made once per manifest load.
 */
import { matchesGlob, relative, resolve, sep } from "node:path";
import type { Manifest } from "../manifest/schema.ts";

export type Change =
  | { readonly kind: "manifest" }
  | { readonly kind: "rebuild"; readonly components: readonly string[] }
  | { readonly kind: "reload" };

interface WatchedBuild {
  readonly component: string;
  /** Directory the globs are relative to (the build's workdir). */
  readonly base: string;
  readonly globs: readonly string[];
}

export interface WatchPlan {
  readonly manifestFile: string;
  readonly builds: readonly WatchedBuild[];
  /** Absolute paths of component sources: changes reload, never rebuild. */
  readonly outputs: ReadonlySet<string>;
  /** App-relative `files` patterns of all components: changes reload. */
  readonly assets: readonly string[];
  readonly appDir: string;
}

/** Directories whose contents never matter to a watch. */
const IGNORED = [".spin", "node_modules", ".git"];

export function watchPlan(manifest: Manifest): WatchPlan {
  const components = [...manifest.components.values()];
  const builds: WatchedBuild[] = [];
  for (const c of components) {
    if (c.build === undefined || c.build.watch.length === 0) continue;
    builds.push({
      component: c.id,
      base: resolve(manifest.dir, c.build.workdir ?? "."),
      globs: c.build.watch,
    });
  }
  const outputs = new Set<string>();
  for (const c of components) if (c.source.kind === "file") outputs.add(resolve(manifest.dir, c.source.path));
  const assets = components.flatMap((c) =>
    c.files.map((f) => (f.kind === "pattern" ? f.pattern : `${f.source.replace(/\/$/, "")}{,/**}`)),
  );
  return { manifestFile: manifest.file, builds, outputs, assets, appDir: manifest.dir };
}

/** What a change to the file at `path` (absolute) calls for, or `undefined` when it does not matter. */
export function classifyChange(plan: WatchPlan, path: string): Change | undefined {
  if (path === plan.manifestFile) return { kind: "manifest" };
  const inApp = toPosix(relative(plan.appDir, path));
  if (inApp.split("/").some((part) => IGNORED.includes(part))) return undefined;
  if (plan.outputs.has(path)) return { kind: "reload" };
  const components = plan.builds
    .filter((b) => b.globs.some((glob) => matchesGlob(toPosix(relative(b.base, path)), glob)))
    .map((b) => b.component);
  if (components.length > 0) return { kind: "rebuild", components };
  if (plan.assets.some((glob) => matchesGlob(inApp, glob))) return { kind: "reload" };
  return undefined;
}

/** Folds several changes into one: the manifest wins, then rebuilds (their components merged), then reload. */
export function mergeChanges(changes: readonly Change[]): Change | undefined {
  if (changes.some((c) => c.kind === "manifest")) return { kind: "manifest" };
  const rebuild = new Set(changes.flatMap((c) => (c.kind === "rebuild" ? c.components : [])));
  if (rebuild.size > 0) return { kind: "rebuild", components: [...rebuild] };
  return changes.length > 0 ? { kind: "reload" } : undefined;
}

function toPosix(path: string): string {
  return path.split(sep).join("/");
}
