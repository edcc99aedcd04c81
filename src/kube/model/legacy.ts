/**
 * Rewrites a legacy `core.spinoperator.dev/v1alpha1` SpinApp spec into the current field names before
 * validation: the `runtime-config` map (`key_value_stores`, `sqlite_databases`, `llm_compute`, each a
 * table of flat options) becomes `runtimeConfig`, and `podSpec.tolerations` / `podSpec.nodeSelector` are
 * lifted out. Everything else has the same shape in both groups. Pure.
 */
import type { Schema } from "../crds/schema-types.ts";
import type { KubeObject, StringMap } from "./types.ts";

export interface LegacyExtras {
  readonly tolerations?: readonly KubeObject[];
  readonly nodeSelector?: StringMap;
}

export interface Lifted {
  /** The spec in current field names (still unvalidated). */
  readonly spec: Record<string, unknown>;
  readonly extras: Record<string, unknown>;
}

/** Schema of the lifted `podSpec` extras, checked like the rest of the spec. */
export const legacyExtrasSchema: Schema = {
  type: "object",
  properties: {
    tolerations: { type: "array", items: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
    nodeSelector: { type: "object", additionalProperties: { type: "string" } },
  },
};

const SECTIONS: Readonly<Record<string, string>> = {
  key_value_stores: "keyValueStores",
  sqlite_databases: "sqliteDatabases",
};

/** Splits a legacy spec into the current-shaped spec and its `podSpec` extras. */
export function liftLegacySpec(raw: Record<string, unknown>): Lifted {
  const { "runtime-config": legacyConfig, podSpec, ...spec } = raw;
  if (isRecord(legacyConfig)) spec["runtimeConfig"] = convertRuntimeConfig(legacyConfig);
  else if (legacyConfig !== undefined) spec["runtimeConfig"] = legacyConfig;
  return { spec, extras: isRecord(podSpec) ? podSpec : {} };
}

function convertRuntimeConfig(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, section] of Object.entries(config)) {
    const target = SECTIONS[key];
    if (target !== undefined && isRecord(section)) {
      out[target] = Object.entries(section).map(([name, table]) => ({ name, ...convertTable(table) }));
    } else if (key === "llm_compute" && isRecord(section)) {
      out["llmCompute"] = convertTable(section);
    } else {
      out[key] = section;
    }
  }
  return out;
}

function convertTable(table: unknown): Record<string, unknown> {
  if (!isRecord(table)) return { type: table };
  const { type, ...rest } = table;
  const options = Object.entries(rest).map(([name, value]) =>
    isRecord(value) ? { name, ...value } : { name, value: String(value) },
  );
  return options.length === 0 ? { type } : { type, options };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
