/**
 * Checks a decoded object against a CRD schema the way the Kubernetes API server does for a structural
 * schema: types, required fields, enums, `minItems`, unknown fields (strict field validation), and fills
 * in schema defaults. Pure; the first step of parsing a SpinApp or SpinAppExecutor.
 */
import type { Schema } from "../crds/schema-types.ts";

export interface Checked {
  /** The input with schema defaults filled in (a copy; the input is not changed). */
  readonly value: unknown;
  /** One message per problem, API-server style: `spec.replicas: Required value`. */
  readonly errors: readonly string[];
}

/** Validates `value` at `path` against `schema`. */
export function checkSchema(value: unknown, schema: Schema, path: string): Checked {
  const errors: string[] = [];
  return { value: walk(value, schema, path, errors), errors };
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function walk(value: unknown, schema: Schema, path: string, errors: string[]): unknown {
  if (schema.anyOf !== undefined) {
    const ok = schema.anyOf.some((alt) => alt.type === typeName(value));
    if (!ok) errors.push(typeError(path, value, schema.anyOf.map((alt) => alt.type ?? "").join(" or ")));
    return value;
  }
  if (schema.type === undefined) return value;
  const actual = typeName(value);
  if (actual !== schema.type) {
    errors.push(typeError(path, value, schema.type));
    return value;
  }
  if (schema.enum !== undefined && !schema.enum.includes(value as string)) {
    const allowed = schema.enum.map((e) => JSON.stringify(e)).join(", ");
    errors.push(`${path}: Unsupported value: ${JSON.stringify(value)}: supported values: ${allowed}`);
  }
  if (schema.type === "array") return walkArray(value as unknown[], schema, path, errors);
  if (schema.type === "object") return walkObject(value as Record<string, unknown>, schema, path, errors);
  return value;
}

function typeError(path: string, value: unknown, expected: string): string {
  const actual = JSON.stringify(typeName(value));
  return `${path}: Invalid value: ${actual}: ${path} in body must be of type ${expected}: ${actual}`;
}

function walkArray(value: unknown[], schema: Schema, path: string, errors: string[]): unknown[] {
  if (schema.minItems !== undefined && value.length < schema.minItems) {
    errors.push(
      `${path}: Invalid value: ${value.length}: ${path} in body should have at least ${schema.minItems} items`,
    );
  }
  const items = schema.items;
  return items === undefined ? value : value.map((item, i) => walk(item, items, `${path}[${i}]`, errors));
}

function walkObject(
  value: Record<string, unknown>,
  schema: Schema,
  path: string,
  errors: string[],
): Record<string, unknown> {
  if (schema["x-kubernetes-preserve-unknown-fields"] === true) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const childSchema = schema.properties?.[key] ?? schema.additionalProperties;
    const childPath = schema.properties === undefined ? `${path}[${key}]` : `${path}.${key}`;
    if (childSchema === undefined) errors.push(`${path}: unknown field "${path}.${key}"`);
    else out[key] = walk(child, childSchema, childPath, errors);
  }
  applyDefaults(out, schema);
  for (const key of schema.required ?? []) {
    if (!(key in out)) errors.push(`${path}.${key}: Required value`);
  }
  return out;
}

function applyDefaults(out: Record<string, unknown>, schema: Schema): void {
  for (const [key, childSchema] of Object.entries(schema.properties ?? {})) {
    if (!(key in out) && childSchema.default !== undefined) out[key] = structuredClone(childSchema.default);
  }
}
