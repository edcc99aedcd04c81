/**
 * Reads an HTTP trigger's settings out of a locked app's `trigger_config`. A locked app may come from a
 * registry rather than a manifest we validated, so every field is checked again here, with errors naming
 * the trigger. Pure; run once per trigger at load time.
 */
import type { LockedTrigger } from "../../app/locked.ts";
import { SpindleError } from "../../errors.ts";

export type HttpExecutorConfig =
  { readonly type: "http" } | { readonly type: "wagi"; readonly argv?: string };

export interface HttpTriggerConfig {
  readonly triggerId: string;
  readonly component: string;
  /** The route as written, or `undefined` for a private endpoint. */
  readonly route: string | undefined;
  readonly executor: HttpExecutorConfig;
}

export function readHttpTrigger(trigger: LockedTrigger): HttpTriggerConfig {
  const config = trigger.trigger_config;
  const fail = (problem: string) =>
    new SpindleError(`HTTP trigger "${trigger.id}": ${problem}`, { hint: "fix the trigger in spin.toml" });
  const component = config["component"];
  if (typeof component !== "string") throw fail("`component` must name a component");
  const route = config["route"];
  const isPrivate =
    typeof route === "object" && route !== null && (route as { private?: unknown }).private === true;
  if (typeof route !== "string" && !isPrivate) throw fail("`route` must be a string or { private = true }");
  return {
    triggerId: trigger.id,
    component,
    route: typeof route === "string" ? route : undefined,
    executor: readExecutor(config["executor"], fail),
  };
}

function readExecutor(value: unknown, fail: (problem: string) => Error): HttpExecutorConfig {
  if (value === undefined) return { type: "http" };
  const executor = value as { type?: unknown; argv?: unknown };
  if (executor.type === "http" || executor.type === "spin") return { type: "http" };
  if (executor.type !== "wagi") throw fail(`unknown executor type ${JSON.stringify(executor.type)}`);
  if (executor.argv !== undefined && typeof executor.argv !== "string")
    throw fail("executor `argv` must be a string");
  return executor.argv === undefined ? { type: "wagi" } : { type: "wagi", argv: executor.argv };
}
