/**
 * HTTP trigger tables: `route` (a pattern or `{ private = true }`) and `executor` (`http`, its alias
 * `spin`, or `wagi`), with Spin's messages; the Spin 3.5+ `static_response` is refused as unsupported.
 * Across all HTTP triggers it warns, as Spin logs, about duplicate routes (the last one wins) and routes
 * under the reserved `/.well-known/spin/` prefix. Part of manifest validation. Pure.
 */
import { joinKey } from "./key-lines.ts";
import {
  checkKeys,
  invalidType,
  isTable,
  optionalString,
  readBoolean,
  readString,
  readTable,
  required,
  type ManifestReader,
  type TomlTable,
} from "./reader.ts";
import type { HttpExecutorDecl, HttpRoute, HttpTriggerDecl, TriggerDecl } from "./schema.ts";

const RESERVED_PREFIX = "/.well-known/spin/";
const EXECUTOR_TYPES = ["http", "spin", "wagi"];

export function readHttpTrigger(
  r: ManifestReader,
  table: TomlTable,
  keyPath: string,
  componentId: string,
): HttpTriggerDecl {
  if (Object.hasOwn(table, "static_response")) {
    r.fail(
      joinKey(keyPath, "static_response"),
      "`static_response` is not supported by this version of Spindle",
      "serve the response from a component instead",
    );
  }
  checkKeys(r, table, keyPath, ["id", "component", "route", "executor"]);
  const route = readRoute(r, required(r, table, keyPath, "route"), joinKey(keyPath, "route"), componentId);
  const executor = Object.hasOwn(table, "executor")
    ? readExecutor(r, table["executor"], joinKey(keyPath, "executor"), componentId)
    : ({ type: "http" } as const);
  return { route, executor };
}

function readRoute(r: ManifestReader, value: unknown, keyPath: string, componentId: string): HttpRoute {
  if (typeof value === "string") return { kind: "path", route: value };
  if (!isTable(value)) return invalidType(r, keyPath, value, "a string pattern or '{ private = true }'");
  checkKeys(r, value, keyPath, ["private"]);
  const isPrivate = readBoolean(r, required(r, value, keyPath, "private"), joinKey(keyPath, "private"));
  if (!isPrivate) {
    r.fail(
      keyPath,
      `route must be a string pattern or '{ private = true }': component '${componentId}' has { private = false }`,
      'give the trigger a route such as route = "/..." or make it private with { private = true }',
    );
  }
  return { kind: "private" };
}

function readExecutor(
  r: ManifestReader,
  value: unknown,
  keyPath: string,
  componentId: string,
): HttpExecutorDecl {
  const table = readTable(r, value, keyPath, 'a table like { type = "http" }');
  const typePath = joinKey(keyPath, "type");
  const type = readString(r, required(r, table, keyPath, "type"), typePath);
  if (type === "http" || type === "spin") {
    checkKeys(r, table, keyPath, ["type"]);
    return { type: "http" };
  }
  if (type === "wagi") return readWagiExecutor(r, table, keyPath, componentId);
  if (type === "wasip3-unstable") {
    r.fail(
      typePath,
      'executor type "wasip3-unstable" is not supported by this version of Spindle',
      'build the component for wasi:http 0.2 and use executor = { type = "http" }',
    );
  }
  return r.fail(
    typePath,
    `unknown variant \`${type}\`, expected one of ${EXECUTOR_TYPES.map((name) => `\`${name}\``).join(", ")}`,
    'use { type = "http" } (the default) or { type = "wagi" }',
  );
}

function readWagiExecutor(
  r: ManifestReader,
  table: TomlTable,
  keyPath: string,
  componentId: string,
): HttpExecutorDecl {
  checkKeys(r, table, keyPath, ["type", "argv", "entrypoint"]);
  const argv = optionalString(r, table, keyPath, "argv");
  const entrypoint = optionalString(r, table, keyPath, "entrypoint");
  if (entrypoint !== undefined && entrypoint !== "_start") {
    r.fail(
      joinKey(keyPath, "entrypoint"),
      `Wagi component '${componentId}' cannot use deprecated 'entrypoint' field`,
      "remove `entrypoint`: WAGI components always start at `_start`",
    );
  }
  return {
    type: "wagi",
    ...(argv === undefined ? {} : { argv }),
    ...(entrypoint === undefined ? {} : { entrypoint }),
  };
}

/** Warns about duplicate and reserved routes across the app's HTTP triggers, in manifest order. */
export function checkHttpRoutes(r: ManifestReader, triggers: readonly TriggerDecl[]): void {
  const owners = new Map<string, string>();
  const duplicates: string[] = [];
  triggers.forEach((trigger) => {
    const route = trigger.http?.route;
    if (route?.kind !== "path") return;
    const normalised = route.route.startsWith("/") ? route.route : `/${route.route}`;
    if (normalised.startsWith(RESERVED_PREFIX)) {
      r.warn(
        `trigger \`${trigger.id}\`: the route "${route.route}" is under ${RESERVED_PREFIX}, which is reserved, so component \`${trigger.component}\` will never be routed to`,
      );
    }
    const previous = owners.get(route.route);
    if (previous !== undefined)
      duplicates.push(`  ${previous}: ${route.route} (duplicate of ${trigger.component})`);
    owners.set(route.route, trigger.component);
  });
  if (duplicates.length > 0) {
    r.warn(
      ["The following component routes are duplicates and will never be used:", ...duplicates].join("\n"),
    );
  }
}
