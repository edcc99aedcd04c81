/**
 * The `[[trigger.<type>]]` tables: reads the part every trigger type shares (`id`, `component` as a
 * reference or inline table), normalises ids and inline components, checks references and duplicate ids,
 * then hands each table to its type's reader (`trigger-config.ts`). Part of manifest validation. Pure.
 */
import { readComponent } from "./component.ts";
import { kebabIdProblem } from "./ids.ts";
import { joinKey } from "./key-lines.ts";
import { assignTriggerIds, hoistInlineComponents, type ComponentSpec } from "./normalize.ts";
import {
  invalidType,
  isTable,
  readString,
  readTable,
  required,
  type ManifestReader,
  type TomlTable,
} from "./reader.ts";
import type { ComponentDecl, TriggerDecl } from "./schema.ts";
import { closestMatch } from "./suggest.ts";
import { checkHttpRoutes } from "./http-trigger.ts";
import { readTriggerConfig } from "./trigger-config.ts";
import type { Variables } from "./variables.ts";

interface TriggerEntry {
  readonly type: string;
  readonly keyPath: string;
  readonly table: TomlTable;
  readonly id: string;
  readonly component: ComponentSpec;
}

/** Reads every trigger; hoisted inline components are added to `components`. */
export function readTriggers(
  r: ManifestReader,
  doc: TomlTable,
  components: Map<string, ComponentDecl>,
  variables: Variables,
): TriggerDecl[] {
  if (!Object.hasOwn(doc, "trigger")) {
    r.fail(
      "",
      "missing field `trigger`",
      "add at least one trigger, e.g. an [[trigger.http]] table with `route` and `component`",
    );
  }
  const entries = readEntries(r, doc["trigger"], variables);
  checkDuplicateIds(r, entries);
  const ids = assignTriggerIds(entries);
  const componentIds = hoistInlineComponents(
    entries.map((entry, index) => ({ id: ids[index] ?? "", component: entry.component })),
    components,
  );
  const defined = new Set(components.keys());
  const triggers = entries.map((entry, index) => {
    const componentId = componentIds[index] ?? "";
    if (entry.component.kind === "reference") checkReference(r, entry, defined);
    else r.aliasKeys(joinKey(entry.keyPath, "component"), joinKey("component", componentId));
    return readTriggerConfig(r, { ...entry, id: ids[index] ?? "", componentId }, variables);
  });
  checkHttpRoutes(r, triggers);
  return triggers;
}

function readEntries(r: ManifestReader, value: unknown, variables: Variables): TriggerEntry[] {
  const byType = readTable(r, value, "trigger", "a table of trigger types like [[trigger.http]]");
  return Object.entries(byType).flatMap(([type, list]) => {
    const typePath = joinKey("trigger", type);
    if (!Array.isArray(list)) {
      r.fail(
        typePath,
        `invalid type: ${isTable(list) ? "table" : "value"}, expected an array of trigger tables`,
        `write each trigger as [[${typePath}]], with double brackets`,
      );
    }
    return (list as unknown[]).map((item, index) =>
      readEntry(r, { type, keyPath: `${typePath}[${index}]` }, item, variables),
    );
  });
}

function readEntry(
  r: ManifestReader,
  { type, keyPath }: { readonly type: string; readonly keyPath: string },
  value: unknown,
  variables: Variables,
): TriggerEntry {
  const table = readTable(r, value, keyPath);
  for (const key of ["components", "dependencies"]) {
    if (Object.hasOwn(table, key)) {
      r.fail(
        joinKey(keyPath, key),
        `\`${key}\` on a trigger is not supported by this version of Spindle`,
        key === "components"
          ? 'run one component per trigger with `component = "<id>"`'
          : "handle this inside the trigger's component and remove `dependencies`",
      );
    }
  }
  const id = Object.hasOwn(table, "id") ? readString(r, table["id"], joinKey(keyPath, "id")) : "";
  return { type, keyPath, table, id, component: readComponentSpec(r, table, keyPath, variables) };
}

function readComponentSpec(
  r: ManifestReader,
  table: TomlTable,
  keyPath: string,
  variables: Variables,
): ComponentSpec {
  const specPath = joinKey(keyPath, "component");
  const value = required(r, table, keyPath, "component");
  if (isTable(value)) return { kind: "inline", body: readComponent(r, value, specPath, variables) };
  if (typeof value !== "string")
    return invalidType(r, specPath, value, "a component id or an inline component table");
  const problem = kebabIdProblem(value);
  if (problem !== undefined) {
    r.fail(
      specPath,
      `invalid component id \`${value}\`: ${problem}`,
      "component ids are kebab-case, e.g. `my-component`",
    );
  }
  return { kind: "reference", id: value };
}

function checkDuplicateIds(r: ManifestReader, entries: readonly TriggerEntry[]): void {
  const seen = new Map<string, string>();
  for (const entry of entries) {
    if (entry.id === "") continue;
    const first = seen.get(entry.id);
    if (first !== undefined) {
      r.fail(
        joinKey(entry.keyPath, "id"),
        `duplicate trigger id \`${entry.id}\` (also used by ${first})`,
        "give each trigger a distinct `id`, or leave `id` out to have one generated",
      );
    }
    seen.set(entry.id, entry.keyPath);
  }
}

function checkReference(r: ManifestReader, entry: TriggerEntry, defined: ReadonlySet<string>): void {
  if (entry.component.kind !== "reference" || defined.has(entry.component.id)) return;
  const id = entry.component.id;
  const known = [...defined].map((name) => `\`${name}\``).join(", ");
  const close = closestMatch(id, defined);
  r.fail(
    joinKey(entry.keyPath, "component"),
    `component \`${id}\` is not defined (${known === "" ? "there are no [component.<id>] tables" : `defined components: ${known}`})`,
    close === undefined
      ? `add a [component.${id}] table, or reference a defined component`
      : `did you mean \`${close}\`?`,
  );
}
