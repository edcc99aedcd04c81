/**
 * One subscribing connection to one Redis server, on node-redis: SUBSCRIBE to every channel, each message
 * handed to `onMessage` with its payload as bytes. The first connection must succeed — an unreachable server
 * at start-up is an error naming the address, as in Spin. After that a lost connection is retried forever
 * with capped, jittered exponential backoff, and node-redis subscribes to the channels again once it is back;
 * the loss and the recovery are each logged once, not every failed attempt. The host name resolves through
 * the `lookup` given, on every connection, made from the `sockets` given if any. One per distinct address,
 * for as long as the trigger runs.
 */
import type { LookupFunction } from "node:net";
import type { RedisClientType } from "redis";
import { redisSocketOptions } from "../../backends/redis-socket.ts";
import { SpindleError } from "../../errors.ts";
import type { OutboundSockets } from "../../net/outbound-socket.ts";
import type { Logger } from "../../observe/logger.ts";
import { backoffDelay, type BackoffPolicy } from "../../util/backoff.ts";
import { withoutCredentials } from "../../util/url-credentials.ts";

export interface SubscriberOptions {
  readonly address: string;
  readonly channels: readonly string[];
  /** Called for every message, in arrival order; must not throw. */
  readonly onMessage: (channel: string, payload: Uint8Array) => void;
  readonly logger: Logger;
  /** The wait before reconnect attempt `attempt` (0 first), in ms; Spindle's backoff when absent. */
  readonly reconnectDelay?: ((attempt: number) => number) | undefined;
  /** How the server's host name resolves; the system resolver when absent. */
  readonly lookup?: LookupFunction | undefined;
  /** The sockets every connection goes through; Node's own when absent. */
  readonly sockets?: OutboundSockets | undefined;
}

/**
 * Spindle's reconnect policy: 100 ms, doubling, at most 30 s between attempts, with jitter so that many
 * hosts reconnecting to one restarted server spread out.
 */
const RECONNECT_BACKOFF: BackoffPolicy = { initialMs: 100, maxMs: 30_000, jitter: "equal" };

export interface Subscriber {
  /** Unsubscribes and closes the connection. */
  close(): Promise<void>;
}

export async function subscribe(options: SubscriberOptions): Promise<Subscriber> {
  const { createClient } = await import("redis");
  const shown = withoutCredentials(options.address);
  const delay = options.reconnectDelay ?? ((attempt: number) => backoffDelay(attempt, RECONNECT_BACKOFF));
  const state = { started: false, connected: false };
  const client: RedisClientType = createClient({
    url: options.address,
    socket: {
      ...redisSocketOptions(options.sockets, options.lookup),
      // Before the first connection, giving up makes `connect` reject: start-up fails.
      reconnectStrategy: (attempt, cause) => (state.started ? delay(attempt) : cause),
    },
  });
  const logger = options.logger.child({ redis: shown });
  client.on("error", (error: Error) => {
    if (!state.connected) return;
    state.connected = false;
    logger.warn(`lost the connection to Redis at ${shown}; reconnecting: ${error.message}`);
  });
  client.on("ready", () => {
    if (state.started && !state.connected) logger.info(`reconnected to Redis at ${shown}`);
    state.connected = true;
  });
  try {
    await client.connect();
    await client.subscribe(
      [...options.channels],
      (payload, channel) => options.onMessage(channel.toString(), new Uint8Array(payload)),
      true,
    );
  } catch (cause) {
    if (client.isOpen) client.destroy();
    throw new SpindleError(`Redis trigger failed to connect to ${shown}: ${messageOf(cause)}`, {
      cause,
      hint: "start the Redis server, or fix the address in [application.trigger.redis] or the trigger",
    });
  }
  state.started = true;
  return {
    close: async () => {
      if (client.isOpen) await client.close();
    },
  };
}

/** The reason behind node-redis's wrapper; a refused connection to `localhost` has only a code. */
function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { originalError?: unknown }).originalError ?? error.cause ?? error;
  if (!(cause instanceof Error)) return error.message;
  return cause.message !== "" ? cause.message : ((cause as NodeJS.ErrnoException).code ?? cause.name);
}
