/**
 * The Redis trigger for one loaded app: one subscribing connection per distinct server address
 * (subscriber.ts), and for every message on a channel, each component bound to that channel run
 * concurrently on a fresh instance, as Spin does. A guest's error or trap is logged and the trigger goes
 * on; nothing is retried. Handlers are built before anything connects, and whatever was opened is closed
 * again on failure, so a bad app never half-starts. One per running app that has Redis triggers.
 */
import type { LoadedApp } from "../../app/load.ts";
import type { ResolvedVariables } from "../../app/variables.ts";
import { OutboundError } from "../../capabilities/outbound-http/outbound.ts";
import type { MessageHandler } from "../../executors/message.ts";
import { createMessageExecutor } from "../../executors/select.ts";
import type { ClosableGuestOutput } from "../../observe/guest-output.ts";
import { noopObserver } from "../../observe/observer.ts";
import { withoutCredentials } from "../../util/url-credentials.ts";
import { componentContexts, type ComponentSettings } from "../component-context.ts";
import { formatActiveChannels } from "./banner.ts";
import { readRedisServers, type RedisServer } from "./config.ts";
import { subscribe, type Subscriber } from "./subscriber.ts";

export interface RedisTriggerOptions extends ComponentSettings {
  readonly variables: ResolvedVariables;
  /** The wait before reconnect attempt `attempt`, in ms; Spindle's backoff when absent (tests shorten it). */
  readonly reconnectDelay?: ((attempt: number) => number) | undefined;
}

export interface RunningRedisTrigger {
  /** Spin's `Active Channels on …` lines for what is subscribed now. */
  readonly banner: string;
  /**
   * Runs `app` from now on: its subscriptions are made before the previous app's are closed, and messages
   * already being handled finish on the app they started on. If `app` cannot be started the error is thrown
   * and the previous app keeps running.
   */
  reload(app: LoadedApp, variables: ResolvedVariables): Promise<void>;
  /** Stops subscribing and waits for the messages being handled. */
  close(): Promise<void>;
}

/** Whether `app` has anything for this trigger to run. */
export function hasRedisTriggers(app: LoadedApp): boolean {
  return app.locked.triggers.some((t) => t.trigger_type === "redis");
}

interface Active {
  readonly servers: readonly RedisServer[];
  readonly subscribers: readonly Subscriber[];
}

export async function startRedisTrigger(
  app: LoadedApp,
  options: RedisTriggerOptions,
): Promise<RunningRedisTrigger> {
  // Output sinks outlive reloads: a message still being handled on the previous app keeps writing to them.
  const outputs = new Map<string, ClosableGuestOutput>();
  const inFlight = new Set<Promise<void>>();
  const start = (next: LoadedApp, variables: ResolvedVariables) =>
    startApp(next, { app: next.name, options, variables, outputs, inFlight });
  let active: Active;
  try {
    active = await start(app, options.variables);
  } catch (error) {
    outputs.forEach((output) => output.close());
    throw error;
  }
  return {
    get banner() {
      return formatActiveChannels(active.servers);
    },
    reload: async (next, variables) => {
      const previous = active;
      active = await start(next, variables);
      await closeAll(previous.subscribers);
    },
    close: async () => {
      await closeAll(active.subscribers);
      await Promise.allSettled(inFlight);
      outputs.forEach((output) => output.close());
    },
  };
}

interface StartDeps {
  /** The app's name, for observers. */
  readonly app: string;
  readonly options: RedisTriggerOptions;
  readonly variables: ResolvedVariables;
  readonly outputs: Map<string, ClosableGuestOutput>;
  readonly inFlight: Set<Promise<void>>;
}

async function startApp(app: LoadedApp, deps: StartDeps): Promise<Active> {
  const { options } = deps;
  const servers = readRedisServers(app.locked, deps.variables.values);
  const handlers = await createHandlers(app, servers, deps);
  const subscribers: Subscriber[] = [];
  try {
    for (const server of servers) {
      const deliver = dispatcher(server, handlers, deps);
      subscribers.push(
        await subscribe({
          address: server.address,
          channels: [...server.channels.keys()],
          onMessage: deliver,
          logger: options.logger,
          reconnectDelay: options.reconnectDelay,
          lookup: options.lookup,
          sockets: options.outboundSockets,
        }),
      );
    }
  } catch (error) {
    await closeAll(subscribers);
    throw error;
  }
  return { servers, subscribers };
}

/** One handler per trigger id. */
async function createHandlers(
  app: LoadedApp,
  servers: readonly RedisServer[],
  deps: StartDeps,
): Promise<Map<string, MessageHandler>> {
  const contextOf = await componentContexts(app, {
    settings: deps.options,
    variables: deps.variables,
    outputs: deps.outputs,
    dispatchInternal: () =>
      Promise.reject(
        new OutboundError(
          "destination-not-found",
          "requests to the app itself (self, *.spin.internal) are served only from HTTP components",
        ),
      ),
  });
  const handlers = new Map<string, MessageHandler>();
  for (const server of servers) {
    for (const binding of [...server.channels.values()].flat()) {
      handlers.set(binding.triggerId, await createMessageExecutor(contextOf(binding.component)));
    }
  }
  return handlers;
}

function dispatcher(
  server: RedisServer,
  handlers: ReadonlyMap<string, MessageHandler>,
  deps: StartDeps,
): (channel: string, payload: Uint8Array) => void {
  const logger = deps.options.logger.child({ redis: withoutCredentials(server.address) });
  const observer = deps.options.observer ?? noopObserver;
  return (channel, payload) => {
    for (const binding of server.channels.get(channel) ?? []) {
      const handler = handlers.get(binding.triggerId) as MessageHandler;
      const { component } = binding;
      const observed = observer.message({ app: deps.app, component, system: "redis", channel });
      const handled = observed
        .run(() => handler.handle(payload))
        .then(
          () => observed.end(),
          (error: unknown) => {
            const message = error instanceof Error ? error.message : String(error);
            observed.end(message);
            logger.error(`component "${component}" failed to handle a message on channel "${channel}"`, {
              component,
              channel,
              error: message,
            });
          },
        );
      deps.inFlight.add(handled);
      void handled.finally(() => deps.inFlight.delete(handled));
    }
  };
}

async function closeAll(subscribers: readonly Subscriber[]): Promise<void> {
  await Promise.allSettled(subscribers.map((s) => s.close()));
}
