/**
 * The `[variables]` table (application variables) and the check of templates that refer to them
 * (component `variables`, `allowed_outbound_hosts`, Redis settings). Part of manifest validation. Pure.
 */
import { lowerSnakeIdProblem } from "./ids.ts";
import { joinKey } from "./key-lines.ts";
import {
  checkKeys,
  optionalString,
  readBoolean,
  readTable,
  type ManifestReader,
  type TomlTable,
} from "./reader.ts";
import type { VariableDecl } from "./schema.ts";
import { closestMatch } from "./suggest.ts";
import { parseTemplate, TemplateError, type TemplatePart } from "./template.ts";

export type Variables = ReadonlyMap<string, VariableDecl>;

const VARIABLE_KEYS = ["description", "default", "required", "secret"];

export function readVariables(r: ManifestReader, value: unknown): Map<string, VariableDecl> {
  const variables = new Map<string, VariableDecl>();
  if (value === undefined) return variables;
  const table = readTable(r, value, "variables");
  for (const [name, declaration] of Object.entries(table)) {
    const keyPath = joinKey("variables", name);
    checkVariableName(r, name, keyPath);
    variables.set(name, readVariable(r, readTable(r, declaration, keyPath), keyPath));
  }
  return variables;
}

/** Raises Spin's LowerSnakeId problem for a variable name (app or component). */
export function checkVariableName(r: ManifestReader, name: string, keyPath: string): void {
  const problem = lowerSnakeIdProblem(name);
  if (problem !== undefined) {
    r.fail(
      keyPath,
      `invalid variable name \`${name}\`: ${problem}`,
      "variable names are lower_snake_case: lowercase words of letters and digits joined by '_', each starting with a letter",
    );
  }
}

function readVariable(r: ManifestReader, table: TomlTable, keyPath: string): VariableDecl {
  checkKeys(r, table, keyPath, VARIABLE_KEYS);
  const defaultValue = optionalString(r, table, keyPath, "default");
  const description = optionalString(r, table, keyPath, "description");
  const required = flag(r, table, keyPath, "required");
  if (required === (defaultValue !== undefined)) {
    r.fail(
      keyPath,
      "must be `required` OR have a `default`",
      'give it either `required = true` or `default = "…"`, not both',
    );
  }
  return {
    required,
    secret: flag(r, table, keyPath, "secret"),
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
    ...(description === undefined ? {} : { description }),
  };
}

function flag(r: ManifestReader, table: TomlTable, keyPath: string, key: string): boolean {
  return Object.hasOwn(table, key) ? readBoolean(r, table[key], joinKey(keyPath, key)) : false;
}

/** Parses a template and checks that every variable it names is declared under `[variables]`. */
export function checkTemplate(
  r: ManifestReader,
  text: string,
  keyPath: string,
  variables: Variables,
): TemplatePart[] {
  let parts: TemplatePart[];
  try {
    parts = parseTemplate(text);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    return r.fail(keyPath, `invalid variable template: ${error.message}`, error.hint);
  }
  for (const part of parts) {
    if (part.kind === "variable" && !variables.has(part.name)) {
      const close = closestMatch(part.name, variables.keys());
      r.fail(
        keyPath,
        `invalid variable template: unknown variable ${JSON.stringify(part.name)}`,
        close === undefined
          ? `declare it under [variables], e.g. ${part.name || "name"} = { default = "…" }`
          : `did you mean \`${close}\`?`,
      );
    }
  }
  return parts;
}
