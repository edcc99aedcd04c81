/**
 * What every trigger gives the executor of one of the app's components, whatever the trigger: the component's
 * output sink (one per component, kept across reloads), its environment with `spindle up -e` additions, its
 * outbound HTTP policy — `allowed_outbound_hosts` rendered with the resolved variables — and the host
 * capabilities (key-value, variables, …) configured for the app. Built once per loaded app, at load time, and
 * shared by all its triggers: a component bound to HTTP and Redis triggers has one context, one output sink
 * and one set of capabilities for both. Only where its in-app requests (`self`, `*.spin.internal`) go is the
 * trigger's to say, when it asks for the context.
 */
import type { LookupFunction } from "node:net";
import type { AppComponent, LoadedApp } from "../app/load.ts";
import { SpindleError } from "../errors.ts";
import type { ResolvedVariables } from "../app/variables.ts";
import type { AppCapability, HostCapabilities } from "../capabilities/capability.ts";
import type { OutboundFetch } from "../capabilities/outbound-networking/outbound-fetch.ts";
import { buildAllowList } from "../capabilities/outbound-http/allow-list.ts";
import type { OutboundHttp } from "../capabilities/outbound-http/outbound.ts";
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
  /** Output sinks by component id, shared with earlier loads of the app; their owner closes them. */
  readonly outputs: Map<string, ClosableGuestOutput>;
}

/** One loaded app as its triggers run it: its resolved variables and its components' contexts. */
export interface AppContexts {
  readonly app: LoadedApp;
  readonly variables: ResolvedVariables;
  /**
   * The executor context of component `componentId`, whose in-app requests `dispatchInternal` serves; the
   * same component, output sink and capabilities whichever trigger asks. Throws when the app lacks it.
   */
  contextOf(componentId: string, dispatchInternal: DispatchInternal): ExecutorContext;
}

/** A component's context but for where its in-app requests go; made on first ask, shared by the triggers. */
interface SharedContext {
  readonly context: Omit<ExecutorContext, "outbound">;
  /** Its outbound HTTP policy, with in-app requests served by `dispatchInternal`. */
  outbound(dispatchInternal: DispatchInternal): OutboundHttp;
}

/** Configures the host capabilities for `app` and makes its components' contexts. */
export async function componentContexts(app: LoadedApp, deps: ComponentContextDeps): Promise<AppContexts> {
  const capabilities = await deps.settings.capabilities?.configureApp(app, deps.variables);
  const shared = new Map<string, SharedContext>();
  return {
    app,
    variables: deps.variables,
    contextOf: (componentId, dispatchInternal) => {
      let made = shared.get(componentId);
      if (made === undefined) {
        made = sharedContext(app, componentId, { ...deps, capabilities });
        shared.set(componentId, made);
      }
      return { ...made.context, outbound: made.outbound(dispatchInternal) };
    },
  };
}

interface SharedDeps extends ComponentContextDeps {
  readonly capabilities: AppCapability | undefined;
}

function sharedContext(app: LoadedApp, componentId: string, deps: SharedDeps): SharedContext {
  const component = app.components.get(componentId);
  if (component === undefined) {
    throw new SpindleError(
      `a trigger of app "${app.name}" names component "${componentId}", which the app lacks`,
      {
        hint: `point the trigger at one of its components: ${[...app.components.keys()].join(", ")}`,
      },
    );
  }
  const { settings } = deps;
  return {
    context: {
      component,
      environment: new Map([...component.environment, ...settings.extraEnv]),
      output: outputFor(componentId, deps),
      cacheDir: settings.cacheDir,
      capabilities: deps.capabilities,
      observer: settings.observer,
      maxInstanceMemory: settings.maxInstanceMemory,
    },
    outbound: outboundPolicy(component, [...app.components.keys()], deps),
  };
}

/** Renders the component's allow-list now (a bad entry fails the load); the policy is made per trigger. */
function outboundPolicy(
  component: AppComponent,
  componentIds: readonly string[],
  deps: ComponentContextDeps,
): SharedContext["outbound"] {
  const { settings } = deps;
  const allowList = buildAllowList({
    component: component.id,
    entries: component.locked.metadata?.allowed_outbound_hosts ?? [],
    variables: deps.variables.values,
    componentIds,
  });
  const logger = settings.logger.child({ component: component.id });
  const fetch = settings.outboundFetch?.fetchFor(component.id);
  return (dispatchInternal) =>
    createOutboundHttp({
      component: component.id,
      allowList,
      componentIds,
      logger,
      observer: settings.observer,
      dispatchInternal,
      ...(fetch === undefined ? {} : { fetch }),
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
