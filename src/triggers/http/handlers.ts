/**
 * Builds the request handler of every HTTP trigger of an app: the executor the trigger asks for, the
 * component's output sink (one per component, kept across reloads), its environment with `spindle up -e`
 * additions, and its outbound HTTP policy — `allowed_outbound_hosts` rendered with the resolved variables,
 * with in-app requests (`self`, `*.spin.internal`) served through `internal` — and the host capabilities
 * (key-value, variables, …) configured for the app. Runs at load time.
 */
import type { LoadedApp } from "../../app/load.ts";
import type { ResolvedVariables } from "../../app/variables.ts";
import type { HostCapabilities } from "../../capabilities/capability.ts";
import { buildAllowList } from "../../capabilities/outbound-http/allow-list.ts";
import type { OutboundHttp } from "../../capabilities/outbound-http/outbound.ts";
import { createOutboundHttp } from "../../capabilities/outbound-http/policy.ts";
import type { HttpHandler } from "../../executors/http.ts";
import { SpindleError } from "../../errors.ts";
import { createHttpExecutor } from "../../executors/select.ts";
import { NO_REUSE, requestsPerInstance, type InstanceReuse } from "../../engine/instance-reuse.ts";
import { createGuestOutput, type ClosableGuestOutput } from "../../observe/guest-output.ts";
import type { Logger } from "../../observe/logger.ts";
import type { Observer } from "../../observe/observer.ts";
import type { HttpTriggerConfig } from "./config.ts";
import { dispatchInternal, type InternalRoutes } from "./internal-dispatch.ts";

export interface HandlerSettings {
  readonly extraEnv: ReadonlyMap<string, string>;
  readonly logDir: string | undefined;
  readonly echo: { write(text: string): unknown } | undefined;
  readonly logger: Logger;
  /** Told about requests, instances, guest output and outbound requests; nothing observes when absent. */
  readonly observer?: Observer | undefined;
  readonly cacheDir: string;
  /** The host capabilities, configured for each loaded app; components import none when absent. */
  readonly capabilities?: HostCapabilities | undefined;
  /** The cap on each instance's linear memory, in bytes; none when absent. */
  readonly maxInstanceMemory?: number | undefined;
  /** How many requests an instance may serve, by component; a fresh instance each when absent. */
  readonly instanceReuse?: InstanceReuse | undefined;
}

export interface HandlerDeps {
  readonly settings: HandlerSettings;
  readonly variables: ResolvedVariables;
  /** Output sinks by component id, shared with earlier loads of the app. */
  readonly outputs: Map<string, ClosableGuestOutput>;
  /** The app's routing tables, available once all handlers exist (requests come later). */
  readonly internal: () => InternalRoutes;
}

export async function createHandlers(
  app: LoadedApp,
  triggers: readonly HttpTriggerConfig[],
  deps: HandlerDeps,
): Promise<Map<string, HttpHandler>> {
  const { settings } = deps;
  const componentIds = [...app.components.keys()];
  const outbound = new Map<string, OutboundHttp>();
  const handlers = new Map<string, HttpHandler>();
  const reuse = settings.instanceReuse ?? NO_REUSE;
  checkReuseTargets(reuse, componentIds);
  const capabilities = await settings.capabilities?.configureApp(app, deps.variables);
  for (const trigger of triggers) {
    const component = app.components.get(trigger.component);
    if (component === undefined) throw new Error(`trigger ${trigger.triggerId} names unknown component`);
    const output = outputFor(component.id, deps);
    let policy = outbound.get(component.id);
    if (policy === undefined) {
      policy = createOutboundHttp({
        component: component.id,
        allowList: buildAllowList({
          component: component.id,
          entries: component.locked.metadata?.allowed_outbound_hosts ?? [],
          variables: deps.variables.values,
          componentIds,
        }),
        componentIds,
        logger: settings.logger.child({ component: component.id }),
        observer: settings.observer,
        dispatchInternal: (target, request) => dispatchInternal(deps.internal(), target, request),
      });
      outbound.set(component.id, policy);
    }
    const environment = new Map([...component.environment, ...settings.extraEnv]);
    const context = {
      component,
      environment,
      output,
      cacheDir: settings.cacheDir,
      outbound: policy,
      capabilities,
      observer: settings.observer,
      maxInstanceMemory: settings.maxInstanceMemory,
      requestsPerInstance: requestsPerInstance(reuse, component.id),
      onWarning: (message: string) => settings.logger.warn(message, { component: component.id }),
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

function outputFor(componentId: string, deps: HandlerDeps): ClosableGuestOutput {
  let output = deps.outputs.get(componentId);
  if (output === undefined) {
    const { logDir, echo, observer } = deps.settings;
    const onLine =
      observer === undefined
        ? undefined
        : (stream: "stdout" | "stderr", line: string) => observer.guestOutput(componentId, stream, line);
    output = createGuestOutput({ componentId, logDir, echo, onLine });
    deps.outputs.set(componentId, output);
  }
  return output;
}
