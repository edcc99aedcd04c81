/**
 * Builds the request handler of every HTTP trigger of an app: the executor the trigger asks for, with the
 * component's context (../component-context.ts) whose in-app requests (`self`, `*.spin.internal`) are
 * served through this trigger's routing tables, and how many requests one of its instances may serve
 * (`--instance-reuse`). Runs at load time.
 */
import type { DispatchInternal } from "../../capabilities/outbound-http/policy.ts";
import type { HttpHandler } from "../../executors/http.ts";
import { SpindleError } from "../../errors.ts";
import { createHttpExecutor } from "../../executors/select.ts";
import { NO_REUSE, requestsPerInstance, type InstanceReuse } from "../../engine/instance-reuse.ts";
import type { Logger } from "../../observe/logger.ts";
import type { AppContexts } from "../component-context.ts";
import type { HttpTriggerConfig } from "./config.ts";
import { dispatchInternal, type InternalRoutes } from "./internal-dispatch.ts";

export interface HandlerSettings {
  readonly logger: Logger;
  /** How many requests an instance may serve, by component; a fresh instance each when absent. */
  readonly instanceReuse?: InstanceReuse | undefined;
}

export interface HandlerDeps {
  readonly settings: HandlerSettings;
  /** The app's routing tables, available once all handlers exist (requests come later). */
  readonly internal: () => InternalRoutes;
}

export async function createHandlers(
  contexts: AppContexts,
  triggers: readonly HttpTriggerConfig[],
  deps: HandlerDeps,
): Promise<Map<string, HttpHandler>> {
  const { settings } = deps;
  const reuse = settings.instanceReuse ?? NO_REUSE;
  checkReuseTargets(reuse, [...contexts.app.components.keys()]);
  const inApp: DispatchInternal = (target, request) => dispatchInternal(deps.internal(), target, request);
  const handlers = new Map<string, HttpHandler>();
  for (const trigger of triggers) {
    const id = trigger.component;
    const context = {
      ...contexts.contextOf(id, inApp),
      requestsPerInstance: requestsPerInstance(reuse, id),
      onWarning: (message: string) => settings.logger.warn(message, { component: id }),
    };
    handlers.set(trigger.triggerId, await createHttpExecutor(trigger.executor, context));
  }
  return handlers;
}

function checkReuseTargets(reuse: InstanceReuse, componentIds: readonly string[]): void {
  for (const id of reuse.components.keys()) {
    if (componentIds.includes(id)) continue;
    throw new SpindleError(`--instance-reuse names component "${id}", which the app does not have`, {
      hint: `the app's components are: ${componentIds.join(", ")}`,
    });
  }
}
