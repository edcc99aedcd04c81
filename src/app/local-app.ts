/**
 * From a validated manifest to a runnable app: lock it (sources checked, files resolved), resolve its
 * variables, load its components. The one path every local start takes (`spindle up`, each reload of
 * `spindle watch`); a registry app joins the same path at `loadApp`.
 */
import type { Manifest } from "../manifest/schema.ts";
import { lockManifest } from "./lock.ts";
import type { LockedApp } from "./locked.ts";
import { retainComponents } from "./retain.ts";
import { loadApp, type LoadedApp } from "./load.ts";
import { resolveVariables, type ResolvedVariables, type VariableProvider } from "./variables.ts";

export interface LocalAppOptions {
  readonly cacheDir: string;
  /** Asked in order; the manifest default applies after them. */
  readonly variableProviders: readonly VariableProvider[];
  /** Run only these components (retain.ts); all of them when absent or empty. */
  readonly components?: ComponentSelection | undefined;
}

export interface ComponentSelection {
  readonly ids: readonly string[];
  /** Where the selection came from, for errors: `--component-id`, `SPIN_COMPONENTS_TO_RETAIN`. */
  readonly where: string;
}

export interface RunnableApp {
  readonly app: LoadedApp;
  readonly variables: ResolvedVariables;
}

export async function prepareLocalApp(manifest: Manifest, options: LocalAppOptions): Promise<RunnableApp> {
  const locked = await lockManifest(manifest, { cacheDir: options.cacheDir });
  return prepareLockedApp(locked, options);
}

/** Selects, resolves and loads an app already locked (local, or from a registry or an image). */
export async function prepareLockedApp(
  locked: LockedApp,
  options: Pick<LocalAppOptions, "variableProviders" | "components">,
): Promise<RunnableApp> {
  const selection = options.components;
  const selected =
    selection === undefined || selection.ids.length === 0
      ? locked
      : retainComponents(locked, selection.ids, selection.where);
  const app = loadApp(selected);
  return { app, variables: await resolveVariables(selected, options.variableProviders) };
}
