/**
 * Per-request deadlines. Every request gets one when it starts; when its time is up the trigger's
 * callback answers 504 and drops the guest's instance. The callback runs from a timer, not from the
 * request's own async call chain, because a guest stopped by the watchdog takes that chain with it. A guest waiting on the host is simply
 * abandoned at that point. A guest that keeps the thread busy would also keep the timer from firing, so
 * the oldest live deadline (plus a short grace) is published to the watchdog (watchdog.ts), which stops
 * such a guest from outside. Deadlines end in the order they started or earlier, so the oldest live one
 * is the first entry of an insertion-ordered set. One tracker per server; per request a timer and a set
 * entry.
 */
import { startWatchdog, type Watchdog } from "./watchdog.ts";

/** The deadline of a request unless `--request-timeout` says otherwise. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * How long past a deadline the main thread may still be busy before the watchdog stops it: enough for a
 * loaded event loop to run the deadline's own timer first.
 */
const WATCHDOG_GRACE_MS = 100;

export interface Deadline {
  /** The request is over: stops the timer, so `onExpire` is not called. Idempotent. */
  end(): void;
}

interface Entry {
  readonly dueAt: number;
  readonly timer: NodeJS.Timeout;
}

export interface RequestDeadlinesOptions {
  /** Milliseconds per request; 0 turns deadlines (and the watchdog) off. */
  readonly timeoutMs: number;
  /** Hears when the watchdog cannot run. */
  readonly onWatchdogFailure: (error: Error) => void;
  /** Hears each time the watchdog stopped a guest that kept the thread busy. */
  readonly onTerminate?: () => void;
}

const NEVER: Deadline = { end: () => undefined };

export class RequestDeadlines {
  readonly #timeoutMs: number;
  readonly #live = new Set<Entry>();
  readonly #watchdog: Watchdog | undefined;
  #published: Entry | undefined;

  constructor(options: RequestDeadlinesOptions) {
    this.#timeoutMs = options.timeoutMs;
    if (options.timeoutMs > 0) {
      this.#watchdog = startWatchdog(options.onWatchdogFailure);
      if (options.onTerminate !== undefined) this.#watchdog.onTerminate(options.onTerminate);
    }
  }

  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  /** Starts the deadline of one request; `onExpire` runs once if it passes before `end`. */
  start(onExpire: () => void): Deadline {
    if (this.#watchdog === undefined) return NEVER;
    const entry: Entry = {
      dueAt: Date.now() + this.#timeoutMs,
      timer: setTimeout(() => {
        end();
        onExpire();
      }, this.#timeoutMs),
    };
    const end = () => {
      clearTimeout(entry.timer);
      if (this.#live.delete(entry)) this.#publish();
    };
    this.#live.add(entry);
    if (this.#published === undefined) this.#publish();
    return { end };
  }

  async close(): Promise<void> {
    for (const entry of this.#live) clearTimeout(entry.timer);
    this.#live.clear();
    await this.#watchdog?.close();
  }

  #publish(): void {
    const oldest = this.#live.values().next().value;
    if (oldest === this.#published) return;
    this.#published = oldest;
    this.#watchdog?.setOverdueAt(oldest === undefined ? undefined : oldest.dueAt + WATCHDOG_GRACE_MS);
  }
}
