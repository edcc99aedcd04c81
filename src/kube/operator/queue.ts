/**
 * The reconcile work queue, after client-go's: a key (`namespace/name`) waits in the queue at most once
 * however often it is added; a key being processed is never processed twice at once, and is run again
 * afterwards if it was added meanwhile; a failed key is retried after a per-key exponential backoff that
 * resets on success. Waiting goes through an injected `Delay`. One per controller.
 */
import { backoffDelay } from "../../util/backoff.ts";
import { realDelay, type Delay } from "./delay.ts";

export interface QueueOptions {
  readonly delay?: Delay;
  /** First retry delay (ms); doubles per consecutive failure. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Called when a key's handler fails, before its retry is scheduled. */
  readonly onError?: (key: string, error: unknown, failures: number) => void;
}

export class WorkQueue {
  readonly #pending: string[] = [];
  readonly #queued = new Set<string>();
  readonly #active = new Set<string>();
  readonly #dirty = new Set<string>();
  readonly #failures = new Map<string, number>();
  readonly #waiting = new Set<Promise<void>>();
  readonly #delay: Delay;
  readonly #base: number;
  readonly #max: number;
  readonly #onError: QueueOptions["onError"];
  #wake: (() => void) | undefined;

  constructor(options: QueueOptions = {}) {
    this.#delay = options.delay ?? realDelay;
    this.#base = options.baseDelayMs ?? 5;
    this.#max = options.maxDelayMs ?? 300_000;
    this.#onError = options.onError;
  }

  add(key: string): void {
    if (this.#active.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (this.#queued.has(key)) return;
    this.#queued.add(key);
    this.#pending.push(key);
    this.#wake?.();
  }

  /** How many times `key` has failed in a row. */
  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /** Processes keys with `handler` until `signal` aborts; resolves once in-flight work has finished. */
  async run(handler: (key: string) => Promise<void>, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const key = this.#pending.shift();
      if (key === undefined) {
        await this.#idle(signal);
        continue;
      }
      this.#queued.delete(key);
      this.#active.add(key);
      await this.#process(key, handler, signal);
      this.#active.delete(key);
      if (this.#dirty.delete(key)) this.add(key);
    }
    await Promise.all(this.#waiting);
  }

  async #process(key: string, handler: (key: string) => Promise<void>, signal: AbortSignal) {
    try {
      await handler(key);
      this.#failures.delete(key);
    } catch (error) {
      const failures = this.failures(key) + 1;
      this.#failures.set(key, failures);
      this.#onError?.(key, error, failures);
      const wait = backoffDelay(failures - 1, { initialMs: this.#base, maxMs: this.#max });
      this.#retryLater(key, wait, signal);
    }
  }

  #retryLater(key: string, ms: number, signal: AbortSignal) {
    const waiting = this.#delay(ms, signal).then(() => {
      this.#waiting.delete(waiting);
      if (!signal.aborted) this.add(key);
    });
    this.#waiting.add(waiting);
  }

  #idle(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.#wake = undefined;
        signal.removeEventListener("abort", done);
        resolve();
      };
      this.#wake = done;
      signal.addEventListener("abort", done, { once: true });
    });
  }
}
