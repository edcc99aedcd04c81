/**
 * The HTTP trigger for one loaded app: builds the router from the app's `[[trigger.http]]` entries, one
 * executor per trigger, one output sink per component, then starts the listener. Everything that can fail
 * is checked before the socket opens, and whatever was opened is closed again on failure, so a bad app
 * never half-starts. One per running app.
 */
import type { LoadedApp } from "../../app/load.ts";
import type { ResolvedVariables } from "../../app/variables.ts";
import { createHttpExecutor } from "../../executors/select.ts";
import type { HttpHandler } from "../../executors/http.ts";
import { createGuestOutput, type ClosableGuestOutput } from "../../observe/guest-output.ts";
import type { Logger } from "../../observe/logger.ts";
import { readHttpTrigger, type HttpTriggerConfig } from "./config.ts";
import { formatHostPort, type ListenAddress } from "./listen-address.ts";
import { listRoutes, Router } from "./router.ts";
import type { PrintedRoute } from "./route-table.ts";
import { startHttpServer, type HttpApp, type RoutingInput, type RoutedRequest } from "./server.ts";
import { spinHeaders, spinRequestInfo } from "./spin-headers.ts";

export interface HttpTriggerOptions {
  readonly listen: ListenAddress;
  readonly variables: ResolvedVariables;
  /** Added to every component's environment (`spindle up -e`), overriding the manifest. */
  readonly extraEnv: ReadonlyMap<string, string>;
  readonly logDir: string | undefined;
  /** Where guest output lines are echoed; none for `--quiet`. */
  readonly echo: { write(text: string): unknown } | undefined;
  readonly logger: Logger;
}

export interface RunningHttpTrigger {
  /** `http://host:port`, with the real port. */
  readonly baseUrl: string;
  /** The routes being served (they change on `reload`). */
  readonly routes: readonly PrintedRoute[];
  /**
   * Serves `app` from now on, on the same socket: requests already in flight finish on the app they started
   * on. If `app` cannot be loaded the error is thrown and the previous app keeps serving.
   */
  reload(app: LoadedApp): Promise<void>;
  close(): Promise<void>;
}

/** What one loaded app contributes to the trigger; replaced whole on reload. */
interface Serving {
  readonly http: HttpApp;
  readonly routes: readonly PrintedRoute[];
}

export async function startHttpTrigger(
  app: LoadedApp,
  options: HttpTriggerOptions,
): Promise<RunningHttpTrigger> {
  // Output sinks outlive reloads: a request still running on the previous app keeps writing to them.
  const outputs = new Map<string, ClosableGuestOutput>();
  const closeOutputs = () => outputs.forEach((output) => output.close());
  try {
    let serving = await prepare(app, outputs, options);
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
    const server = await startHttpServer(current, options.listen, options.logger);
    return {
      baseUrl: `http://${formatHostPort(server.address)}`,
      get routes() {
        return serving.routes;
      },
      reload: async (next) => {
        serving = await prepare(next, outputs, options);
      },
      close: async () => {
        await server.close();
        closeOutputs();
      },
    };
  } catch (error) {
    closeOutputs();
    throw error;
  }
}

async function prepare(
  app: LoadedApp,
  outputs: Map<string, ClosableGuestOutput>,
  options: HttpTriggerOptions,
): Promise<Serving> {
  const triggers = app.locked.triggers.filter((t) => t.trigger_type === "http").map(readHttpTrigger);
  const router = new Router(
    triggers.map((t) => ({
      triggerId: t.triggerId,
      component: t.component,
      route: t.route ?? { private: true },
    })),
  );
  const handlers = await createHandlers(app, triggers, outputs, options);
  return {
    http: httpApp(app, router, handlers),
    routes: listRoutes(router).map((r) => ({
      component: r.component,
      display: r.display,
      description: app.components.get(r.component)?.locked.metadata?.description,
    })),
  };
}

async function createHandlers(
  app: LoadedApp,
  triggers: readonly HttpTriggerConfig[],
  outputs: Map<string, ClosableGuestOutput>,
  options: HttpTriggerOptions,
): Promise<Map<string, HttpHandler>> {
  const handlers = new Map<string, HttpHandler>();
  for (const trigger of triggers) {
    const component = app.components.get(trigger.component);
    if (component === undefined) throw new Error(`trigger ${trigger.triggerId} names unknown component`);
    let output = outputs.get(component.id);
    if (output === undefined) {
      output = createGuestOutput({ componentId: component.id, logDir: options.logDir, echo: options.echo });
      outputs.set(component.id, output);
    }
    const environment = new Map([...component.environment, ...options.extraEnv]);
    handlers.set(
      trigger.triggerId,
      await createHttpExecutor(trigger.executor, { component, environment, output }),
    );
  }
  return handlers;
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
  return [clientAddr.slice(0, colon).replace(/^\[|\]$/g, ""), Number(clientAddr.slice(colon + 1))];
}
