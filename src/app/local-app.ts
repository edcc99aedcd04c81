/**
 * From a validated manifest to a runnable app: lock it (sources checked, files resolved), resolve its
 * variables, load its components. The one path every local start takes (`spindle up`, each reload of
 * `spindle watch`); a registry app joins the same path at `loadApp`.
 */
import type { Manifest } from "../manifest/schema.ts";
import { lockManifest } from "./lock.ts";
import { loadApp, type LoadedApp } from "./load.ts";
import { resolveVariables, type ResolvedVariables, type VariableProvider } from "./variables.ts";

export interface LocalAppOptions {
  readonly cacheDir: string;
  /** Asked in order; the manifest default applies after them. */
  readonly variableProviders: readonly VariableProvider[];
}

export interface RunnableApp {
  readonly app: LoadedApp;
  readonly variables: ResolvedVariables;
}

export async function prepareLocalApp(manifest: Manifest, options: LocalAppOptions): Promise<RunnableApp> {
  const locked = await lockManifest(manifest, { cacheDir: options.cacheDir });
  const variables = resolveVariables(locked, options.variableProviders);
  return { app: loadApp(locked), variables };
}
