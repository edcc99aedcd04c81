/**
 * The checks every runtime-config table shares: an error naming the file and the key path, and readers for
 * tables, strings, booleans and string lists that refuse anything else. Pure; used by runtime-config.ts and
 * the modules that parse one table each.
 */
import { SpindleError } from "../errors.ts";

export class RuntimeConfigError extends SpindleError {
  readonly file: string;
  readonly key: string | undefined;
  constructor(file: string, key: string | undefined, problem: string, hint: string) {
    super(`${file}:${key === undefined ? "" : ` ${key}:`} ${problem}`, { hint });
    this.name = "RuntimeConfigError";
    this.file = file;
    this.key = key;
  }
}

export function onlyKeys(
  file: string,
  key: string,
  entry: Record<string, unknown>,
  known: readonly string[],
): void {
  for (const name of Object.keys(entry)) {
    if (!known.includes(name)) {
      throw new RuntimeConfigError(
        file,
        `${key}.${name}`,
        `unknown key \`${name}\``,
        `remove it; the keys known here are ${known.join(", ")}`,
      );
    }
  }
}

export function table(file: string, key: string, value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value) || value instanceof Date) {
    throw new RuntimeConfigError(file, key, "expected a table", `write it as [${key}]`);
  }
  return value as Record<string, unknown>;
}

/** `[[name]]`: an array of tables, each returned with its key path `name[i]`. */
export function tableArray(file: string, key: string, value: unknown): [string, Record<string, unknown>][] {
  if (!Array.isArray(value)) {
    throw new RuntimeConfigError(file, key, "expected an array of tables", `write each entry as [[${key}]]`);
  }
  return value.map((entry, i) => [`${key}[${i}]`, table(file, `${key}[${i}]`, entry)]);
}

export function stringField(file: string, key: string, value: unknown): string {
  if (value === undefined) throw new RuntimeConfigError(file, key, "missing field", `add ${key} = "…"`);
  if (typeof value !== "string")
    throw new RuntimeConfigError(file, key, "expected a string", `write ${key} = "…"`);
  return value;
}

export function optionalString(file: string, key: string, value: unknown): string | undefined {
  return value === undefined ? undefined : stringField(file, key, value);
}

export function optionalBoolean(file: string, key: string, value: unknown): boolean | undefined {
  if (value === undefined || typeof value === "boolean") return value;
  throw new RuntimeConfigError(file, key, "expected a boolean", "write true or false");
}

/** A non-negative integer that fits a connection count; `undefined` when absent. */
export function optionalCount(file: string, key: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
  throw new RuntimeConfigError(file, key, "expected a non-negative integer", `write ${key} = 100`);
}

export function stringList(file: string, key: string, value: unknown): string[] {
  if (value === undefined) throw new RuntimeConfigError(file, key, "missing field", `add ${key} = ["…"]`);
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw new RuntimeConfigError(file, key, "expected a list of strings", `write ${key} = ["…"]`);
  }
  return value;
}
