/**
 * Validation of a whole version 2 manifest, from the parsed TOML document to the typed `Manifest`: the
 * top-level keys, then `[variables]`, `[application]`, `[component.<id>]` and the triggers, in that order
 * (later tables refer to earlier ones). Called by `parseManifest` after version detection. Pure.
 */
import { dirname } from "node:path";
import { readApplication } from "./application.ts";
import { readComponent } from "./component.ts";
import { kebabIdProblem } from "./ids.ts";
import { joinKey } from "./key-lines.ts";
import { checkKeys, isTable, readTable, type ManifestReader, type TomlTable } from "./reader.ts";
import type { ComponentDecl, Manifest } from "./schema.ts";
import { checkRedisAddresses } from "./trigger-config.ts";
import { readTriggers } from "./triggers.ts";
import { readVariables, type Variables } from "./variables.ts";

const MOVED_TO_APPLICATION = "in a version 2 manifest this belongs under [application]";

export function readManifestDocument(r: ManifestReader, doc: TomlTable): Manifest {
  const versionKey = Object.hasOwn(doc, "spin_manifest_version") ? "spin_manifest_version" : "spin_version";
  checkKeys(r, doc, "", {
    allowed: [versionKey, "application", "variables", "trigger", "component"],
    hints: {
      name: MOVED_TO_APPLICATION,
      version: MOVED_TO_APPLICATION,
      description: MOVED_TO_APPLICATION,
      authors: MOVED_TO_APPLICATION,
    },
  });
  const variables = readVariables(r, doc["variables"]);
  const application = readApplication(r, doc, variables);
  const components = readComponents(r, doc["component"], variables);
  const triggers = readTriggers(r, doc, components, variables);
  checkRedisAddresses(r, application, triggers);
  return {
    file: r.file,
    dir: dirname(r.file),
    application,
    variables,
    triggers,
    components,
    keyLines: r.keyLines,
    warnings: r.warnings,
  };
}

function readComponents(r: ManifestReader, value: unknown, variables: Variables): Map<string, ComponentDecl> {
  const components = new Map<string, ComponentDecl>();
  if (value === undefined) return components;
  if (Array.isArray(value) && value.every(isTable)) {
    r.fail(
      "component",
      "invalid type: array, expected a table of components",
      "[[component]] is the version 1 layout: write each component as [component.<id>] without `id`",
    );
  }
  for (const [id, table] of Object.entries(readTable(r, value, "component"))) {
    const keyPath = joinKey("component", id);
    const problem = kebabIdProblem(id);
    if (problem !== undefined) {
      r.fail(
        keyPath,
        `invalid component id \`${id}\`: ${problem}`,
        "component ids are kebab-case, e.g. `my-component`",
      );
    }
    components.set(id, { id, ...readComponent(r, table, keyPath, variables) });
  }
  return components;
}
