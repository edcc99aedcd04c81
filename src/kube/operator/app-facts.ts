/**
 * What the operator needs to know about the app inside a SpinApp's image, read from its locked app:
 * whether it has HTTP triggers (only those get a Service) and which variables it requires (declared
 * without a default). And which of those a SpinApp leaves unprovided. Pure.
 */
import type { LockedApp } from "../../app/locked.ts";
import type { SpinApp } from "../model/types.ts";

export interface AppFacts {
  /** The image manifest's digest, which names this content for caching. */
  readonly digest: string;
  readonly hasHttpTriggers: boolean;
  /** Variable names declared without a default, sorted. */
  readonly requiredVariables: readonly string[];
}

/** Facts of a Spin app's locked app. */
export function lockedAppFacts(digest: string, locked: LockedApp): AppFacts {
  return {
    digest,
    hasHttpTriggers: locked.triggers.some((t) => t.trigger_type === "http"),
    requiredVariables: Object.entries(locked.variables ?? {})
      .filter(([, v]) => v.default === undefined)
      .map(([name]) => name)
      .sort(),
  };
}

/** Facts of an image without a locked app: a single Wasm component, which runs as an HTTP handler. */
export function wasmPackageFacts(digest: string): AppFacts {
  return { digest, hasHttpTriggers: true, requiredVariables: [] };
}

/**
 * The required variables `app` gives no value: `spec.variables` become `SPIN_VARIABLE_<NAME>`, which
 * Spin's environment provider reads back as the lower-cased name. An app that loads its runtime config
 * from a Secret may name other providers (Vault, Azure Key Vault) the operator cannot see into, so
 * nothing is reported missing for it.
 */
export function missingVariables(app: SpinApp, facts: AppFacts): string[] {
  if (app.spec.runtimeConfig?.loadFromSecret) return [];
  const provided = new Set((app.spec.variables ?? []).map((v) => v.name.toLowerCase()));
  return facts.requiredVariables.filter((name) => !provided.has(name.toLowerCase()));
}
