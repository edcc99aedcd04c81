/**
 * What every trigger gives the executor of one of the app's components, whatever the trigger: the
 * component's output sink (one per component, kept across reloads), its environment with `spindle up -e`
 * additions, its outbound HTTP policy — `allowed_outbound_hosts` rendered with the resolved variables, with
 * in-app requests (`self`, `*.spin.internal`) handed to the trigger's `dispatchInternal` — and the host
 * capabilities (key-value, variables, …) configured for the app. Built once per loaded app and trigger,
 * at load time; each component's context is made once per trigger type (HTTP, Redis) and shared by its
 * triggers of that type: a component with both kinds has two, each with its own output sink on the same
 * files.
 */
import type { LookupFunction } from "node:net";
import type { LoadedApp } from "../app/load.ts";
import { SpindleError } from "../errors.ts";
import type { ResolvedVariables } from "../app/variables.ts";
import type { HostCapabilities } from "../capabilities/capability.ts";
import type { OutboundFetch } from "../capabilities/outbound-networking/outbound-fetch.ts";
import { buildAllowList } from "../capabilities/outbound-http/allow-list.ts";
import { createOutboundHttp, type DispatchInternal } from "../capabilities/outbound-http/policy.ts";
import type { ExecutorContext } from "../executors/select.ts";
import { createGuestOutput, type ClosableGuestOutput } from "../observe/guest-output.ts";
import type { Logger } from "../observe/logger.ts";
import type { Observer } from "../observe/observer.ts";
import type { OutboundSockets } from "../net/outbound-socket.ts";

/** The host-wide settings every trigger runs its components with. */
export interface ComponentSettings {
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
  /** Outbound HTTP's network as the runtime config shapes it; Node's plain fetch when absent. */
  readonly outboundFetch?: OutboundFetch | undefined;
  /** How the triggers' own connections (the Redis trigger's) resolve host names; the system's when absent. */
  readonly lookup?: LookupFunction | undefined;
  /** Where the triggers' own connections leave from; the host's own network when absent. */
  readonly outboundSockets?: OutboundSockets | undefined;
}

export interface ComponentContextDeps {
  readonly settings: ComponentSettings;
  readonly variables: ResolvedVariables;
  /** Output sinks by component id, shared with earlier loads of the app. */
  readonly outputs: Map<string, ClosableGuestOutput>;
  /** Serves the components' requests to the app itself. */
  readonly dispatchInternal: DispatchInternal;
}

/** The executor context of each of `app`'s components, made on first ask. */
export async function componentContexts(
  app: LoadedApp,
  deps: ComponentContextDeps,
): Promise<(componentId: string) => ExecutorContext> {
  const { settings } = deps;
  const capabilities = await settings.capabilities?.configureApp(app, deps.variables);
  const contexts = new Map<string, ExecutorContext>();
  return (componentId) => {
    let context = contexts.get(componentId);
    if (context === undefined) {
      const component = app.components.get(componentId);
      if (component === undefined) {
        throw new SpindleError(
          `a trigger of app "${app.name}" names component "${componentId}", which the app lacks`,
          {
            hint: `point the trigger at one of its components: ${[...app.components.keys()].join(", ")}`,
          },
        );
      }
      context = {
        component,
        environment: new Map([...component.environment, ...settings.extraEnv]),
        output: outputFor(componentId, deps),
        cacheDir: settings.cacheDir,
        outbound: outboundPolicy(app, componentId, deps),
        capabilities,
        observer: settings.observer,
        maxInstanceMemory: settings.maxInstanceMemory,
      };
      contexts.set(componentId, context);
    }
    return context;
  };
}

function outboundPolicy(app: LoadedApp, componentId: string, deps: ComponentContextDeps) {
  const componentIds = [...app.components.keys()];
  const { settings } = deps;
  return createOutboundHttp({
    component: componentId,
    allowList: buildAllowList({
      component: componentId,
      entries: app.components.get(componentId)?.locked.metadata?.allowed_outbound_hosts ?? [],
      variables: deps.variables.values,
      componentIds,
    }),
    componentIds,
    logger: settings.logger.child({ component: componentId }),
    observer: settings.observer,
    dispatchInternal: deps.dispatchInternal,
    ...(settings.outboundFetch === undefined ? {} : { fetch: settings.outboundFetch.fetchFor(componentId) }),
  });
}

function outputFor(componentId: string, deps: ComponentContextDeps): ClosableGuestOutput {
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
