/**
 * The HTTP trigger for one loaded app: builds the router from the app's `[[trigger.http]]` entries and one
 * executor per trigger on the components' contexts it is given (shared with the app's other triggers;
 * ../start.ts makes them and closes their output sinks), then starts the listener. Everything that can fail
 * is checked before the socket opens, and whatever was opened is closed again on failure, so a bad app
 * never half-starts. One per running app.
 */
import type { LoadedApp } from "../../app/load.ts";
import type { HttpHandler, InstanceStats } from "../../executors/http.ts";
import type { Observer } from "../../observe/observer.ts";
import { unbracketed } from "../../util/ip.ts";
import type { AppContexts } from "../component-context.ts";
import type { PreparedReload } from "../prepared-reload.ts";
import { readHttpTrigger } from "./config.ts";
import { createHandlers, type HandlerDeps, type HandlerSettings } from "./handlers.ts";
import type { InternalRoutes } from "./internal-dispatch.ts";
import { formatHostPort, type ListenAddress } from "./listen-address.ts";
import { listRoutes, Router } from "./router.ts";
import type { PrintedRoute } from "./route-table.ts";
import {
  startHttpServer,
  type HttpApp,
  type RoutingInput,
  type RoutedRequest,
  type ServerLimits,
} from "./server.ts";
import { spinHeaders, spinRequestInfo } from "./spin-headers.ts";

export interface HttpTriggerOptions extends HandlerSettings {
  readonly listen: ListenAddress;
  /** Told about requests; nothing observes when absent. */
  readonly observer?: Observer | undefined;
  /** Deadlines, admission and shutdown; the server's defaults when absent. */
  readonly limits?: ServerLimits | undefined;
}

export interface RunningHttpTrigger {
  /** `http://host:port`, with the real port. */
  readonly baseUrl: string;
  /** The routes being served (they change when a reload commits). */
  readonly routes: readonly PrintedRoute[];
  /**
   * Builds the app of `contexts` (router, handlers, compiled components) to serve on the same socket once
   * committed; requests already in flight then finish on the app they started on. If it cannot be loaded
   * the error is thrown and the previous app keeps serving. Preparing opens nothing.
   */
  prepare(contexts: AppContexts): Promise<PreparedReload>;
  /** What each component's instances hold now (summed over its triggers), for metrics and the dashboard. */
  instances(): ReadonlyMap<string, InstanceStats>;
  close(): Promise<void>;
}

/** What one loaded app contributes to the trigger; replaced whole on reload. */
interface Serving {
  readonly http: HttpApp;
  readonly routes: readonly PrintedRoute[];
  /** Each handler with its component. */
  readonly handlers: readonly (readonly [component: string, handler: HttpHandler])[];
}

export async function startHttpTrigger(
  contexts: AppContexts,
  options: HttpTriggerOptions,
): Promise<RunningHttpTrigger> {
  const listening = { authority: formatHostPort(options.listen) };
  const load = (next: AppContexts) => prepare(next, { settings: options, listening });
  let serving = await load(contexts);
  const current: HttpApp = {
    get name() {
      return serving.http.name;
    },
    get version() {
      return serving.http.version;
    },
    route: (input) => serving.http.route(input),
    isReservedHeader: (name) => serving.http.isReservedHeader(name),
  };
  const server = await startHttpServer(current, {
    listen: options.listen,
    logger: options.logger,
    limits: options.limits,
    observer: options.observer,
  });
  listening.authority = formatHostPort(server.address);
  return {
    baseUrl: `http://${listening.authority}`,
    get routes() {
      return serving.routes;
    },
    prepare: async (next) => {
      const prepared = await load(next);
      return {
        commit: () => {
          serving = prepared;
          return Promise.resolve();
        },
        discard: () => Promise.resolve(),
      };
    },
    instances: () => sumInstances(serving.handlers),
    close: () => server.close(),
  };
}

function sumInstances(handlers: Serving["handlers"]): Map<string, InstanceStats> {
  const sums = new Map<string, InstanceStats>();
  for (const [component, handler] of handlers) {
    const { ready, memoryBytes } = handler.instances();
    const sum = sums.get(component) ?? { ready: 0, memoryBytes: 0 };
    sums.set(component, { ready: sum.ready + ready, memoryBytes: sum.memoryBytes + memoryBytes });
  }
  return sums;
}

interface PrepareDeps extends Omit<HandlerDeps, "internal"> {
  readonly listening: { readonly authority: string };
}

async function prepare(contexts: AppContexts, deps: PrepareDeps): Promise<Serving> {
  const { app } = contexts;
  const triggers = app.locked.triggers.filter((t) => t.trigger_type === "http").map(readHttpTrigger);
  const router = new Router(
    triggers.map((t) => ({
      triggerId: t.triggerId,
      component: t.component,
      route: t.route ?? { private: true },
    })),
  );
  // Handlers are built before the routing tables that chained requests need; requests come later.
  const tables: { internal?: InternalRoutes } = {};
  const handlers = await createHandlers(contexts, triggers, {
    ...deps,
    internal: () => tables.internal as InternalRoutes,
  });
  const componentTriggers = new Map<string, string>();
  for (const t of triggers)
    if (!componentTriggers.has(t.component)) componentTriggers.set(t.component, t.triggerId);
  tables.internal = {
    router,
    handlers,
    componentTriggers,
    get selfAuthority() {
      return deps.listening.authority;
    },
  };
  return {
    handlers: triggers.flatMap((t) => {
      const handler = handlers.get(t.triggerId);
      return handler === undefined ? [] : [[t.component, handler] as const];
    }),
    http: httpApp(app, router, handlers),
    routes: listRoutes(router).map((r) => ({
      component: r.component,
      display: r.display,
      description: app.components.get(r.component)?.locked.metadata?.description,
    })),
  };
}

function httpApp(app: LoadedApp, router: Router, handlers: ReadonlyMap<string, HttpHandler>): HttpApp {
  return {
    name: app.name,
    version: app.locked.metadata.version,
    isReservedHeader: (name) => name.startsWith("spin-") || name.startsWith("spin_"),
    route(input: RoutingInput): RoutedRequest | undefined {
      const match = router.match(input.path);
      if (match === undefined) return undefined;
      const handler = handlers.get(match.entry.triggerId) as HttpHandler;
      const [address, port] = splitClient(input.clientAddr);
      const spin = spinRequestInfo({
        match,
        scheme: input.scheme,
        host: input.host,
        pathWithQuery: input.pathWithQuery,
        client: { address, port },
      });
      return { component: match.entry.component, handler, spin, injectedHeaders: spinHeaders(spin) };
    },
  };
}

function splitClient(clientAddr: string): [string, number] {
  const colon = clientAddr.lastIndexOf(":");
  return [unbracketed(clientAddr.slice(0, colon)), Number(clientAddr.slice(colon + 1))];
}
