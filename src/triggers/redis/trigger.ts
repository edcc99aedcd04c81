/**
 * The Redis trigger for one loaded app: one subscribing connection per distinct server address
 * (subscriber.ts), and for every message on a channel, each component bound to that channel run
 * concurrently on a fresh instance, as Spin does. A guest's error or trap is logged and the trigger goes
 * on; nothing is retried. Components run on the contexts it is given (shared with the app's other
 * triggers; ../start.ts makes them and closes their output sinks), except that their in-app requests are
 * refused. Handlers are built before anything connects, and whatever was opened is closed again on
 * failure, so a bad app never half-starts. One per running app that has Redis triggers.
 */
import type { LoadedApp } from "../../app/load.ts";
import { OutboundError } from "../../capabilities/outbound-http/outbound.ts";
import type { DispatchInternal } from "../../capabilities/outbound-http/policy.ts";
import type { MessageHandler } from "../../executors/message.ts";
import { createMessageExecutor } from "../../executors/select.ts";
import { noopObserver } from "../../observe/observer.ts";
import { withoutCredentials } from "../../util/url-credentials.ts";
import type { AppContexts, ComponentSettings } from "../component-context.ts";
import type { PreparedReload } from "../prepared-reload.ts";
import { formatActiveChannels } from "./banner.ts";
import { readRedisServers, type RedisServer } from "./config.ts";
import { subscribe, type Subscriber } from "./subscriber.ts";

export interface RedisTriggerOptions extends Pick<
  ComponentSettings,
  "logger" | "observer" | "lookup" | "outboundSockets"
> {
  /** The wait before reconnect attempt `attempt`, in ms; Spindle's backoff when absent (tests shorten it). */
  readonly reconnectDelay?: ((attempt: number) => number) | undefined;
}

export interface RunningRedisTrigger {
  /** Spin's `Active Channels on …` lines for what is subscribed now. */
  readonly banner: string;
  /**
   * Builds the handlers of the app of `contexts` and makes its subscriptions, which hand nothing to its
   * components until the reload commits; the previous app handles every message until then. Committing
   * lets the new subscriptions deliver and then closes the previous app's, so a message published while
   * they close may be handled by both apps, but none is missed; messages already being handled finish on
   * the app they started on. If the app cannot be started the error is thrown, whatever it opened is
   * closed, and the previous app keeps running.
   */
  prepare(contexts: AppContexts): Promise<PreparedReload>;
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
  readonly gate: Gate;
}

/** Whether an app's subscriptions hand messages to its components: from the start or reload commit on. */
interface Gate {
  live: boolean;
}

export async function startRedisTrigger(
  contexts: AppContexts,
  options: RedisTriggerOptions,
): Promise<RunningRedisTrigger> {
  const inFlight = new Set<Promise<void>>();
  const start = (next: AppContexts, live: boolean) =>
    startApp(next, { app: next.app.name, options, inFlight, gate: { live } });
  let active = await start(contexts, true);
  return {
    get banner() {
      return formatActiveChannels(active.servers);
    },
    prepare: async (next) => {
      const prepared = await start(next, false);
      return {
        commit: async () => {
          const previous = active;
          prepared.gate.live = true;
          active = prepared;
          await closeAll(previous.subscribers);
        },
        discard: () => closeAll(prepared.subscribers),
      };
    },
    close: async () => {
      await closeAll(active.subscribers);
      await Promise.allSettled(inFlight);
    },
  };
}

interface StartDeps {
  /** The app's name, for observers. */
  readonly app: string;
  readonly options: RedisTriggerOptions;
  readonly inFlight: Set<Promise<void>>;
  readonly gate: Gate;
}

async function startApp(contexts: AppContexts, deps: StartDeps): Promise<Active> {
  const { options } = deps;
  const servers = readRedisServers(contexts.app.locked, contexts.variables.values);
  const handlers = await createHandlers(contexts, servers);
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
  return { servers, subscribers, gate: deps.gate };
}

/** As in Spin, only the HTTP trigger serves a component's requests to its own app. */
const refuseInApp: DispatchInternal = () =>
  Promise.reject(
    new OutboundError(
      "destination-not-found",
      "requests to the app itself (self, *.spin.internal) are served only from HTTP components",
    ),
  );

/** One handler per trigger id. */
async function createHandlers(
  contexts: AppContexts,
  servers: readonly RedisServer[],
): Promise<Map<string, MessageHandler>> {
  const handlers = new Map<string, MessageHandler>();
  for (const server of servers) {
    for (const binding of [...server.channels.values()].flat()) {
      const context = contexts.contextOf(binding.component, refuseInApp);
      handlers.set(binding.triggerId, await createMessageExecutor(context));
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
    if (!deps.gate.live) return;
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

/** Closes the subscribers concurrently; never rejects, so a reload's commit and discard cannot fail. */
async function closeAll(subscribers: readonly Subscriber[]): Promise<void> {
  await Promise.allSettled(subscribers.map((s) => s.close()));
}
