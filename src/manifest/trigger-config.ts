/**
 * The type-specific part of one trigger table, after ids and components are normalised: HTTP (route and
 * executor, see `http-trigger.ts`), Redis (`channel`, `address`) with unknown keys rejected, and any other
 * type (cron, command, …) whose extra keys are kept as opaque `config`. Part of manifest validation. Pure.
 */
import { readHttpTrigger } from "./http-trigger.ts";
import { joinKey } from "./key-lines.ts";
import {
  checkKeys,
  optionalString,
  plainTable,
  readString,
  required,
  type ManifestReader,
  type TomlTable,
} from "./reader.ts";
import type { ApplicationSection, TriggerDecl } from "./schema.ts";
import { checkTemplate, type Variables } from "./variables.ts";

/** A trigger table whose `id` and component are settled. */
export interface SettledTrigger {
  readonly type: string;
  readonly keyPath: string;
  readonly table: TomlTable;
  readonly id: string;
  readonly componentId: string;
}

export function readTriggerConfig(
  r: ManifestReader,
  trigger: SettledTrigger,
  variables: Variables,
): TriggerDecl {
  const { type, keyPath, table, id, componentId } = trigger;
  const http = type === "http" ? readHttpTrigger(r, table, keyPath, componentId) : undefined;
  if (type === "redis") checkRedisTrigger(r, table, keyPath, variables);
  const rest = Object.fromEntries(
    Object.entries(table).filter(([key]) => key !== "id" && key !== "component"),
  );
  const config = plainTable(r, rest, keyPath);
  return { id, type, component: componentId, config, ...(http === undefined ? {} : { http }) };
}

function checkRedisTrigger(r: ManifestReader, table: TomlTable, keyPath: string, variables: Variables): void {
  checkKeys(r, table, keyPath, ["id", "component", "channel", "address"]);
  const channelPath = joinKey(keyPath, "channel");
  checkTemplate(
    r,
    readString(r, required(r, table, keyPath, "channel"), channelPath),
    channelPath,
    variables,
  );
  const address = optionalString(r, table, keyPath, "address");
  if (address !== undefined) checkTemplate(r, address, joinKey(keyPath, "address"), variables);
}

/**
 * Every Redis trigger needs a server: its own `address`, or the app's `[application.trigger.redis]`
 * `address` (Spin fails at start-up without one; this says so while reading the manifest).
 */
export function checkRedisAddresses(
  r: ManifestReader,
  application: ApplicationSection,
  triggers: readonly TriggerDecl[],
): void {
  if (application.triggerSettings["redis"]?.["address"] !== undefined) return;
  triggers
    .filter((trigger) => trigger.type === "redis")
    .forEach((trigger, index) => {
      if (trigger.config["address"] !== undefined) return;
      r.fail(
        `trigger.redis[${index}]`,
        `Redis trigger \`${trigger.id}\` has no address to subscribe to`,
        'set the Redis server for every trigger with [application.trigger.redis] address = "redis://host:6379", or give this trigger an `address`',
      );
    });
}
