/**
 * One component table, `[component.<id>]` or inline in a trigger: every field of Spin's component schema
 * is checked and turned into a `ComponentDecl` body (the id is assigned by the caller, since inline
 * components get theirs during normalisation). Features Spindle does not implement yet (dependencies,
 * profiles) are refused with a clear error rather than ignored. Part of manifest validation. Pure.
 */
import { readBuild, readFiles } from "./component-files.ts";
import { readComponentSource } from "./component-source.ts";
import { kebabIdProblem, snakeIdProblem } from "./ids.ts";
import { joinKey } from "./key-lines.ts";
import { readOutboundHosts } from "./outbound-hosts.ts";
import {
  checkKeys,
  optionalString,
  optionalStringArray,
  readArray,
  readBoolean,
  readString,
  readTable,
  type ManifestReader,
  type TomlTable,
} from "./reader.ts";
import type { ComponentDecl } from "./schema.ts";
import { checkTemplate, checkVariableName, type Variables } from "./variables.ts";

/** A component without its id. */
export type ComponentBody = Omit<ComponentDecl, "id">;

const COMPONENT_KEYS = [
  "source",
  "description",
  "variables",
  "environment",
  "files",
  "exclude_files",
  "allowed_http_hosts",
  "allowed_outbound_hosts",
  "key_value_stores",
  "sqlite_databases",
  "ai_models",
  "targets",
  "build",
  "tool",
  "dependencies_inherit_configuration",
  "dependencies",
  "profile",
];

const KEY_HINTS: Readonly<Record<string, string>> = {
  config: "`config` is the version 1 name of this field: rename it to `variables`",
  id: "a component's id is the name of its table: [component.<id>]",
  trigger:
    'triggers are separate [[trigger.<type>]] tables that name the component with `component = "<id>"`',
};

export function readComponent(
  r: ManifestReader,
  value: unknown,
  keyPath: string,
  variables: Variables,
): ComponentBody {
  const table = readTable(r, value, keyPath);
  checkKeys(r, table, keyPath, { allowed: COMPONENT_KEYS, hints: KEY_HINTS });
  refuseUnsupported(r, table, keyPath);
  const description = optionalString(r, table, keyPath, "description");
  const build = readBuild(r, table, keyPath);
  if (Object.hasOwn(table, "targets")) readArray(r, table["targets"], joinKey(keyPath, "targets"));
  return {
    source: readComponentSource(r, table, keyPath),
    variables: readComponentVariables(r, table, keyPath, variables),
    environment: readEnvironment(r, table, keyPath),
    files: readFiles(r, table, keyPath),
    excludeFiles: optionalStringArray(r, table, keyPath, "exclude_files"),
    allowedOutboundHosts: readOutboundHosts(r, table, keyPath, variables),
    keyValueStores: readLabels(r, table, keyPath, "key_value_stores"),
    sqliteDatabases: readLabels(r, table, keyPath, "sqlite_databases"),
    aiModels: optionalStringArray(r, table, keyPath, "ai_models"),
    ...(description === undefined ? {} : { description }),
    ...(build === undefined ? {} : { build }),
  };
}

function refuseUnsupported(r: ManifestReader, table: TomlTable, keyPath: string): void {
  const inheritPath = joinKey(keyPath, "dependencies_inherit_configuration");
  if (
    Object.hasOwn(table, "dependencies_inherit_configuration") &&
    readBoolean(r, table["dependencies_inherit_configuration"], inheritPath)
  ) {
    unsupported(r, inheritPath, "dependencies_inherit_configuration");
  }
  for (const key of ["dependencies", "profile"]) {
    const value = table[key];
    if (value === undefined) continue;
    const path = joinKey(keyPath, key);
    if (Object.keys(readTable(r, value, path)).length > 0) unsupported(r, path, key);
  }
}

function unsupported(r: ManifestReader, keyPath: string, key: string): never {
  return r.fail(
    keyPath,
    `\`${key}\` is not supported by this version of Spindle`,
    key === "profile"
      ? "remove the profile and edit `source`, `environment` or `build` directly"
      : "compose the dependencies into the component ahead of time (e.g. with `wac plug`) and remove this field",
  );
}

function readComponentVariables(
  r: ManifestReader,
  table: TomlTable,
  keyPath: string,
  variables: Variables,
): Map<string, string> {
  const result = new Map<string, string>();
  if (!Object.hasOwn(table, "variables")) return result;
  const variablesPath = joinKey(keyPath, "variables");
  for (const [name, value] of Object.entries(readTable(r, table["variables"], variablesPath))) {
    const path = joinKey(variablesPath, name);
    checkVariableName(r, name, path);
    const template = readString(r, value, path);
    checkTemplate(r, template, path, variables);
    result.set(name, template);
  }
  return result;
}

function readEnvironment(r: ManifestReader, table: TomlTable, keyPath: string): Map<string, string> {
  if (!Object.hasOwn(table, "environment")) return new Map();
  const environmentPath = joinKey(keyPath, "environment");
  const environment = readTable(r, table["environment"], environmentPath);
  return new Map(
    Object.entries(environment).map(([name, value]) => [
      name,
      readString(r, value, joinKey(environmentPath, name)),
    ]),
  );
}

/** Key-value store and SQLite database labels: kebab-case or snake_case. */
function readLabels(r: ManifestReader, table: TomlTable, keyPath: string, key: string): string[] {
  const labels = optionalStringArray(r, table, keyPath, key);
  labels.forEach((label, index) => {
    if (kebabIdProblem(label) !== undefined && snakeIdProblem(label) !== undefined) {
      r.fail(
        `${joinKey(keyPath, key)}[${index}]`,
        `invalid label ${JSON.stringify(label)}: expected kebab-case or snake_case`,
        "labels are words of letters and digits joined by '-' or by '_', e.g. \"default\" or \"user-data\"",
      );
    }
  });
  return labels;
}
