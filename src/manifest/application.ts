/**
 * The `[application]` table: name, version, description, authors, deployment `targets` (accepted, not
 * used), `[application.tool.*]` (ignored, as Spin does) and the opaque per-trigger-type settings of
 * `[application.trigger.<type>]`. Also applies Spin's rules for the removed HTTP `base`. Part of manifest
 * validation. Pure.
 */
import { joinKey } from "./key-lines.ts";
import {
  checkKeys,
  optionalString,
  optionalStringArray,
  plainTable,
  readArray,
  readString,
  readTable,
  required,
  type ManifestReader,
  type TomlTable,
} from "./reader.ts";
import type { ApplicationSection } from "./schema.ts";
import { checkTemplate, type Variables } from "./variables.ts";

const APPLICATION_KEYS = ["name", "version", "description", "authors", "targets", "trigger", "tool"];

export function readApplication(r: ManifestReader, doc: TomlTable, variables: Variables): ApplicationSection {
  if (!Object.hasOwn(doc, "application")) {
    r.fail("", "missing field `application`", 'add an [application] table with at least `name = "…"`');
  }
  const table = readTable(r, doc["application"], "application");
  checkKeys(r, table, "application", APPLICATION_KEYS);
  const name = readString(r, required(r, table, "application", "name"), "application.name");
  const version = optionalString(r, table, "application", "version");
  const description = optionalString(r, table, "application", "description");
  const authors = optionalStringArray(r, table, "application", "authors");
  if (Object.hasOwn(table, "targets")) readArray(r, table["targets"], "application.targets");
  return {
    name,
    authors,
    triggerSettings: readTriggerSettings(r, table, variables),
    ...(version === undefined ? {} : { version }),
    ...(description === undefined ? {} : { description }),
  };
}

function readTriggerSettings(
  r: ManifestReader,
  application: TomlTable,
  variables: Variables,
): Record<string, Record<string, unknown>> {
  if (!Object.hasOwn(application, "trigger")) return {};
  const byType = readTable(r, application["trigger"], "application.trigger");
  const settings: Record<string, Record<string, unknown>> = {};
  for (const [type, value] of Object.entries(byType)) {
    const keyPath = joinKey("application.trigger", type);
    const table = readTable(r, value, keyPath);
    if (type === "http") checkHttpBase(r, table, keyPath);
    if (type === "redis") checkRedisAddress(r, table, keyPath, variables);
    settings[type] = plainTable(r, table, keyPath);
  }
  return settings;
}

function checkHttpBase(r: ManifestReader, table: TomlTable, keyPath: string): void {
  const base = optionalString(r, table, keyPath, "base");
  if (base === undefined) return;
  if (base === "/") {
    r.warn(`${keyPath}.base: the \`base\` field is deprecated and has no effect; remove it`);
    return;
  }
  r.fail(
    joinKey(keyPath, "base"),
    "This application is using the deprecated trigger 'base' field. The base must be prepended to each [[trigger.http]]'s 'route'.",
    `remove \`base\` and write each route with the "${base}" prefix`,
  );
}

function checkRedisAddress(r: ManifestReader, table: TomlTable, keyPath: string, variables: Variables): void {
  checkKeys(r, table, keyPath, ["address"]);
  const addressPath = joinKey(keyPath, "address");
  checkTemplate(
    r,
    readString(r, required(r, table, keyPath, "address"), addressPath),
    addressPath,
    variables,
  );
}
