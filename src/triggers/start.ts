/**
 * Starts every trigger an app has, the way `spindle up` and the containerd shim both run apps: the Redis
 * trigger when the app has Redis triggers, then the HTTP trigger unless the app has only Redis triggers
 * (an app with no triggers at all still serves HTTP: Spin's default). Redis goes first, so an unreachable
 * Redis fails the start before anything listens. Also Spin's start-up banner for what runs.
 */
import type { RunnableApp } from "../app/local-app.ts";
import type { LoadedApp } from "../app/load.ts";
import type { InstanceReuse } from "../engine/instance-reuse.ts";
import type { ComponentSettings } from "./component-context.ts";
import type { ListenAddress } from "./http/listen-address.ts";
import { formatStartup } from "./http/route-table.ts";
import type { ServerLimits } from "./http/server.ts";
import { startHttpTrigger, type RunningHttpTrigger } from "./http/trigger.ts";
import { hasRedisTriggers, startRedisTrigger, type RunningRedisTrigger } from "./redis/trigger.ts";

export interface AppTriggers {
  /** Absent when the app has only Redis triggers: then nothing listens for HTTP. */
  readonly http: RunningHttpTrigger | undefined;
  readonly redis: RunningRedisTrigger | undefined;
}

/** What only the HTTP trigger takes. */
export interface HttpSettings {
  readonly listen: ListenAddress;
  /** Deadlines, admission and shutdown; the server's defaults when absent. */
  readonly limits?: ServerLimits | undefined;
  readonly instanceReuse?: InstanceReuse | undefined;
}

export async function startAppTriggers(
  runnable: RunnableApp,
  componentSettings: ComponentSettings,
  http: HttpSettings,
): Promise<AppTriggers> {
  const { app, variables } = runnable;
  const types = triggerTypes(app);
  const redis = types.redis ? await startRedisTrigger(app, { ...componentSettings, variables }) : undefined;
  if (!types.http) return { http: undefined, redis };
  try {
    return { http: await startHttpTrigger(app, { ...componentSettings, ...http, variables }), redis };
  } catch (error) {
    await redis?.close();
    throw error;
  }
}

/** Which triggers run for `app`: Redis when it has Redis triggers, HTTP unless it has only Redis ones. */
export function triggerTypes(app: LoadedApp): { readonly http: boolean; readonly redis: boolean } {
  const redis = hasRedisTriggers(app);
  return { http: !redis || app.locked.triggers.some((t) => t.trigger_type === "http"), redis };
}

/** Spin's banner: the HTTP routes, then the Redis channels. */
export function triggersBanner(triggers: AppTriggers): string {
  const http = triggers.http === undefined ? "" : formatStartup(triggers.http.baseUrl, triggers.http.routes);
  return http + (triggers.redis?.banner ?? "");
}
