/**
 * The validation context shared by the manifest validators: it knows the file and the line of every key,
 * collects warnings, and turns a problem at a key path into a `ManifestError` pointing at that line. The
 * small typed readers here (`readString`, `checkKeys`, …) give every table the same deny-unknown-keys
 * behaviour and serde-style wording. One reader per parsed manifest, discarded afterwards.
 */
import { ManifestError } from "./errors.ts";
import { joinKey, parentKey } from "./key-lines.ts";
import { closestMatch } from "./suggest.ts";

/** A TOML table as the parser returns it. */
export type TomlTable = Readonly<Record<string, unknown>>;

export class ManifestReader {
  readonly file: string;
  readonly keyLines: Map<string, number>;
  readonly warnings: string[] = [];

  constructor(file: string, keyLines: ReadonlyMap<string, number>) {
    this.file = file;
    this.keyLines = new Map(keyLines);
  }

  /**
   * Makes the keys under `from` also findable under `to`, so a component hoisted out of a trigger
   * (`trigger.http[0].component.source`) can be pointed at by its new path (`component.<id>.source`).
   */
  aliasKeys(from: string, to: string): void {
    for (const [key, line] of [...this.keyLines]) {
      if (key === from || key.startsWith(`${from}.`) || key.startsWith(`${from}[`)) {
        this.keyLines.set(to + key.slice(from.length), line);
      }
    }
  }

  /** The line of `keyPath`, or of its nearest parent the locator found. */
  lineOf(keyPath: string): number | undefined {
    for (let key: string | undefined = keyPath; key !== undefined; key = parentKey(key)) {
      const line = this.keyLines.get(key);
      if (line !== undefined) return line;
    }
    return undefined;
  }

  /** Stops validation with a problem at `keyPath`; `hint` says what to do about it. */
  fail(keyPath: string, problem: string, hint?: string): never {
    const where = { file: this.file, line: this.lineOf(keyPath), keyPath };
    throw new ManifestError(where, problem, hint === undefined ? {} : { hint });
  }

  warn(message: string): void {
    this.warnings.push(message);
  }
}

export function isTable(value: unknown): value is TomlTable {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** How serde would name a TOML value in an `invalid type` message. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return `string ${JSON.stringify(value)}`;
  if (typeof value === "bigint") return `integer \`${value}\``;
  if (typeof value === "number") return `float \`${value}\``;
  if (typeof value === "boolean") return `boolean \`${value}\``;
  if (value instanceof Date) return "datetime";
  return Array.isArray(value) ? "array" : "table";
}

export function invalidType(r: ManifestReader, keyPath: string, value: unknown, expected: string): never {
  return r.fail(keyPath, `invalid type: ${describeValue(value)}, expected ${expected}`);
}

/** Allowed keys, with a specific hint for keys known to be misplaced (e.g. a version 1 name). */
export interface KeySet {
  readonly allowed: readonly string[];
  readonly hints: Readonly<Record<string, string>>;
}

/** Rejects keys of `table` outside the allowed ones, naming the closest allowed key when one is close. */
export function checkKeys(
  r: ManifestReader,
  table: TomlTable,
  keyPath: string,
  keys: readonly string[] | KeySet,
): void {
  const { allowed, hints } = Array.isArray(keys)
    ? { allowed: keys, hints: {} as KeySet["hints"] }
    : (keys as KeySet);
  for (const key of Object.keys(table)) {
    if (allowed.includes(key)) continue;
    const close = closestMatch(key, allowed);
    const specific = Object.hasOwn(hints, key) ? hints[key] : undefined;
    const hint = specific ?? (close === undefined ? `remove \`${key}\`` : `did you mean \`${close}\`?`);
    r.fail(joinKey(keyPath, key), `unknown field \`${key}\`, ${expectedFields(allowed)}`, hint);
  }
}

function expectedFields(allowed: readonly string[]): string {
  const names = allowed.map((name) => `\`${name}\``);
  if (names.length === 0) return "there are no fields";
  if (names.length === 1) return `expected ${names[0]}`;
  if (names.length === 2) return `expected ${names[0]} or ${names[1]}`;
  return `expected one of ${names.join(", ")}`;
}

export function readTable(
  r: ManifestReader,
  value: unknown,
  keyPath: string,
  expected = "a table",
): TomlTable {
  return isTable(value) ? value : invalidType(r, keyPath, value, expected);
}

export function readString(r: ManifestReader, value: unknown, keyPath: string): string {
  return typeof value === "string" ? value : invalidType(r, keyPath, value, "a string");
}

export function readBoolean(r: ManifestReader, value: unknown, keyPath: string): boolean {
  return typeof value === "boolean" ? value : invalidType(r, keyPath, value, "a boolean");
}

export function readArray(r: ManifestReader, value: unknown, keyPath: string): readonly unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : invalidType(r, keyPath, value, "an array");
}

export function readStringArray(r: ManifestReader, value: unknown, keyPath: string): string[] {
  return readArray(r, value, keyPath).map((item, index) => readString(r, item, `${keyPath}[${index}]`));
}

/** The value of a key that must be present. */
export function required(r: ManifestReader, table: TomlTable, keyPath: string, key: string): unknown {
  if (!Object.hasOwn(table, key)) r.fail(keyPath, `missing field \`${key}\``, `add \`${key} = …\``);
  return table[key];
}

export function optionalString(
  r: ManifestReader,
  table: TomlTable,
  keyPath: string,
  key: string,
): string | undefined {
  return Object.hasOwn(table, key) ? readString(r, table[key], joinKey(keyPath, key)) : undefined;
}

export function optionalStringArray(
  r: ManifestReader,
  table: TomlTable,
  keyPath: string,
  key: string,
): string[] {
  return Object.hasOwn(table, key) ? readStringArray(r, table[key], joinKey(keyPath, key)) : [];
}

/**
 * A deep copy of opaque settings (trigger config, `[application.trigger.<type>]`) as plain JSON-friendly
 * data: integers become numbers, so they must fit in a double.
 */
export function plainValue(r: ManifestReader, value: unknown, keyPath: string): unknown {
  if (typeof value === "bigint") {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      r.fail(keyPath, `integer \`${value}\` is too large`, "use a value between -(2^53 - 1) and 2^53 - 1");
    }
    return Number(value);
  }
  if (Array.isArray(value)) return value.map((item, index) => plainValue(r, item, `${keyPath}[${index}]`));
  if (isTable(value)) return plainTable(r, value, keyPath);
  return value;
}

export function plainTable(r: ManifestReader, table: TomlTable, keyPath: string): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(table).map(([key, item]) => [key, plainValue(r, item, joinKey(keyPath, key))]),
  );
}
