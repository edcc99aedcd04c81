/**
 * Starts every trigger an app has, the way `spindle up` and the containerd shim both run apps: the Redis
 * trigger when the app has Redis triggers, then the HTTP trigger unless the app has only Redis triggers
 * (an app with no triggers at all still serves HTTP: Spin's default). Redis goes first, so an unreachable
 * Redis fails the start before anything listens. A reload switches every trigger or none (see
 * prepared-reload.ts). The components' contexts are built here, once per loaded app, and shared by both
 * triggers; their output sinks live as long as the triggers (across reloads) and are closed once both
 * have stopped. Also Spin's start-up banner for what runs.
 */
import type { RunnableApp } from "../app/local-app.ts";
import type { LoadedApp } from "../app/load.ts";
import type { ResolvedVariables } from "../app/variables.ts";
import type { InstanceReuse } from "../engine/instance-reuse.ts";
import type { ClosableGuestOutput } from "../observe/guest-output.ts";
import type { Logger } from "../observe/logger.ts";
import { closeAfterFailure, closeInOrder } from "../util/close-all.ts";
import { componentContexts, type AppContexts, type ComponentSettings } from "./component-context.ts";
import type { ListenAddress } from "./http/listen-address.ts";
import { formatStartup } from "./http/route-table.ts";
import type { ServerLimits } from "./http/server.ts";
import { startHttpTrigger, type RunningHttpTrigger } from "./http/trigger.ts";
import type { PreparedReload } from "./prepared-reload.ts";
import { hasRedisTriggers, startRedisTrigger, type RunningRedisTrigger } from "./redis/trigger.ts";

export interface AppTriggers {
  /** Absent when the app has only Redis triggers: then nothing listens for HTTP. */
  readonly http: RunningHttpTrigger | undefined;
  readonly redis: RunningRedisTrigger | undefined;
}

export interface RunningAppTriggers extends AppTriggers {
  /**
   * Runs `app` from now on in every running trigger, on contexts built once for it. Every trigger prepares
   * it first — HTTP (building and compiling, which fails most often and opens nothing), then Redis
   * (connecting and subscribing) — and only then do all switch. If any cannot prepare, the error is thrown,
   * what the others prepared is discarded, and every trigger keeps running the previous app.
   */
  reload(app: LoadedApp, variables: ResolvedVariables): Promise<void>;
  /** Stops HTTP (it drains its requests), then Redis (it waits for its messages), then the output sinks. */
  close(): Promise<void>;
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
): Promise<RunningAppTriggers> {
  // Output sinks outlive reloads: a request or message still running on the previous app keeps writing.
  const outputs = new Map<string, ClosableGuestOutput>();
  const closeOutputs = () => outputs.forEach((output) => output.close());
  const contextsOf = (app: LoadedApp, variables: ResolvedVariables) =>
    componentContexts(app, { settings: componentSettings, variables, outputs });
  let triggers: AppTriggers;
  try {
    const contexts = await contextsOf(runnable.app, runnable.variables);
    triggers = await startTriggers(contexts, { ...componentSettings, ...http });
  } catch (error) {
    closeOutputs();
    throw error;
  }
  return {
    ...triggers,
    reload: async (app, variables) => {
      const prepared = await prepareAll(triggers, await contextsOf(app, variables));
      await Promise.all(prepared.map((reload) => reload.commit()));
    },
    close: () =>
      closeInOrder(
        () => triggers.http?.close(),
        () => triggers.redis?.close(),
        closeOutputs,
      ),
  };
}

/** Each running trigger's reload to `contexts`, HTTP's first; if one fails, those before it are discarded. */
async function prepareAll(triggers: AppTriggers, contexts: AppContexts): Promise<PreparedReload[]> {
  const prepared: PreparedReload[] = [];
  try {
    for (const trigger of [triggers.http, triggers.redis])
      if (trigger !== undefined) prepared.push(await trigger.prepare(contexts));
  } catch (error) {
    await Promise.all(prepared.map((reload) => reload.discard()));
    throw error;
  }
  return prepared;
}

async function startTriggers(
  contexts: AppContexts,
  settings: ComponentSettings & HttpSettings,
): Promise<AppTriggers> {
  const types = triggerTypes(contexts.app);
  const redis = types.redis ? await startRedisTrigger(contexts, settings) : undefined;
  if (!types.http) return { http: undefined, redis };
  try {
    return { http: await startHttpTrigger(contexts, settings), redis };
  } catch (error) {
    return closeAfterFailure(error, reportCloseFailure(settings.logger), () => redis?.close());
  }
}

/** Logs what failed to close after a failed start, whose own error is the one the caller gets. */
export function reportCloseFailure(logger: Logger): (error: unknown) => void {
  return (error) =>
    logger.warn("could not close what the failed start had opened", {
      error: error instanceof Error ? error.message : String(error),
    });
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
