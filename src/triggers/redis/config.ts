/**
 * Reads the Redis triggers of a locked app into what the trigger subscribes to: each trigger's address
 * (its own, else `[application.trigger.redis]`'s) and channel rendered with the resolved variables, then
 * grouped by address (one connection each) and channel (one subscription each, possibly several
 * components). A locked app may come from a registry rather than a manifest we validated, so every field
 * is checked again here, with errors naming the trigger. Pure; runs once per loaded app.
 */
import type { LockedApp, LockedTrigger } from "../../app/locked.ts";
import { SpindleError } from "../../errors.ts";
import { parseTemplate, renderTemplate, TemplateError } from "../../manifest/template.ts";

/** One component subscribed to a channel. */
export interface RedisBinding {
  readonly triggerId: string;
  readonly component: string;
}

/** Everything subscribed on one Redis server. */
export interface RedisServer {
  /** The address as rendered, e.g. `redis://localhost:6379`. */
  readonly address: string;
  /** Channel → the components it runs, in manifest order. */
  readonly channels: ReadonlyMap<string, readonly RedisBinding[]>;
}

const HINT = "fix the Redis trigger in spin.toml";

/** The servers to subscribe to, in order of first appearance; empty when the app has no Redis trigger. */
export function readRedisServers(app: LockedApp, variables: ReadonlyMap<string, string>): RedisServer[] {
  const shared = app.metadata.triggers?.["redis"]?.["address"];
  const servers = new Map<string, Map<string, RedisBinding[]>>();
  for (const trigger of app.triggers.filter((t) => t.trigger_type === "redis")) {
    const { address, channel, component } = readTrigger(trigger, shared, variables);
    let channels = servers.get(address);
    if (channels === undefined) servers.set(address, (channels = new Map<string, RedisBinding[]>()));
    const bindings = channels.get(channel) ?? [];
    channels.set(channel, [...bindings, { triggerId: trigger.id, component }]);
  }
  return [...servers].map(([address, channels]) => ({ address, channels }));
}

function readTrigger(trigger: LockedTrigger, shared: unknown, variables: ReadonlyMap<string, string>) {
  const config = trigger.trigger_config;
  const fail = (problem: string) =>
    new SpindleError(`Redis trigger "${trigger.id}": ${problem}`, { hint: HINT });
  const component = config["component"];
  if (typeof component !== "string") throw fail("`component` must name a component");
  const channel = config["channel"];
  if (typeof channel !== "string") throw fail("`channel` must be a string");
  const address = config["address"] ?? shared;
  if (address === undefined) {
    throw new SpindleError(`Redis trigger "${trigger.id}" has no address to subscribe to`, {
      hint: 'set [application.trigger.redis] address = "redis://host:6379", or the trigger\'s `address`',
    });
  }
  if (typeof address !== "string") throw fail("`address` must be a string");
  const rendered = render(address, "address", { trigger, variables });
  checkAddress(trigger.id, rendered, address);
  return { address: rendered, channel: render(channel, "channel", { trigger, variables }), component };
}

interface RenderContext {
  readonly trigger: LockedTrigger;
  readonly variables: ReadonlyMap<string, string>;
}

function render(template: string, field: string, { trigger, variables }: RenderContext): string {
  try {
    return renderTemplate(parseTemplate(template), (name) => {
      const value = variables.get(name);
      if (value === undefined) throw new TemplateError(`unknown variable "${name}"`);
      return value;
    });
  } catch (cause) {
    if (!(cause instanceof TemplateError)) throw cause;
    throw new SpindleError(
      `Redis trigger "${trigger.id}": cannot render ${field} "${template}": ${cause.message}`,
      {
        cause,
        hint: "declare the variable under [variables] in spin.toml and give it a value or a default",
      },
    );
  }
}

function checkAddress(triggerId: string, address: string, written: string): void {
  let url: URL | undefined;
  try {
    url = new URL(address);
  } catch {
    url = undefined;
  }
  if (url?.protocol === "redis:" || url?.protocol === "rediss:") return;
  const from = address === written ? "" : ` (rendered from "${written}")`;
  throw new SpindleError(`Redis trigger "${triggerId}": invalid address "${address}"${from}`, {
    hint: 'use a Redis URL such as "redis://localhost:6379" or "rediss://user:password@host:6380"',
  });
}
