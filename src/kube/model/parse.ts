/**
 * Validating parsers for decoded SpinApp and SpinAppExecutor objects. They check `apiVersion` and
 * `kind`, lift legacy `core.spinoperator.dev` shapes into the current ones, check the spec against the
 * CRD schema (filling in its defaults, as the API server does) and return the internal model. Every
 * problem found is reported at once in one `SpindleError`.
 */
import { SpindleError } from "../../errors.ts";
import type { Schema } from "../crds/schema-types.ts";
import { spinAppExecutorSpecSchema, spinAppSpecSchema } from "../crds/schema.ts";
import { isRecord, legacyExtrasSchema, liftLegacySpec } from "./legacy.ts";
import { checkSchema } from "./structural.ts";
import {
  CURRENT_GROUP,
  LEGACY_GROUP,
  VERSION,
  type ApiGroup,
  type ObjectMeta,
  type SpinApp,
  type SpinAppExecutor,
  type SpinAppSpec,
} from "./types.ts";

const metadataSchema: Schema = {
  type: "object",
  required: ["name"],
  properties: {
    name: { type: "string" },
    namespace: { type: "string" },
    uid: { type: "string" },
    labels: { type: "object", additionalProperties: { type: "string" } },
    annotations: { type: "object", additionalProperties: { type: "string" } },
  },
};

/** Parses a decoded SpinApp; `source` names the file in error messages. */
export function parseSpinApp(raw: unknown, source = "<input>"): SpinApp {
  const { group, body } = header(raw, "SpinApp", source);
  const errors: string[] = [];
  const metadata = checkMetadata(body, errors);
  const rawSpec = body["spec"];
  if (!isRecord(rawSpec)) {
    errors.push("spec: Required value");
    throw invalid({ kind: "SpinApp", group, body, source }, errors);
  }
  const lifted = group === LEGACY_GROUP ? liftLegacySpec(rawSpec) : { spec: rawSpec, extras: {} };
  const spec = checkSchema(lifted.spec, spinAppSpecSchema, "spec");
  const extras = checkSchema(lifted.extras, legacyExtrasSchema, "spec.podSpec");
  errors.push(...spec.errors, ...extras.errors);
  if (errors.length > 0) throw invalid({ kind: "SpinApp", group, body, source }, errors);
  const merged = { ...(spec.value as SpinAppSpec), ...(extras.value as object) };
  return { group, metadata, spec: merged };
}

/** Parses a decoded SpinAppExecutor; `source` names the file in error messages. */
export function parseSpinAppExecutor(raw: unknown, source = "<input>"): SpinAppExecutor {
  const { group, body } = header(raw, "SpinAppExecutor", source);
  const errors: string[] = [];
  const metadata = checkMetadata(body, errors);
  const spec = checkSchema(body["spec"], spinAppExecutorSpecSchema, "spec");
  errors.push(...spec.errors);
  if (errors.length > 0) throw invalid({ kind: "SpinAppExecutor", group, body, source }, errors);
  return { group, metadata, spec: spec.value as SpinAppExecutor["spec"] };
}

function header(
  raw: unknown,
  kind: string,
  source: string,
): { group: ApiGroup; body: Record<string, unknown> } {
  if (!isRecord(raw)) {
    throw new SpindleError(`${source}: a ${kind} must be a mapping`, {
      hint: "Give apiVersion, kind, metadata and spec as YAML keys.",
    });
  }
  const apiVersion = raw["apiVersion"];
  const group = [CURRENT_GROUP, LEGACY_GROUP].find((g) => apiVersion === `${g}/${VERSION}`);
  if (group === undefined || raw["kind"] !== kind) {
    throw new SpindleError(
      `${source}: expected a ${kind} in ${CURRENT_GROUP}/${VERSION}, found kind ${JSON.stringify(raw["kind"])} in ${JSON.stringify(apiVersion)}`,
      { hint: `Set apiVersion: ${CURRENT_GROUP}/${VERSION} (or the legacy ${LEGACY_GROUP}/${VERSION}).` },
    );
  }
  return { group, body: raw };
}

function checkMetadata(body: Record<string, unknown>, errors: string[]): ObjectMeta {
  const checked = checkSchema(body["metadata"] ?? {}, { ...metadataSchema }, "metadata");
  errors.push(...checked.errors.filter((e) => !e.includes("unknown field")));
  return checked.value as ObjectMeta;
}

interface Subject {
  readonly kind: string;
  readonly group: ApiGroup;
  readonly body: Record<string, unknown>;
  readonly source: string;
}

function invalid({ kind, group, body, source }: Subject, errors: readonly string[]): SpindleError {
  const meta = isRecord(body["metadata"]) ? body["metadata"] : {};
  const name = typeof meta["name"] === "string" ? meta["name"] : "";
  const joined = errors.length === 1 ? (errors[0] ?? "") : `[${errors.join(", ")}]`;
  return new SpindleError(`${source}: ${kind}.${group} ${JSON.stringify(name)} is invalid: ${joined}`, {
    hint: `Fix the fields named above; see the ${kind} CRD in deploy/crds/ for every field and its type.`,
  });
}
